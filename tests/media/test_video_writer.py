"""Frames handed to the encoder on a second thread."""

import cv2
import numpy as np
import pytest

from talkface.media.read_image import read_image
from talkface.media.read_video import read_frames
from talkface.media.video_writer import BackgroundWriter, VideoWriter
from tests.conftest import shared_file


def _frame(level: int) -> np.ndarray:
    return np.full((64, 64, 3), level, dtype=np.uint8)


def test_frames_arrive_finished_and_in_order(tmp_path):
    out = tmp_path / "ordered.mp4"
    levels = list(range(20, 240, 11))
    with VideoWriter(out, fps=25, size=(64, 64)) as writer, \
            BackgroundWriter(writer, lambda frame: 255 - frame, depth=2) as frames:
        for level in levels:
            frames.write(_frame(level))
    decoded = [float(frame.mean()) for frame in read_frames(out)]
    assert len(decoded) == len(levels)
    assert np.allclose(decoded, [255 - level for level in levels], atol=3)


def test_an_error_while_encoding_reaches_the_caller_and_leaves_nothing(tmp_path):
    def finish(frame):
        if frame[0, 0, 0] == 50:
            raise ValueError("bad frame")
        return frame

    with pytest.raises(ValueError, match="bad frame"):
        with VideoWriter(tmp_path / "broken.mp4", fps=25, size=(64, 64)) as writer, \
                BackgroundWriter(writer, finish, depth=2) as frames:
            for level in range(0, 250, 10):
                frames.write(_frame(level))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("side", [256, 512])
def test_a_small_face_keeps_its_detail_through_encoding(tmp_path, side):
    # A portrait drifting by a pixel a frame, as a talking head does: the
    # encoder must keep the fine detail of the face (Laplacian variance, the
    # sharpness measure) at a small size as well as at a large one.
    photo = cv2.resize(read_image(shared_file("images", "liveportrait_source_s9.jpg")), (side + 16, side + 16),
                       interpolation=cv2.INTER_AREA)
    frames = [photo[i % 8:i % 8 + side, i % 8:i % 8 + side] for i in range(25)]
    out = tmp_path / "face.mp4"
    with VideoWriter(out, fps=25, size=(side, side)) as writer:
        for frame in frames:
            writer.write(frame)

    def detail(frame):
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)[side // 4:3 * side // 4, side // 4:3 * side // 4]
        return cv2.Laplacian(grey.astype(np.float64), cv2.CV_64F).var()

    kept = [detail(decoded) / detail(frame) for decoded, frame in zip(read_frames(out), frames)]
    assert np.median(kept) >= 0.9
