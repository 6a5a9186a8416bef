"""When the eyes blink, and the lid curve of each blink."""

import numpy as np

from talkface.audio.track import AudioTrack
from talkface.motion.config import BlinkConfig


def blink_schedule(audio: AudioTrack, rng: np.random.Generator, *,
                   gaze_shifts: np.ndarray = np.zeros(0), gaze_shift_probability: float = 0.0,
                   config: BlinkConfig = BlinkConfig()) -> np.ndarray:
    """Start times (seconds, sorted) of blinks over the audio.

    Spontaneous blinks come at log-normal intervals; pauses in speech add
    blinks, as listeners and speakers blink at phrase boundaries; so do
    large gaze shifts (``gaze_shifts``, seconds), each with
    ``gaze_shift_probability``.
    """
    times = []
    t = rng.uniform(0.3, 1.5)
    while t < audio.duration:
        times.append(t)
        t += max(config.min_interval_s,
                 rng.lognormal(np.log(config.median_interval_s), config.interval_sigma))
    for pause_start in audio.pause_starts(config.pause_s):
        if rng.random() < config.pause_probability:
            times.append(pause_start + rng.uniform(0.0, 0.15))
    for shift in gaze_shifts:
        if rng.random() < gaze_shift_probability:
            times.append(shift)
    times = np.sort(np.array(times))
    kept = []
    for t in times:
        if not kept or t - kept[-1] >= config.min_interval_s:
            kept.append(t)
    return np.array(kept)


def blink_curve(starts: np.ndarray, times: np.ndarray, *,
                config: BlinkConfig = BlinkConfig()) -> np.ndarray:
    """(F,) eyelid closure in [0, 1] at ``times`` for blinks starting at ``starts``.

    Quick close, a short hold, slower opening; eased so the lid accelerates
    and decelerates like a real one.
    """
    closure = np.zeros(len(times))
    span = config.closing_s + config.closed_s + config.opening_s
    for start in starts:
        lo, hi = np.searchsorted(times, [start, start + span])
        local = times[lo:hi] - start
        closing = _ease(local / config.closing_s)
        opening = 1.0 - _ease((local - config.closing_s - config.closed_s) / config.opening_s)
        closure[lo:hi] = np.maximum(closure[lo:hi], np.minimum(closing, opening))
    return closure


def _ease(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)

