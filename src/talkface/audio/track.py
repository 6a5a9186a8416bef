"""The AudioTrack: the timeline the motion stage reads."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from talkface.audio.decode import ANALYSIS_RATE, decode_audio
from talkface.audio.phones import PhoneTimeline, align_phones, recognise_phones
from talkface.audio.prosody import measure_prosody
from talkface.audio.voice_activity import has_voice, voice_activity
from talkface.errors import InputError

# Peak level below which a file counts as silent (about -80 dBFS): quieter
# than the dither noise of a 16-bit recording.
_SILENCE_PEAK = 1e-4


@dataclass(frozen=True, eq=False)
class AudioTrack:
    """What the voice does over time.

    Attributes:
        duration: seconds.
        frame_rate: analysis frames per second of the per-frame arrays.
        loudness_db: (N,) float32, RMS level per analysis frame, dBFS.
        pitch_hz: (N,) float32, fundamental frequency, 0 where unvoiced.
        formants_hz: (N, 2) float32, F1 and F2 (NaN where none).
        speech: (N,) bool, voice activity.
        phones: the phone timeline (seconds); None when lip sync reads the
            acoustics only.
    """

    duration: float
    frame_rate: float
    loudness_db: np.ndarray
    pitch_hz: np.ndarray
    formants_hz: np.ndarray
    speech: np.ndarray
    phones: PhoneTimeline | None

    def at(self, values: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Per-frame ``values`` read at ``times`` (seconds), linearly interpolated."""
        grid = np.arange(len(values)) / self.frame_rate
        return np.interp(times, grid, values.astype(np.float64))

    def pause_starts(self, min_pause_s: float) -> np.ndarray:
        """Times (seconds) where speech stops for at least ``min_pause_s``."""
        speech = np.r_[False, self.speech, False].astype(np.int8)
        edges = np.diff(speech)
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        next_start = np.r_[starts[1:], len(self.speech) + int(min_pause_s * self.frame_rate) + 1]
        # A pause must be followed by more speech or by the end of the audio.
        long_enough = (next_start - ends) >= min_pause_s * self.frame_rate
        return ends[long_enough & (ends < len(self.speech))] / self.frame_rate


LANGUAGES = ("auto", "en", "any")


def analyse_samples(samples: np.ndarray, *, sample_rate: int = ANALYSIS_RATE,
                    transcript: str | None = None, language: str = "auto",
                    source: str | Path = "audio") -> AudioTrack:
    """Analyse (N,) float32 mono ``samples`` at ``sample_rate`` Hz.

    ``language``: "en" reads English phones, "any" reads only the acoustics
    (formants, loudness, voicing: any language, singing), "auto" both,
    the motion stage blending them by how far the phones can be trusted.

    Raises:
        InputError: the audio is silent or holds no voice.
    """
    if len(samples) == 0 or np.max(np.abs(samples)) < _SILENCE_PEAK:
        raise InputError(source, "audio is silent")
    prosody = measure_prosody(samples, sample_rate=sample_rate)
    speech = voice_activity(prosody)
    if not has_voice(prosody, speech):
        raise InputError(source, "no voice found in the audio (only noise or silence)")
    if language not in LANGUAGES:
        raise InputError(f"language {language!r}", f"must be one of {', '.join(LANGUAGES)}")
    if transcript is not None:
        phones = align_phones(samples, transcript, sample_rate=sample_rate)
    elif language == "any":
        phones = None
    else:
        phones = recognise_phones(samples, sample_rate=sample_rate)
    return AudioTrack(
        duration=len(samples) / sample_rate,
        frame_rate=prosody.frame_rate,
        loudness_db=prosody.loudness_db,
        pitch_hz=prosody.pitch_hz,
        formants_hz=prosody.formants_hz,
        speech=speech,
        phones=phones,
    )


def analyse_audio(path: str | Path, *, transcript: str | None = None, language: str = "auto") -> AudioTrack:
    """Decode the audio file at ``path`` and analyse it (see ``analyse_samples``)."""
    return analyse_samples(decode_audio(path), transcript=transcript, language=language, source=path)
