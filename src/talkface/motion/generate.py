"""The motion stage: AudioTrack + Controls -> MotionTrack."""

from dataclasses import dataclass, field

import numpy as np

from talkface.audio.track import AudioTrack
from talkface.motion.arkit import ARKIT_INDEX, ARKIT_NAMES
from talkface.motion.articulation import articulate
from talkface.motion.blink_schedule import blink_curve, blink_schedule
from talkface.motion.config import ArticulationConfig, BlinkConfig, HeadConfig
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
    blink_rng, head_rng = (np.random.default_rng(s)
                           for s in np.random.SeedSequence(controls.seed).spawn(2))
    weights = np.zeros((len(times), len(ARKIT_NAMES)), dtype=np.float32)
    for name, curve in articulate(audio, times, config=config.articulation).items():
        for arkit_name in _BOTH_SIDES.get(name, (name,)):
            weights[:, ARKIT_INDEX[arkit_name]] = curve

    blinks = blink_curve(blink_schedule(audio, blink_rng, config=config.blinks), times,
                         config=config.blinks)
    weights[:, ARKIT_INDEX["eyeBlinkLeft"]] = blinks
    weights[:, ARKIT_INDEX["eyeBlinkRight"]] = blinks

    rotation, brow_raise = head_rotation(audio, times, head_rng,
                                         intensity=controls.motion_intensity, config=config.head)
    weights[:, ARKIT_INDEX["browInnerUp"]] = brow_raise
    weights[:, ARKIT_INDEX["browOuterUpLeft"]] = brow_raise * 0.6
    weights[:, ARKIT_INDEX["browOuterUpRight"]] = brow_raise * 0.6
    return MotionTrack(fps=fps, weights=weights, head_rotation=rotation.astype(np.float32))
