"""What users throw at talkface: each input either works or fails with one
clear line naming it, and leaves no file behind."""

import av
import numpy as np
import pytest
from PIL import Image

import talkface.api as api
from talkface.audio.decode import decode_audio
from talkface.errors import InputError

from .conftest import shared_file

PORTRAIT = ("images", "local_matplotlib_grace_hopper.jpg")
SPEECH = ("audio", "local_alsa_Front_Center.wav")


def _wav(path, samples, rate, layout, codec="pcm_s16le"):
    data = samples if samples.ndim == 2 else samples.reshape(1, -1)
    fmt = "s16" if data.dtype == np.int16 else "fltp"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = layout
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format=fmt, layout=layout)
        frame.rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


def _speech(rate):
    return decode_audio(shared_file("audio", "whisper_jfk.flac"), sample_rate=rate)


def _photo_cases(tmp_path):
    portrait = Image.open(shared_file(*PORTRAIT))
    portrait.save(tmp_path / "portrait.webp")
    portrait.resize((8000, 8000)).save(tmp_path / "huge.jpg", quality=80)
    return {
        "webp": tmp_path / "portrait.webp",
        "huge 8000x8000": tmp_path / "huge.jpg",
        "tiny 112 px crop": shared_file("images", "insightface_Tom_Hanks_54745.png"),
        "partial face": shared_file("images", "facerecognition_obama_partial_face.jpg"),
        "collage with a profile": shared_file("images", "3ddfa_emma.jpg"),
    }


def test_photos_that_work(tmp_path):
    for name, photo in _photo_cases(tmp_path).items():
        out = tmp_path / f"{name}.mp4"
        result = api.animate(photo, shared_file(*SPEECH), out, size=128)
        assert out.exists() and result.frames == 36, name  # 1.43 s of speech at 25 fps


@pytest.mark.parametrize("layout, rate, kind", [("mono", 8000, "int16"), ("mono", 96000, "float"),
                                                ("5.1", 48000, "float"), ("stereo", 44100, "int16")])
def test_audio_formats_that_work(tmp_path, layout, rate, kind):
    speech = _speech(rate)[:rate * 3]
    channels = {"mono": 1, "stereo": 2, "5.1": 6}[layout]
    data = np.tile(speech, (channels, 1))
    data = (data * 30000).astype(np.int16) if kind == "int16" else data.astype(np.float32)
    if kind == "int16" and channels > 1:  # packed s16 wants one interleaved row
        data = data.T.reshape(1, -1)
    audio = _wav(tmp_path / "speech.wav", data, rate, layout,
                 codec="pcm_s16le" if kind == "int16" else "pcm_f32le")
    result = api.animate(shared_file(*PORTRAIT), audio, tmp_path / "out.mp4", size=128)
    assert abs(result.duration - 3.0) <= 0.04


def _bad_cases(tmp_path):
    cut = tmp_path / "cut.flac"
    cut.write_bytes(shared_file("audio", "whisper_jfk.flac").read_bytes()[:200_000])
    text = tmp_path / "photo.jpg"
    text.write_text("not a photo")
    short = _wav(tmp_path / "short.wav", (np.sin(np.arange(1600) / 16000 * 2 * np.pi * 150) * 8000)
                 .astype(np.int16), 16000, "mono")
    silent = _wav(tmp_path / "silent.wav", np.zeros(32000, np.int16), 16000, "mono")
    portrait, speech = shared_file(*PORTRAIT), shared_file(*SPEECH)
    return [
        ("no face (dogs)", shared_file("images", "dlib_dogs.jpg"), speech, "no face found"),
        ("no face (grass)", shared_file("images", "facealignment_grass_noface.jpg"), speech, "no face found"),
        ("text named .jpg", text, speech, "not an image"),
        ("truncated audio", portrait, cut, "cannot decode audio"),
        ("0.1 s tone", portrait, short, "no voice found"),
        ("silence", portrait, silent, "silent"),
        ("noise", portrait, shared_file("audio", "local_alsa_Noise.wav"), "no voice found"),
        ("photo as audio", portrait, portrait, "no audio track"),
    ]


def test_bad_inputs_name_the_file_and_the_problem(tmp_path):
    for name, photo, audio, problem in _bad_cases(tmp_path):
        out = tmp_path / "out.mp4"
        with pytest.raises(InputError) as error:
            api.animate(photo, audio, out, size=128)
        message = str(error.value)
        assert problem in message and "\n" not in message, name
        assert error.value.source in (str(photo), str(audio)), name
        assert not out.exists() and not list(tmp_path.glob(".out*")), name


def test_output_problems(tmp_path):
    photo, speech = shared_file(*PORTRAIT), shared_file(*SPEECH)
    with pytest.raises(InputError, match="does not exist"):
        api.animate(photo, speech, tmp_path / "missing" / "out.mp4", size=128)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os
        if os.access(locked, os.W_OK):  # running as root: permissions do not bind
            pytest.skip("permissions are not enforced for this user")
        with pytest.raises(InputError, match="not writable"):
            api.animate(photo, speech, locked / "out.mp4", size=128)
    finally:
        locked.chmod(0o700)
