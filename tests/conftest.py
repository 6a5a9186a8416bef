"""Shared fixtures: the real inputs in the shared test data folder beside the
project, and a writer of small test videos."""

from pathlib import Path

import av
import numpy as np
import pytest

TESTDATA = Path(__file__).resolve().parents[1].parent / "shared" / "testdata"


def shared_file(*parts: str) -> Path:
    path = TESTDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not found: {path}")
    return path


@pytest.fixture(scope="session")
def grace_rig():
    from talkface.face.rig import analyse_photo
    from talkface.media.read_image import read_image
    return analyse_photo(read_image(shared_file("images", "local_matplotlib_grace_hopper.jpg")), size=512)


@pytest.fixture(scope="session")
def jfk_track():
    from talkface.audio.track import analyse_audio
    return analyse_audio(shared_file("audio", "whisper_jfk.flac"))


def write_video(path, frames, audio, *, fps=25, rate=16000, frame_numbers=None):
    """An MP4 of ``frames`` and ``audio``; ``frame_numbers`` (one per frame,
    in 1/fps units) leaves gaps where a recording dropped frames."""
    frame_numbers = range(len(frames)) if frame_numbers is None else frame_numbers
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.height, video.width = frames[0].shape[:2]
        video.pix_fmt = "yuv420p"
        video.options = {"crf": "12"}
        sound = out.add_stream("aac", rate=rate)
        sound.layout = "mono"
        for number, frame in zip(frame_numbers, frames):
            picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
            picture.pts = number
            for packet in video.encode(picture):
                out.mux(packet)
        chunk = 1024
        for start in range(0, len(audio), chunk):
            piece = audio[start:start + chunk].reshape(1, -1).astype(np.float32)
            samples = av.AudioFrame.from_ndarray(piece, format="fltp", layout="mono")
            samples.rate, samples.pts = rate, start
            for packet in sound.encode(samples):
                out.mux(packet)
        for stream in (video, sound):
            for packet in stream.encode(None):
                out.mux(packet)
    return path
