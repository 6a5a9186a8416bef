"""Decode any audio PyAV reads (or a video's audio track) to mono PCM."""

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from talkface.errors import InputError

ANALYSIS_RATE = 16000  # what the phone recogniser's acoustic model was trained on
# Decoded audio is handed on in pieces of about this length: long enough
# that per-piece overhead vanishes, short enough that an hour never sits in memory.
PIECE_S = 10.0
# Below this sample rate a file cannot hold speech (its band would end under
# 2 kHz, past the first formants only); a header claiming less is corrupt or
# hostile, and resampling it up would turn a small file into hours of audio.
MIN_SOURCE_RATE = 4000


def decode_audio(path: str | Path, *, sample_rate: int = ANALYSIS_RATE) -> np.ndarray:
    """(N,) float32 mono samples in [-1, 1] at ``sample_rate`` Hz.

    Reads wav, flac, mp3, m4a, ogg and the first audio track of a video file.

    Raises:
        InputError: missing file, no audio track, undecodable data, a
            sample rate too low for speech.
    """
    return np.concatenate(list(decode_audio_pieces(path, sample_rate=sample_rate)))


def decode_audio_pieces(path: str | Path, *, sample_rate: int = ANALYSIS_RATE,
                        piece_s: float = PIECE_S) -> Iterator[np.ndarray]:
    """The audio of ``decode_audio`` as consecutive (n,) float32 pieces of
    about ``piece_s`` seconds (the last may be shorter), decoded as they are
    asked for, so memory does not grow with the length of the file.

    Raises:
        InputError: as ``decode_audio``; a file that turns out to be corrupt
            part-way raises when its bad part is reached.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not an audio file")
    piece_length = max(1, int(piece_s * sample_rate))
    pending, pending_length, decoded_any = [], 0, False
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise InputError(path, "has no audio track")
            stream = container.streams.audio[0]
            if stream.codec_context is None:  # FFmpeg knows the container, not the codec
                raise InputError(path, "audio codec not supported (no decoder for it)")
            if stream.rate and stream.rate < MIN_SOURCE_RATE:
                raise InputError(path, f"sample rate {stream.rate} Hz is too low for speech "
                                       f"(at least {MIN_SOURCE_RATE} Hz)")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            for samples in _resampled(container, stream, resampler):
                pending.append(samples)
                pending_length += len(samples)
                if pending_length >= piece_length:
                    decoded_any = True
                    yield np.clip(np.concatenate(pending), -1.0, 1.0)
                    pending, pending_length = [], 0
    except InputError:
        raise
    except av.error.FFmpegError as error:
        raise InputError(path, f"cannot decode audio ({_ffmpeg_reason(error)})") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot decode audio ({error})") from None
    if pending_length:
        yield np.clip(np.concatenate(pending), -1.0, 1.0)
    elif not decoded_any:
        raise InputError(path, "audio track is empty")


def _resampled(container, stream, resampler) -> Iterator[np.ndarray]:
    """(n,) float32 mono samples of each decoded frame, then the resampler's tail."""
    for frame in container.decode(stream):
        for out in resampler.resample(frame):
            yield out.to_ndarray().reshape(-1)
    for out in resampler.resample(None):
        yield out.to_ndarray().reshape(-1)


def _ffmpeg_reason(error: Exception) -> str:
    reason = getattr(error, "strerror", None) or str(error)
    return reason.strip().rstrip(".").lower() or "unknown error"
