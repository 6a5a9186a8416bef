"""Decode any audio PyAV reads (or a video's audio track) to mono PCM."""

from pathlib import Path

import av
import numpy as np

from talkface.errors import InputError

ANALYSIS_RATE = 16000  # what the phone recogniser's acoustic model was trained on


def decode_audio(path: str | Path, *, sample_rate: int = ANALYSIS_RATE) -> np.ndarray:
    """(N,) float32 mono samples in [-1, 1] at ``sample_rate`` Hz.

    Reads wav, flac, mp3, m4a, ogg and the first audio track of a video file.

    Raises:
        InputError: missing file, no audio track, undecodable data.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not an audio file")
    chunks = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise InputError(path, "has no audio track")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except InputError:
        raise
    except av.error.FFmpegError as error:
        raise InputError(path, f"cannot decode audio ({_ffmpeg_reason(error)})") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot decode audio ({error})") from None
    if not chunks:
        raise InputError(path, "audio track is empty")
    return np.clip(np.concatenate(chunks), -1.0, 1.0).astype(np.float32)


def _ffmpeg_reason(error: Exception) -> str:
    reason = getattr(error, "strerror", None) or str(error)
    return reason.strip().rstrip(".").lower() or "unknown error"
