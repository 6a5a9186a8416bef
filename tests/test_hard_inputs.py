"""What users throw at talkface: each input either works or fails with one
clear line naming it, and leaves no file behind."""

import os
import resource
import struct
import subprocess
import sys
from pathlib import Path

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
    # The middle shot of the collage: a face turned about 60 degrees to the side.
    Image.open(shared_file("images", "3ddfa_emma.jpg")).crop((1500, 0, 2400, 1000)).save(tmp_path / "profile.jpg")
    return {
        "webp": tmp_path / "portrait.webp",
        "huge 8000x8000": tmp_path / "huge.jpg",
        "tiny 112 px crop": shared_file("images", "insightface_Tom_Hanks_54745.png"),
        "partial face": shared_file("images", "facerecognition_obama_partial_face.jpg"),
        "collage with a profile": shared_file("images", "3ddfa_emma.jpg"),
        "profile": tmp_path / "profile.jpg",
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


@pytest.mark.parametrize("name, audio, seconds", [
    ("24-bit stereo 48 kHz", ("audio", "sadtalker_japanese.wav"), 9.08),
    ("a video's sound track", ("video", "lipnet_grid_pwij3p.mpg"), 2.96),
])
def test_real_audio_that_works(tmp_path, name, audio, seconds):
    out = tmp_path / "out.mp4"
    result = api.animate(shared_file(*PORTRAIT), shared_file(*audio), out, size=128)
    assert abs(result.duration - seconds) <= 0.04, name
    with av.open(str(out)) as video:
        assert abs(video.streams.audio[0].duration * video.streams.audio[0].time_base - seconds) <= 0.05, name


def test_audio_damaged_in_the_middle_still_plays_in_sync(tmp_path):
    # 4 kB of noise over the middle of a FLAC: the decoder skips the bad
    # frames, and the video keeps the length of what was decoded.
    damaged = bytearray(shared_file("audio", "whisper_jfk.flac").read_bytes())
    middle = len(damaged) // 2
    damaged[middle:middle + 4000] = np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes()
    audio = tmp_path / "damaged.flac"
    audio.write_bytes(bytes(damaged))
    out = tmp_path / "out.mp4"
    result = api.animate(shared_file(*PORTRAIT), audio, out, size=128)
    assert 10.5 < result.duration <= 11.0
    with av.open(str(out)) as video:
        sound = video.streams.audio[0]
        assert abs(float(sound.duration * sound.time_base) - result.duration) <= 0.05


def _wav_header(format_tag, rate, data):
    fmt = struct.pack("<HHIIHH", format_tag, 1, rate, rate * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _bad_cases(tmp_path):
    cut = tmp_path / "cut.flac"
    cut.write_bytes(shared_file("audio", "whisper_jfk.flac").read_bytes()[:200_000])
    text = tmp_path / "photo.jpg"
    text.write_text("not a photo")
    portrait = Image.open(shared_file(*PORTRAIT))
    portrait.resize((51, 60)).save(tmp_path / "tiny.png")
    canvas = Image.new("RGB", (1000, 1000), (90, 90, 90))
    canvas.paste(portrait.resize((85, 100)), (450, 450))
    canvas.save(tmp_path / "small_face.png")
    jpeg = shared_file(*PORTRAIT).read_bytes()
    (tmp_path / "half.jpg").write_bytes(jpeg[:len(jpeg) // 2])
    (tmp_path / "photo.heic").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200))
    (tmp_path / "codec.wav").write_bytes(_wav_header(0x1234, 16000, bytes(32000)))  # a codec id nobody decodes
    (tmp_path / "1hz.wav").write_bytes(_wav_header(1, 1, bytes(8192)))  # 4096 samples "at 1 Hz": 68 minutes
    mp3 = bytearray(shared_file("audio", "iplap_abstract.mp3").read_bytes())
    mp3[len(mp3) // 3:len(mp3) // 3 + 20000] = np.random.default_rng(0).integers(0, 256, 20000, np.uint8).tobytes()
    (tmp_path / "damaged.mp3").write_bytes(bytes(mp3))
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
        ("whole photo 51x60 px", tmp_path / "tiny.png", speech, "face is too small"),
        ("45 px face in a large photo", tmp_path / "small_face.png", speech, "no face found"),
        ("truncated JPEG", tmp_path / "half.jpg", speech, "image file is truncated"),
        ("HEIC", tmp_path / "photo.heic", speech, "not an image file"),
        ("unknown audio codec", portrait, tmp_path / "codec.wav", "codec not supported"),
        ("sample rate 1 Hz", portrait, tmp_path / "1hz.wav", "too low for speech"),
        ("MP3 with 20 kB of noise inside", portrait, tmp_path / "damaged.mp3", "cannot decode audio"),
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
    # Writability is tried, so it holds for root too: /sys refuses new files to
    # everyone, and a folder without write permission refuses other users.
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for folder in (locked, Path("/sys")):
            if folder == locked and os.geteuid() == 0:
                continue  # root writes there regardless of the permission bits
            with pytest.raises(InputError, match="not writable"):
                api.animate(photo, speech, folder / "out.mp4", size=128)
            assert not list(folder.glob(".out*"))
    finally:
        locked.chmod(0o700)


def test_full_disk_leaves_nothing(tmp_path):
    # Files may grow to 64 kB only: writes past that fail as on a full disk
    # (EFBIG rather than ENOSPC, through the same path; Python ignores SIGXFSZ).
    limit = 64 * 1024
    out = tmp_path / "out.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "talkface.cli", "animate", str(shared_file(*PORTRAIT)),
         str(shared_file("audio", "whisper_jfk.flac")), "-o", str(out), "--size", "256"],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
        capture_output=True, text=True)
    errors = [line for line in result.stderr.splitlines() if line.startswith("talkface: error:")]
    assert result.returncode == 1
    assert len(errors) == 1 and str(out) in errors[0] and "cannot write video" in errors[0]
    assert list(tmp_path.iterdir()) == []
