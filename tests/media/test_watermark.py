"""The invisible watermark survives what happens to videos; nothing else has it."""

import av
import cv2
import numpy as np
import pytest

from talkface.cli import NOT_FOUND, main
from talkface.media.verify import verify
from talkface.media.watermark import Payload, Watermarker

from ..conftest import TESTDATA, shared_file


def _transcode(source, target, *, crf=23, change=lambda frame: frame, keep=lambda t: True):
    with av.open(str(source)) as inp, av.open(str(target), "w") as out:
        stream = None
        written = 0
        for frame in inp.decode(video=0):
            if not keep(float(frame.time)):
                continue
            picture = np.ascontiguousarray(change(frame.to_ndarray(format="rgb24")))
            if stream is None:
                stream = out.add_stream("libx264", rate=25)
                stream.height, stream.width = picture.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf)}
            encoded = av.VideoFrame.from_ndarray(picture, format="rgb24")
            encoded.pts = written
            written += 1
            for packet in stream.encode(encoded):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return target


def _even(frame):
    h, w = frame.shape[:2]
    return frame[:h - h % 2, :w - w % 2]


TRANSFORMS = {
    "h264 crf 28": dict(crf=28),
    "scaled to 50%": dict(change=lambda f: cv2.resize(f, (f.shape[1] // 2, f.shape[0] // 2),
                                                       interpolation=cv2.INTER_AREA)),
    "10% cropped from every edge": dict(change=lambda f: _even(f[f.shape[0] // 10:-(f.shape[0] // 10),
                                                                 f.shape[1] // 10:-(f.shape[1] // 10)])),
    "brightness +10%": dict(change=lambda f: np.clip(f * 1.1, 0, 255).astype(np.uint8)),
    "brightness -10%": dict(change=lambda f: np.clip(f * 0.9, 0, 255).astype(np.uint8)),
    "5 s cut from the middle": dict(keep=lambda t: not 3.0 <= t < 8.0),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_the_mark_survives(rendered, rendered_verification, tmp_path, name):
    copy = _transcode(rendered, tmp_path / "copy.mp4", **TRANSFORMS[name])
    result = verify(copy)
    assert result.detection.found, f"{name}: confidence {result.detection.confidence:.1f}"
    assert result.detection.payload == rendered_verification.detection.payload


def test_the_mark_is_invisible(rendered):
    with av.open(str(rendered)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    marked = Watermarker((frame.shape[1], frame.shape[0]), Payload(1, 2)).apply(frame)
    mse = np.mean((marked.astype(float) - frame) ** 2)
    assert 10 * np.log10(255 ** 2 / mse) >= 40


def test_the_mark_and_metadata_are_reported(rendered_verification):
    result = rendered_verification
    assert result.detection.found and result.detection.payload.version == 1  # talkface 0.1
    assert result.metadata["synthetic"] == "true"
    assert result.metadata["talkface_video_id"] == f"{result.detection.payload.video_id:04x}"
    assert result.summary().startswith("synthetic: talkface watermark found")


@pytest.mark.parametrize("suffix, options", [(".png", {}), (".jpg", {"quality": 85})])
def test_a_single_frame_saved_as_an_image_carries_the_mark(rendered, rendered_verification, tmp_path, capsys,
                                                           suffix, options):
    with av.open(str(rendered)) as container:
        frame = next(frame for index, frame in enumerate(container.decode(video=0)) if index == 100)
    still = tmp_path / f"frame{suffix}"
    frame.to_image().save(still, **options)
    result = verify(still)
    assert result.detection.found, f"confidence {result.detection.confidence:.1f}"
    assert result.detection.payload == rendered_verification.detection.payload
    assert main(["verify", str(still)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("synthetic: talkface watermark found (confidence ")
    assert "no C2PA manifest" in printed
    assert main(["verify", str(shared_file("images", "local_skimage_astronaut.png"))]) == NOT_FOUND
    assert capsys.readouterr().out.splitlines()[0] == "no talkface watermark found"


def test_no_real_video_or_image_has_the_mark():
    files = sorted((TESTDATA / "video").iterdir()) + sorted((TESTDATA / "images").iterdir())
    assert len(files) > 20
    results = {path.name: verify(path) for path in files}
    assert [name for name, result in results.items() if result.detection.found] == []
    assert [name for name, result in results.items() if result.manifest] == []
