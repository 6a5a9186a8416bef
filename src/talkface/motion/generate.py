"""The motion stage: AudioTrack + Controls -> MotionTrack."""

from dataclasses import dataclass, field

import numpy as np

from talkface.audio.track import AudioTrack
from talkface.motion.arkit import ARKIT_INDEX, ARKIT_NAMES
from talkface.motion.articulation import articulate
from talkface.motion.blink_schedule import blink_curve, blink_schedule
from talkface.motion.config import EMOTION_STYLES, ArticulationConfig, BlinkConfig, GazeConfig, HeadConfig
from talkface.motion.gaze import gaze_path, gaze_weights
from talkface.motion.head_motion import head_rotation
from talkface.motion.track import Controls, MotionTrack

# ARKit splits some shapes into left and right; speech moves both sides alike.
_BOTH_SIDES = {
    "mouthStretch": ("mouthStretchLeft", "mouthStretchRight"),
    "mouthUpperUp": ("mouthUpperUpLeft", "mouthUpperUpRight"),
    "mouthSmile": ("mouthSmileLeft", "mouthSmileRight"),
}


@dataclass(frozen=True)
class MotionConfig:
    articulation: ArticulationConfig = field(default_factory=ArticulationConfig)
    blinks: BlinkConfig = field(default_factory=BlinkConfig)
    gaze: GazeConfig = field(default_factory=GazeConfig)
    head: HeadConfig = field(default_factory=HeadConfig)


def frame_count(duration: float, fps: float) -> int:
    """Frames of a video as long as ``duration`` seconds (at least one)."""
    return max(1, int(round(duration * fps)))


def motion_from_audio(audio: AudioTrack, *, fps: float = 25.0, controls: Controls = Controls(),
                      config: MotionConfig = MotionConfig()) -> MotionTrack:
    """Generate the face's motion for ``audio``; the same controls give the same track."""
    times = np.arange(frame_count(audio.duration, fps)) / fps
    # Independent random streams per component, so changing one part of the
    # model does not reshuffle the others for the same seed.
    blink_rng, head_rng, gaze_rng = (np.random.default_rng(s)
                                     for s in np.random.SeedSequence(controls.seed).spawn(3))
    weights = np.zeros((len(times), len(ARKIT_NAMES)), dtype=np.float32)
    lay_mouth(weights, articulate(audio, times, config=config.articulation))

    gaze = gaze_path(audio, times, gaze_rng, rest=controls.gaze, config=config.gaze)
    for name, curve in gaze_weights(gaze.angles, config=config.gaze).items():
        weights[:, ARKIT_INDEX[name]] = curve
    big_shifts = gaze.shifts[_shift_sizes(gaze, times) >= config.gaze.blink_shift_deg]
    blinks = blink_curve(blink_schedule(audio, blink_rng, gaze_shifts=big_shifts,
                                        gaze_shift_probability=config.gaze.blink_shift_probability,
                                        config=config.blinks), times, config=config.blinks)
    weights[:, ARKIT_INDEX["eyeBlinkLeft"]] = blinks
    weights[:, ARKIT_INDEX["eyeBlinkRight"]] = blinks

    amplitude, pitch_offset = emotion_head_style(controls)
    rotation, brow_raise = head_rotation(audio, times, head_rng, intensity=amplitude, config=config.head)
    rotation[:, 1] += pitch_offset
    lay_brow_raise(weights, brow_raise)
    weights = overlay_expression(weights, emotion_expression(controls))
    return MotionTrack(fps=fps, weights=np.clip(weights, 0.0, 1.0),
                       head_rotation=rotation.astype(np.float32))


def lay_mouth(weights: np.ndarray, channels: dict[str, np.ndarray]) -> None:
    """Write articulation ``channels`` (each (F,)) into ``weights`` (F, 52),
    both sides alike where ARKit splits a shape."""
    for name, curve in channels.items():
        for arkit_name in _BOTH_SIDES.get(name, (name,)):
            weights[:, ARKIT_INDEX[arkit_name]] = curve


def lay_brow_raise(weights: np.ndarray, brow_raise) -> None:
    """Write a brow raise ((F,) or scalar, for weights (F, 52) or (52,)):
    the inner brows by all of it, the outer ones by 0.6 of it."""
    weights[..., ARKIT_INDEX["browInnerUp"]] = brow_raise
    weights[..., ARKIT_INDEX["browOuterUpLeft"]] = brow_raise * 0.6
    weights[..., ARKIT_INDEX["browOuterUpRight"]] = brow_raise * 0.6


def emotion_head_style(controls: Controls) -> tuple[float, float]:
    """How the controls' emotion moves the head: amplitude factor on the
    motion (motion intensity included) and pitch offset in degrees."""
    style = EMOTION_STYLES[controls.emotion]
    feeling = _feeling(controls)
    amplitude = controls.motion_intensity * (1.0 + (style.head_amplitude - 1.0) * feeling)
    return amplitude, style.head_pitch_deg * feeling * min(controls.motion_intensity, 1.0)


def emotion_expression(controls: Controls) -> np.ndarray:
    """(52,) the ARKit weights of the controls' emotion at its intensity."""
    expression = np.zeros(len(ARKIT_NAMES), dtype=np.float32)
    for name, value in EMOTION_STYLES[controls.emotion].expression:
        expression[ARKIT_INDEX[name]] = value * _feeling(controls)
    return expression


def overlay_expression(weights: np.ndarray, expression: np.ndarray) -> np.ndarray:
    """``weights`` (..., 52) with ``expression`` (52,) laid over them: each
    weight at least the expression's, but the jaw hangs open further by the
    expression's share while speech still moves it."""
    jaw = ARKIT_INDEX["jawOpen"]
    out = np.maximum(weights, expression)
    out[..., jaw] = weights[..., jaw] + expression[jaw] * (1.0 - weights[..., jaw])
    return out


def _feeling(controls: Controls) -> float:
    return controls.emotion_intensity if controls.emotion != "neutral" else 0.0


def _shift_sizes(gaze, times: np.ndarray) -> np.ndarray:
    """Degrees each saccade in ``gaze.shifts`` moves the eyes."""
    if len(times) < 2:
        return np.zeros(len(gaze.shifts))
    frames = np.clip(np.searchsorted(times, gaze.shifts), 1, len(times) - 1)
    after = gaze.angles[np.minimum(frames + 2, len(times) - 1)]
    return np.linalg.norm(after - gaze.angles[frames - 1], axis=1)
