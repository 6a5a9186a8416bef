"""Uploads: read with size caps, and their type told by their content.

A client's file name and declared type are never trusted or used: the
first bytes say what a file is, the decoder then confirms it, and the
server stores it under a name of its own.
"""

from dataclasses import dataclass

from aiohttp import web

from talkface.server.errors import json_error

# (magic test, kind, suffix the server stores it under)
_SIGNATURES = (
    (lambda head: head.startswith(b"\xff\xd8\xff"), "image", ".jpg"),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "image", ".png"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "image", ".webp"),
    (lambda head: head[:6] in (b"GIF87a", b"GIF89a"), "image", ".gif"),
    (lambda head: head[:4] in (b"II*\x00", b"MM\x00*"), "image", ".tif"),
    (lambda head: head[:2] == b"BM", "image", ".bmp"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE", "audio", ".wav"),
    (lambda head: head.startswith(b"fLaC"), "audio", ".flac"),
    (lambda head: head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0),
     "audio", ".mp3"),
    (lambda head: head.startswith(b"OggS"), "audio", ".ogg"),
    (lambda head: head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"), "audio", ".aiff"),
    # Containers that hold audio, video or both: what is inside decides.
    (lambda head: head[4:8] == b"ftyp", "media", ".mp4"),
    (lambda head: head.startswith(b"\x1a\x45\xdf\xa3"), "media", ".webm"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"AVI ", "media", ".avi"),
)

# Which kinds of content each upload field accepts.
ACCEPTS = {
    "photo": ("image",),
    "audio": ("audio", "media"),
    "video": ("media", "image"),
}
_DESCRIBE = {"photo": "an image (JPEG, PNG, WebP, GIF, TIFF, BMP)",
             "audio": "audio (WAV, FLAC, MP3, OGG, AIFF, M4A, WebM) or a video with sound",
             "video": "a video (MP4, MOV, WebM, MKV, AVI) or an image"}
# Text fields (the controls) are small.
_MAX_TEXT_BYTES = 4096


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its bytes and the suffix its content calls for."""

    data: bytes
    suffix: str


def sniff(field: str, data: bytes) -> Upload:
    """The upload if its first bytes are a type ``field`` accepts; a 415 JSON error otherwise."""
    if not data:
        raise json_error(400, f"{field}: the file is empty")
    for matches, kind, suffix in _SIGNATURES:
        if matches(data[:16]) and kind in ACCEPTS[field]:
            return Upload(data, suffix)
    raise json_error(415, f"{field}: not {_DESCRIBE[field]} (judged by its content)")


async def read_form(request: web.Request, caps: dict[str, int], *,
                    required: tuple[str, ...]) -> tuple[dict[str, Upload], dict[str, str]]:
    """The files named in ``caps`` (each at most that many bytes) and any
    short text fields of a multipart/form-data request."""
    if not request.content_type.startswith("multipart/form-data"):
        raise json_error(415, "expected multipart/form-data")
    files: dict[str, bytes] = {}
    texts: dict[str, str] = {}
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            name = part.name or ""
            cap = caps.get(name, _MAX_TEXT_BYTES)
            if name in files or name in texts:
                raise json_error(400, f"{name}: sent twice")
            data = bytearray()
            while chunk := await part.read_chunk(64 * 1024):
                data += chunk
                if len(data) > cap:
                    what = f"{name}: larger than the {_megabytes(cap)} limit" if name in caps \
                        else f"field {name!r} is too long"
                    raise json_error(413, what)
            if name in caps:
                files[name] = bytes(data)
            else:
                try:
                    texts[name] = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise json_error(400, f"field {name!r} is not UTF-8 text") from None
    except (ValueError, AssertionError) as error:  # aiohttp's complaints about a malformed body
        raise json_error(400, f"malformed multipart body ({error})") from None
    for name in required:
        if name not in files:
            raise json_error(400, f"{name}: missing (send it as a file field named {name!r})")
    return {name: sniff(name, data) for name, data in files.items()}, texts


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"
