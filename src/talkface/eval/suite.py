"""The reproduction protocol over a folder of real talking videos.

For each video: frame 0 becomes the portrait and its sound the input;
talkface renders it; the rendering is measured against the real video,
which is measured too, as the ceiling.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from talkface.eval.report import VideoReport, evaluate_video
from talkface.media.read_video import read_frames, video_info

VIDEO_SUFFIXES = (".mp4", ".mpg", ".mpeg", ".mov", ".avi", ".mkv", ".webm")


@dataclass(frozen=True)
class SuiteResult:
    """Per clip, our report (with the real video as its reference)."""

    reports: dict[str, VideoReport]
    markdown: Path
    json: Path


def run_suite(folder: str | Path, out_dir: str | Path, *,
              render: Callable[[Path, Path, Path, float], None],
              progress: Callable[[str], None] | None = None) -> SuiteResult:
    """Render and measure every video in ``folder``; tables and plots into ``out_dir``.

    ``render(photo, audio, output, fps)`` makes our video of ``photo`` speaking ``audio``.
    """
    from talkface.eval.plots import write_plots
    folder, out_dir = Path(folder), Path(out_dir)
    videos = sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
    work = out_dir / "renders"
    work.mkdir(parents=True, exist_ok=True)
    reports = {}
    for video in videos:
        if progress:
            progress(video.name)
        info = video_info(video)
        if not info.has_audio:
            continue
        photo = work / f"{video.stem}-frame0.png"
        Image.fromarray(next(iter(read_frames(video)))).save(photo)
        ours = work / f"{video.stem}-talkface.mp4"
        render(photo, video, ours, info.fps)
        report = evaluate_video(ours, source_photo=photo, reference_video=video)
        write_plots(report, out_dir / "plots", name=video.stem)
        reports[video.name] = report
    markdown = out_dir / "summary.md"
    markdown.write_text(summary_table(reports), encoding="utf-8")
    document = out_dir / "summary.json"
    document.write_text(json.dumps({name: report.to_dict() for name, report in reports.items()}, indent=1),
                        encoding="utf-8")
    return SuiteResult(reports=reports, markdown=markdown, json=document)


def summary_table(reports: dict[str, VideoReport]) -> str:
    """Markdown: each clip's figures for talkface and for the real video."""
    header = ("| clip | video | mouth–audio r0 | best r (lead ms) | mouth vs real r0 | closures matched | "
              "identity | ΔP °/frame | pose std ° (y/p/r) | blinks/min | jitter | face found |")
    lines = [header, "|" + "---|" * 12]
    rows = list(reports.values())
    for name, ours in reports.items():
        for label, report in (("talkface", ours), ("real", ours.reference)):
            sync = report.mouth_audio
            lines.append("| " + " | ".join([
                name if label == "talkface" else "", label,
                _f(sync.r0 if sync else None), f"{_f(sync.best if sync else None)} ({sync.lead_ms:+.0f})" if sync else "–",
                _f(ours.mouth_reference.r0) if label == "talkface" and ours.mouth_reference else "–",
                _f(ours.closure_match) if label == "talkface" else "–",
                _f(ours.identity_mean) if label == "talkface" else "–",
                _f(report.delta_p_deg), "/".join(f"{v:.1f}" for v in report.pose_std_deg),
                _f(report.blinks_per_minute, 1), _f(report.jitter, 3), _f(report.face_found)]) + " |")
    if rows:
        lines.append("| **median** | talkface | " + " | ".join([
            _f(_median(r.mouth_audio.r0 for r in rows if r.mouth_audio)),
            _f(_median(r.mouth_audio.best for r in rows if r.mouth_audio)),
            _f(_median(r.mouth_reference.r0 for r in rows if r.mouth_reference)),
            _f(_median(r.closure_match for r in rows)), _f(_median(r.identity_mean for r in rows)),
            _f(_median(r.delta_p_deg for r in rows)), "",
            _f(_median(r.blinks_per_minute for r in rows), 1), _f(_median(r.jitter for r in rows), 3),
            _f(_median(r.face_found for r in rows))]) + " |")
        lines.append("| **median** | real | " + " | ".join([
            _f(_median(r.reference.mouth_audio.r0 for r in rows if r.reference.mouth_audio)),
            _f(_median(r.reference.mouth_audio.best for r in rows if r.reference.mouth_audio)),
            "1.00", "1.00", "", _f(_median(r.reference.delta_p_deg for r in rows)), "",
            _f(_median(r.reference.blinks_per_minute for r in rows), 1),
            _f(_median(r.reference.jitter for r in rows), 3),
            _f(_median(r.reference.face_found for r in rows))]) + " |")
    return "\n".join(lines) + "\n"


def _median(values) -> float:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.median(values)) if values else float("nan")


def _f(value, digits: int = 2) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"
