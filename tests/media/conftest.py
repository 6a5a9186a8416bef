"""A video rendered once for all media tests: it carries every mark talkface adds."""

import pytest

import talkface.api as api

from ..conftest import shared_file


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("mark") / "talking.mp4"
    api.animate(shared_file("images", "liveportrait_source_s12.jpg"), shared_file("audio", "whisper_jfk.flac"),
                out, label=None)
    return out
