"""Where the eyes look: fixations, saccades, glances away at utterance starts."""

from dataclasses import dataclass

import numpy as np

from talkface.audio.track import AudioTrack
from talkface.motion.config import GazeConfig


@dataclass(frozen=True)
class GazePath:
    """angles: (F, 2) yaw, pitch in degrees per frame (yaw > 0 toward the
    image's right, pitch > 0 up); shifts: times (seconds) of saccades."""

    angles: np.ndarray
    shifts: np.ndarray


def gaze_path(audio: AudioTrack, times: np.ndarray, rng: np.random.Generator, *,
              rest: tuple[float, float], config: GazeConfig = GazeConfig()) -> GazePath:
    """Gaze over ``times``: held near ``rest`` with small fixational shifts;
    speakers look away as an utterance starts and come back as it ends."""
    targets = []  # (time, yaw, pitch)
    t = 0.0
    while t < audio.duration:
        targets.append((t, *(np.asarray(rest) + rng.normal(0, config.fixation_spread_deg, 2))))
        t += rng.lognormal(np.log(config.median_fixation_s), 0.5)
    starts = audio.utterance_starts(config.pause_s)
    for start in starts:
        if rng.random() < config.look_away_probability:
            side = rng.choice([-1.0, 1.0])
            away = (rest[0] + side * rng.uniform(*config.look_away_yaw_deg),
                    rest[1] + rng.uniform(*config.look_away_pitch_deg))
            back = start + rng.uniform(*config.look_away_duration_s)
            targets = [target for target in targets if not start <= target[0] < back]
            targets += [(start, *away), (back, *(np.asarray(rest) + rng.normal(0, 1.0, 2)))]
    targets.sort()
    shift_times = np.array([target[0] for target in targets])
    goals = np.array([target[1:] for target in targets])

    # Saccades last 2.2 ms per degree + 21 ms: at video rates one or two
    # frames, so each frame shows the share of the saccade done by then.
    index = np.maximum(np.searchsorted(shift_times, times, side="right") - 1, 0)
    angles = saccade(goals[np.maximum(index - 1, 0)], goals[index], times - shift_times[index], config=config)
    return GazePath(angles=angles, shifts=shift_times[1:])


def saccade(start: np.ndarray, goal: np.ndarray, elapsed, *, config: GazeConfig = GazeConfig()) -> np.ndarray:
    """Gaze angles (..., 2) degrees ``elapsed`` seconds (scalar or (...,))
    into a saccade from ``start`` to ``goal`` (..., 2): it lasts
    ``saccade_ms_per_deg`` per degree plus ``saccade_base_s``, easing in and out."""
    duration = (config.saccade_ms_per_deg * np.linalg.norm(goal - start, axis=-1) / 1000
                + config.saccade_base_s)
    progress = np.clip(np.asarray(elapsed) / duration, 0.0, 1.0)[..., None]
    return start + (goal - start) * (3 * progress ** 2 - 2 * progress ** 3)


def gaze_weights(angles: np.ndarray, *, config: GazeConfig = GazeConfig()) -> dict[str, np.ndarray]:
    """ARKit eyeLook* weights for (F, 2) gaze angles."""
    yaw = angles[:, 0] / config.full_look_yaw_deg
    pitch = angles[:, 1] / config.full_look_pitch_deg
    right, left = np.clip(yaw, 0, 1), np.clip(-yaw, 0, 1)
    up, down = np.clip(pitch, 0, 1), np.clip(-pitch, 0, 1)
    # The subject's left eye is on the image's right: looking image-right is
    # "out" for that eye and "in" for the other.
    return {
        "eyeLookOutLeft": right, "eyeLookInRight": right,
        "eyeLookInLeft": left, "eyeLookOutRight": left,
        "eyeLookUpLeft": up, "eyeLookUpRight": up,
        "eyeLookDownLeft": down, "eyeLookDownRight": down,
    }
