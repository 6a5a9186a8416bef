"""Pictures of a report: mouth over loudness, head pose, a contact sheet."""

from pathlib import Path

import numpy as np

from talkface.eval.report import VideoReport
from talkface.media.read_video import read_frames


def write_plots(report: VideoReport, out_dir: str | Path, *, name: str = "video") -> list[Path]:
    """PNGs in ``out_dir``: ``NAME-mouth.png``, ``NAME-pose.png``, ``NAME-sheet.png``."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    curves = report.curves
    seconds = curves.times
    written = []

    figure, axis = plt.subplots(figsize=(11, 3.2))
    axis.plot(seconds, curves.mouth, color="tab:red", label="mouth opening (this video)")
    if report.reference is not None and report.reference.curves is not None:
        axis.plot(seconds, report.reference.curves.at(curves.times).mouth, color="tab:gray", alpha=0.8,
                  label="mouth opening (reference)")
    axis.set_ylabel("inner-lip gap / interocular")
    axis.set_xlabel("seconds")
    loudness = axis.twinx()
    loudness.plot(seconds, curves.envelope, color="tab:blue", alpha=0.35, label="loudness")
    loudness.set_ylabel("loudness (dB)")
    if report.mouth_audio is not None:
        axis.set_title(f"mouth vs loudness: r0 {report.mouth_audio.r0:.2f}, best {report.mouth_audio.best:.2f} "
                       f"with the mouth {report.mouth_audio.lead_ms:+.0f} ms ahead")
    axis.legend(loc="upper left", fontsize=8)
    written.append(_save(figure, out_dir / f"{name}-mouth.png"))

    figure, axis = plt.subplots(figsize=(11, 3.2))
    for k, label in enumerate(("yaw", "pitch", "roll")):
        axis.plot(seconds, curves.pose[:, k] - np.nanmedian(curves.pose[:, k]), label=label)
    axis.set_ylabel("degrees (from the median)")
    axis.set_xlabel("seconds")
    axis.set_title(f"head pose: ΔP {report.delta_p_deg:.2f}°/frame")
    axis.legend(loc="upper left", fontsize=8)
    written.append(_save(figure, out_dir / f"{name}-pose.png"))

    written.append(contact_sheet(report.video, out_dir / f"{name}-sheet.png", every=max(1, round(report.fps))))
    return written


def contact_sheet(video: str | Path, out: str | Path, *, every: int = 25, columns: int = 6,
                  tile: int = 256) -> Path:
    """One frame in ``every`` of ``video``, tiled into a PNG."""
    import cv2
    tiles = [cv2.resize(frame, (tile, tile * frame.shape[0] // frame.shape[1]), interpolation=cv2.INTER_AREA)
             for i, frame in enumerate(read_frames(video)) if i % every == 0]
    rows = -(-len(tiles) // columns)
    blank = np.zeros_like(tiles[0])
    tiles += [blank] * (rows * columns - len(tiles))
    sheet = np.vstack([np.hstack(tiles[r * columns:(r + 1) * columns]) for r in range(rows)])
    cv2.imwrite(str(out), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    return Path(out)


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    import matplotlib.pyplot as plt
    plt.close(figure)
    return path
