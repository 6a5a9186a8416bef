"""Pitch and loudness on a fixed analysis grid (Praat, through parselmouth)."""

from dataclasses import dataclass

import numpy as np
import parselmouth


@dataclass(frozen=True)
class ProsodyConfig:
    # 10 ms frames: the usual speech-analysis hop, finer than a video frame.
    frame_rate: float = 100.0
    # Praat's default pitch range for speech (75-600 Hz) covers low male voices
    # and children; singing sopranos reach ~1 kHz, so the ceiling is raised.
    pitch_floor_hz: float = 75.0
    pitch_ceiling_hz: float = 900.0
    # Burg formant tracking with Praat's defaults for an adult voice: five
    # formants below 5.5 kHz (5 kHz suits men, 5.5 kHz women and children).
    max_formant_hz: float = 5500.0


@dataclass(frozen=True)
class Prosody:
    """Per analysis frame (frame i covers t = i / frame_rate seconds):

    loudness_db: (N,) float32, RMS level in dB relative to full scale (floor -100).
    pitch_hz: (N,) float32, fundamental frequency, 0 where unvoiced.
    formants_hz: (N, 2) float32, first and second formant (NaN where none).
    """

    frame_rate: float
    loudness_db: np.ndarray
    pitch_hz: np.ndarray
    formants_hz: np.ndarray


def measure_prosody(samples: np.ndarray, *, sample_rate: int,
                    config: ProsodyConfig = ProsodyConfig()) -> Prosody:
    """Loudness and pitch of (N,) float32 mono ``samples``."""
    hop = int(round(sample_rate / config.frame_rate))
    frame_count = int(np.ceil(len(samples) / hop))
    # 30 ms windows centred on each frame: two periods of a low voice, short
    # enough that plosive bursts and closures stay sharp.
    window = int(0.03 * sample_rate)
    padded = np.pad(samples.astype(np.float64), (window // 2, window + hop))
    power = np.convolve(padded ** 2, np.ones(window) / window, mode="valid")
    loudness = 10 * np.log10(power[::hop][:frame_count] + 1e-10)

    sound = parselmouth.Sound(samples.astype(np.float64), sampling_frequency=sample_rate)
    pitch = sound.to_pitch(time_step=1.0 / config.frame_rate,
                           pitch_floor=config.pitch_floor_hz,
                           pitch_ceiling=config.pitch_ceiling_hz)
    frame_times = np.arange(frame_count) / config.frame_rate
    f0 = _sample_pitch(pitch, frame_times)
    formant = sound.to_formant_burg(time_step=1.0 / config.frame_rate, max_number_of_formants=5,
                                    maximum_formant=config.max_formant_hz)
    formants = np.array([[formant.get_value_at_time(k, t) for k in (1, 2)] for t in frame_times])
    return Prosody(frame_rate=config.frame_rate,
                   loudness_db=np.maximum(loudness, -100).astype(np.float32),
                   pitch_hz=f0.astype(np.float32),
                   formants_hz=formants.reshape(-1, 2).astype(np.float32))


def _sample_pitch(pitch, frame_times: np.ndarray) -> np.ndarray:
    """Praat's pitch frames resampled to ``frame_times`` (nearest frame)."""
    values = pitch.selected_array["frequency"]
    times = pitch.xs()
    if len(times) == 0:
        return np.zeros(len(frame_times))
    nearest = np.clip(np.round((frame_times - times[0]) / pitch.dx).astype(int), 0, len(values) - 1)
    inside = (frame_times >= times[0] - pitch.dx) & (frame_times <= times[-1] + pitch.dx)
    return np.where(inside, values[nearest], 0.0)
