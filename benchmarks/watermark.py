"""How reliably the invisible watermark is found, how often it is found
where it is not, and what it costs the picture.

    python benchmarks/watermark.py                 # renders the sample portrait and speech
    python benchmarks/watermark.py --video out.mp4 # any talkface video

For every transformation the tests apply (re-encoding, scaling, cropping,
brightness, a cut), prints whether the whole video is recognised and the
share of 1 s windows and of single frames in which the mark is found. Then
the same over every real video and image of the shared test data (false
positives), and the PSNR of marked against unmarked frames.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import av
import numpy as np

# The transformations are the tests' own, so the figures are for what is tested.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.media.test_watermark import TRANSFORMS, _transcode  # noqa: E402

from talkface import api  # noqa: E402
from talkface.media.read_image import read_image  # noqa: E402
from talkface.media.verify import verify  # noqa: E402
from talkface.media.watermark import Payload, WatermarkDetector, Watermarker  # noqa: E402

TESTDATA = Path(__file__).resolve().parents[1].parent / "shared" / "testdata"
# One second of video at talkface's default frame rate.
WINDOW = 25
# Every this many frames is also checked alone, to keep the run short.
SINGLE_STEP = 5


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def found(frames: list[np.ndarray]) -> bool:
    detector = WatermarkDetector()
    for frame in frames:
        detector.add(frame)
    return detector.result().found


def rates(frames: list[np.ndarray]) -> tuple[str, str]:
    """Found in how many 1 s windows and how many single frames, as "n/total"."""
    windows = [frames[start:start + WINDOW] for start in range(0, len(frames) - WINDOW + 1, WINDOW)]
    singles = frames[::SINGLE_STEP]
    return (f"{sum(map(found, windows))}/{len(windows)}",
            f"{sum(found([frame]) for frame in singles)}/{len(singles)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--video", type=Path, help="a talkface video (default: render the sample)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        video = args.video
        if video is None:
            video = Path(folder) / "sample.mp4"
            api.animate(TESTDATA / "images" / "liveportrait_source_s12.jpg", TESTDATA / "audio" / "whisper_jfk.flac",
                        video)
        print(f"{'transformation':30s} {'video':>9s} {'1 s windows':>12s} {'single frames':>14s}")
        for name, change in {"as written": None, **TRANSFORMS}.items():
            copy = video if change is None else _transcode(video, Path(folder) / "copy.mp4", **change)
            result = verify(copy)
            windows, singles = rates(frames_of(copy))
            verdict = f"{'found' if result.detection.found else 'MISSED'} {result.detection.confidence:4.1f}"
            print(f"{name:30s} {verdict:>9s} {windows:>12s} {singles:>14s}")

        videos, images = sorted((TESTDATA / "video").iterdir()), sorted((TESTDATA / "images").iterdir())
        false_files = [path.name for path in videos + images if verify(path).detection.found]
        counts = np.array([[int(n) for rate in rates(frames_of(path)) for n in rate.split("/")] for path in videos])
        windows_hit, windows, frames_hit, frames_total = counts.sum(axis=0)
        images_hit = sum(found([read_image(path)]) for path in images)
        print(f"\nfalse positives over {len(videos) + len(images)} real files: {len(false_files)} {false_files or ''}")
        print(f"  1 s windows of real videos: {windows_hit}/{windows}, single frames: {frames_hit}/{frames_total}, "
              f"images: {images_hit}/{len(images)}")

        frames = frames_of(video)[::10]
        marker = Watermarker((frames[0].shape[1], frames[0].shape[0]), Payload(version=1, video_id=0x1234))
        psnr = [10 * np.log10(255 ** 2 / np.mean((marker.apply(frame).astype(float) - frame) ** 2))
                for frame in frames]
        print(f"\nPSNR marked vs unmarked over {len(frames)} frames: min {min(psnr):.1f} dB, "
              f"mean {np.mean(psnr):.1f} dB")


if __name__ == "__main__":
    main()
