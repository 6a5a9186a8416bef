"""A video rendered once for all media tests: it carries every mark talkface adds."""

import pytest

import talkface.api as api
from talkface.media.verify import verify

from ..conftest import shared_file


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("mark") / "talking.mp4"
    api.animate(shared_file("images", "liveportrait_source_s12.jpg"), shared_file("audio", "whisper_jfk.flac"),
                out, label=None)
    return out


@pytest.fixture(scope="session")
def rendered_verification(rendered):
    """What verify says of the rendered video: read once, checking a video costs seconds."""
    return verify(rendered)
