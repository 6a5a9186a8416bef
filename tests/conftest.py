"""Shared fixtures: the real inputs in the shared test data folder beside the project."""

from pathlib import Path

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
