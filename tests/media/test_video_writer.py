"""Frames handed to the encoder on a second thread."""

import numpy as np
import pytest

from talkface.media.read_video import read_frames
from talkface.media.video_writer import BackgroundWriter, VideoWriter


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
