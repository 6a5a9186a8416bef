"""Head rotation and brows from the prosody: drift, nods, breathing."""

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import find_peaks

from talkface.audio.track import AudioTrack
from talkface.motion.config import HeadConfig


def head_rotation(audio: AudioTrack, times: np.ndarray, rng: np.random.Generator, *,
                  intensity: float, config: HeadConfig = HeadConfig()) -> tuple[np.ndarray, np.ndarray]:
    """Head rotation and brow raise at ``times``.

    Returns:
        rotation: (F, 3) yaw, pitch, roll in degrees.
        brow_raise: (F,) in [0, 1], lifting with pitch accents.
    """
    drift = _drift(len(times), times, rng, config)
    accents = _pitch_accents(audio, config) + config.prosody_delay_s
    phrase_ends = audio.pause_starts(config.phrase_end_pause_s) + config.prosody_delay_s
    nods = (pulses(accents, times, config.nod_duration_s) * config.accent_nod_deg
            + pulses(phrase_ends, times, config.nod_duration_s * 1.4) * config.phrase_end_nod_deg)
    talking = audio.at(uniform_filter1d(audio.speech.astype(np.float64), size=50), times)
    breathing = config.breathing_deg * np.sin(2 * np.pi * config.breathing_hz * times
                                              + rng.uniform(0, 2 * np.pi))
    rotation = drift * (0.5 + 0.5 * talking)[:, None]
    rotation[:, 1] += nods + breathing * (1.0 - talking)
    brow_raise = np.clip(pulses(accents, times, config.nod_duration_s), 0, 1) * config.accent_brow_raise
    return rotation * intensity, brow_raise * min(intensity, 1.0)


def _drift(count: int, times: np.ndarray, rng: np.random.Generator, config: HeadConfig) -> np.ndarray:
    """(F, 3) Ornstein-Uhlenbeck drift, stationary from the first frame."""
    if count == 0:
        return np.zeros((0, 3))
    dt = float(np.median(np.diff(times))) if count > 1 else 0.04
    decay = np.exp(-dt / config.drift_time_constant_s)
    std = np.asarray(config.drift_std_deg)
    noise = rng.standard_normal((count, 3)) * std * np.sqrt(1 - decay ** 2)
    drift = np.empty((count, 3))
    drift[0] = rng.standard_normal(3) * std
    for i in range(1, count):
        drift[i] = drift[i - 1] * decay + noise[i]
    # The OU path is continuous but jagged frame to frame; real heads are
    # smooth at video rate, so a 200 ms moving average takes the jitter out.
    return uniform_filter1d(drift, size=max(1, int(round(0.2 / dt))), axis=0, mode="nearest")


def _pitch_accents(audio: AudioTrack, config: HeadConfig) -> np.ndarray:
    """Times (seconds) of pitch peaks that stand out from the speaker's range."""
    voiced = audio.pitch_hz > 0
    if voiced.sum() < 10:
        return np.zeros(0)
    semitones = np.where(voiced, 12 * np.log2(np.maximum(audio.pitch_hz, 1) / 100), np.nan)
    mean, std = np.nanmean(semitones), max(np.nanstd(semitones), 0.5)
    z = np.nan_to_num((semitones - mean) / std, nan=-10)
    peaks, _ = find_peaks(z, height=config.accent_z, distance=int(0.35 * audio.frame_rate))
    return peaks / audio.frame_rate


def pulses(centres: np.ndarray, times: np.ndarray, width: float) -> np.ndarray:
    """(F,) sum of raised-cosine bumps of ``width`` seconds centred at ``centres``."""
    out = np.zeros(len(times))
    for centre in centres:
        lo, hi = np.searchsorted(times, [centre - width / 2, centre + width / 2])
        phase = (times[lo:hi] - centre) / width
        out[lo:hi] += 0.5 * (1 + np.cos(2 * np.pi * phase))
    return out
