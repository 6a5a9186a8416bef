"""Fuzzing the readers of user files: whatever bytes come in, the only
error that may come out is an InputError, one line naming the file."""

import functools
import io
import json
import struct

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from talkface.audio.decode import decode_audio
from talkface.errors import InputError
from talkface.media.read_image import read_image
from talkface.motion.motion_file import load_motion

from .conftest import shared_file

# Short, bounded runs: enough to shake out unhandled exception types, quick
# enough for every test run. Fixed seeds (derandomize), so every run tries
# the same inputs and a failure is never a fluke. No deadline: decoders vary
# in speed by input.
FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check(read, path):
    """Call ``read(path)``: it returns, or raises a one-line InputError naming ``path``."""
    try:
        read(path)
    except InputError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)


def _mutations(seed: bytes):
    """``seed`` truncated, with bytes overwritten, and with bytes inserted."""
    return st.one_of(
        st.integers(0, len(seed)).map(lambda n: seed[:n]),
        st.lists(st.tuples(st.integers(0, len(seed) - 1), st.integers(0, 255)), min_size=1, max_size=12)
          .map(lambda edits: _overwrite(seed, edits)),
        st.tuples(st.integers(0, len(seed)), st.binary(min_size=1, max_size=64))
          .map(lambda cut: seed[:cut[0]] + cut[1] + seed[cut[0]:]),
    )


def _overwrite(seed: bytes, edits) -> bytes:
    data = bytearray(seed)
    for position, value in edits:
        data[position] = value
    return bytes(data)


@functools.cache
def _image_seeds() -> dict[str, bytes]:
    portrait = Image.open(shared_file("images", "local_matplotlib_grace_hopper.jpg")).resize((48, 56))
    seeds = {}
    for suffix, save in ((".jpg", {"format": "JPEG", "exif": _rotated_exif()}), (".png", {"format": "PNG"}),
                         (".gif", {"format": "GIF"}), (".webp", {"format": "WEBP"}),
                         (".tif", {"format": "TIFF"}), (".bmp", {"format": "BMP"})):
        buffer = io.BytesIO()
        portrait.save(buffer, **save)
        seeds[suffix] = buffer.getvalue()
    return seeds


def _rotated_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate on display
    return exif.tobytes()


@FUZZ
@given(data=st.data())
def test_image_reader_fuzz(tmp_path, data):
    _fuzz_seeded_file(tmp_path / "photo", data, _image_seeds(), read_image)


def _fuzz_seeded_file(stem, data, seeds: dict[str, bytes], reader) -> None:
    """A mutated seed (or random bytes) under one of the seeds' suffixes, through ``reader``."""
    suffix = data.draw(st.sampled_from(sorted(seeds)))
    content = data.draw(st.one_of(_mutations(seeds[suffix]), st.binary(max_size=256)))
    path = stem.with_name(stem.name + suffix)
    path.write_bytes(content)
    _check(reader, path)


def _wav_bytes(*, format_tag: int, channels: int, rate: int, bits: int, block_align: int, data: bytes,
               declared_data_size: int | None = None) -> bytes:
    fmt = struct.pack("<HHIIHH", format_tag, channels, rate, rate * block_align & 0xFFFFFFFF, block_align, bits)
    size = len(data) if declared_data_size is None else declared_data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", len(body) & 0xFFFFFFFF) + body


# WAV headers with every field drawn: formats (PCM, float, A-law, mu-law,
# unknown), channel counts, sample rates from 1 Hz up, odd bit depths.
WAV_HEADERS = st.builds(
    _wav_bytes,
    format_tag=st.sampled_from([1, 3, 6, 7, 0xFFFE, 0, 0x55, 12345]),
    channels=st.integers(0, 70),
    rate=st.one_of(st.sampled_from([8000, 16000, 44100, 96000]), st.integers(0, 2**32 - 1)),
    bits=st.sampled_from([0, 1, 8, 12, 16, 24, 32, 64, 65535]),
    block_align=st.integers(0, 600),
    data=st.binary(max_size=4096),
    declared_data_size=st.one_of(st.none(), st.integers(0, 2**32 - 1)),
)


@functools.cache
def _audio_seeds() -> dict[str, bytes]:
    speech = decode_audio(shared_file("audio", "local_alsa_Front_Center.wav"))[:8000]
    seeds = {}
    for suffix, codec, fmt in ((".flac", "flac", "s16"), (".mp3", "mp3", "fltp"), (".m4a", "aac", "fltp"),
                               (".ogg", "libopus", "flt")):
        buffer = io.BytesIO()
        with av.open(buffer, "w", format={".m4a": "mp4"}.get(suffix, suffix[1:])) as out:
            stream = out.add_stream(codec, rate=16000)
            stream.layout = "mono"
            samples = (speech * 30000).astype(np.int16) if fmt == "s16" else speech
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format=fmt, layout="mono")
            frame.rate = 16000
            for packet in [*stream.encode(frame), *stream.encode(None)]:
                out.mux(packet)
        seeds[suffix] = buffer.getvalue()
    return seeds


@FUZZ
@given(header_wav=WAV_HEADERS)
def test_audio_decoder_fuzz_wav_headers(tmp_path, header_wav):
    path = tmp_path / "speech.wav"
    path.write_bytes(header_wav)
    _check(decode_audio, path)


@FUZZ
@given(data=st.data())
def test_audio_decoder_fuzz_compressed(tmp_path, data):
    _fuzz_seeded_file(tmp_path / "speech", data, _audio_seeds(), decode_audio)


NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30),
                    st.sampled_from([10**400, -10**400]),
                    st.sampled_from(["", "1", "x", "nan", "inf", "1e999"]))
JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=8)),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                           max_leaves=20)


def _motion_document(draw) -> dict:
    names = draw(st.one_of(st.just(["jawOpen", "mouthClose"]), JSON_VALUES))
    frames = draw(st.integers(0, 4))
    width = len(names) if isinstance(names, list) else 2
    document = {"format": draw(st.sampled_from(["talkface-motion", "other", None])),
                "version": 1,
                "fps": draw(st.one_of(st.sampled_from([25, 60, 0, -1, 1e9]), JSON_VALUES)),
                "names": names,
                "weights": draw(st.one_of(st.lists(st.lists(NUMBERS, min_size=width, max_size=width),
                                                   min_size=frames, max_size=frames), JSON_VALUES)),
                "head_rotation_deg": draw(st.one_of(st.lists(st.lists(NUMBERS, min_size=3, max_size=3),
                                                             min_size=frames, max_size=frames), JSON_VALUES))}
    dropped = draw(st.lists(st.sampled_from(sorted(document)), max_size=2))
    return {key: value for key, value in document.items() if key not in dropped}


@st.composite
def motion_json(draw) -> str:
    return json.dumps(_motion_document(draw))


@st.composite
def motion_csv(draw) -> str:
    # Mostly headers a reader accepts (the required columns in any order), so
    # the rows get parsed; sometimes anything.
    columns = draw(st.one_of(
        st.permutations(["Timecode", "EyeBlinkLeft", "JawOpen", "HeadYaw", "Other"]),
        st.lists(st.sampled_from(["Timecode", "BlendShapeCount", "EyeBlinkLeft", "JawOpen",
                                  "HeadYaw", "HeadPitch", "HeadRoll", "Other", ""]), max_size=8)))
    rows = draw(st.lists(st.lists(st.one_of(NUMBERS.map(str), st.sampled_from(
        ["00:00:00:00.000", "00:00:01:59.500", "00:00:00:inf", "a:b:c:d", "1:2:3:1e9"])),
        min_size=0, max_size=len(columns) + 1), max_size=5))
    return "\n".join(",".join(row) for row in [columns, *rows])


@settings(FUZZ, max_examples=300)  # parsing text is cheap: search wider
@given(data=st.data())
def test_motion_file_parser_fuzz(tmp_path, data):
    suffix = data.draw(st.sampled_from([".json", ".csv"]))
    content = data.draw(st.one_of((motion_json() if suffix == ".json" else motion_csv()).map(str.encode),
                                  st.text(max_size=200).map(str.encode), st.binary(max_size=200)))
    path = tmp_path / f"motion{suffix}"
    path.write_bytes(content)
    _check(load_motion, path)


def _json_motion(**changes) -> str:
    document = {"format": "talkface-motion", "version": 1, "fps": 25, "names": ["jawOpen"],
                "weights": [[0.5]], "head_rotation_deg": [[0, 0, 0]]}
    return json.dumps(document | changes)


# Files that once escaped the reader as other errors, found by the fuzzing above.
@pytest.mark.parametrize("content", [
    pytest.param(_json_motion(weights=[[10**400]]), id="weight beyond float range"),
    pytest.param(_json_motion(fps=10**400), id="fps beyond float range"),
    pytest.param("[" * 100_000 + "]" * 100_000, id="deeply nested JSON"),
    pytest.param("Timecode,EyeBlinkLeft,JawOpen\n00:00:00:inf,0,0\n", id="infinite frame number in a timecode"),
    pytest.param("EyeBlinkLeft,JawOpen,Timecode\n0,0\n", id="row shorter than the Timecode column"),
    pytest.param("Timecode,EyeBlinkLeft,JawOpen\n\"" + "x" * 200_000 + "\",0,0\n",
                 id="field over the csv module's limit"),
])
def test_motion_files_found_by_fuzzing(tmp_path, content):
    path = tmp_path / ("motion.json" if content.startswith(("{", "[")) else "motion.csv")
    path.write_text(content, encoding="utf-8")
    _check(load_motion, path)
