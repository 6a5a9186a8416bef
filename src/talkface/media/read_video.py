"""Read a video frame by frame."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from talkface.errors import InputError


@dataclass(frozen=True)
class VideoInfo:
    """fps; frame_count (as decoded); size (width, height); duration seconds; has_audio."""

    fps: float
    frame_count: int
    size: tuple[int, int]
    duration: float
    has_audio: bool


def read_frames(path: str | Path) -> Iterator[np.ndarray]:
    """(H, W, 3) uint8 RGB frames of the first video track, one at a time."""
    for _, frame in read_timed_frames(path):
        yield frame


def read_timed_frames(path: str | Path) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds, frame) pairs of the first video track: each (H, W, 3) uint8
    RGB frame with its presentation time from the start of the file. Some
    recordings drop frames, so the times are not always index / fps."""
    path = _existing(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise InputError(path, "has no video track")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            fps = _nominal_fps(stream)
            for index, frame in enumerate(container.decode(stream)):
                seconds = float(frame.time) if frame.time is not None else index / fps
                # Contiguous: PyAV pads some widths, and dlib and OpenGL want plain rows.
                yield seconds, np.ascontiguousarray(frame.to_ndarray(format="rgb24"))
    except av.error.FFmpegError as error:
        raise InputError(path, f"cannot decode video ({error})") from None


def video_info(path: str | Path) -> VideoInfo:
    """What ``path`` holds (frames are counted by decoding headers only)."""
    path = _existing(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise InputError(path, "has no video track")
            stream = container.streams.video[0]
            fps = _nominal_fps(stream)
            frames = sum(1 for _ in container.demux(stream) if _.size)
            return VideoInfo(fps=fps, frame_count=frames, size=(stream.width, stream.height),
                             duration=frames / fps, has_audio=bool(container.streams.audio))
    except av.error.FFmpegError as error:
        raise InputError(path, f"cannot read video ({error})") from None


def _nominal_fps(stream) -> float:
    """Frames per second a video stream declares (25 when it declares none)."""
    return float(stream.average_rate or stream.guessed_rate or 25)


def _existing(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    return path
