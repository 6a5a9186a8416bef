"""MotionTrack and Controls: what moves, and how the user steers it."""

from dataclasses import dataclass

import numpy as np

from talkface.motion.arkit import ARKIT_INDEX, ARKIT_NAMES


@dataclass(frozen=True)
class Controls:
    """How the user steers the motion.

    seed: another seed gives another, equally plausible take of the same audio.
    motion_intensity: head-motion amplitude; 0 keeps the head still, 1 is
        natural conversation, 2 is animated.
    """

    seed: int = 0
    motion_intensity: float = 1.0

    def __post_init__(self):
        if not 0.0 <= self.motion_intensity <= 2.0:
            raise ValueError(f"motion intensity must be between 0 and 2, not {self.motion_intensity}")


@dataclass(frozen=True, eq=False)
class MotionTrack:
    """Per video frame (frame i is shown at i / fps seconds):

    weights: (F, 52) float32 in [0, 1], ARKit blendshape weights (``ARKIT_NAMES`` order).
    head_rotation: (F, 3) float32, yaw, pitch, roll in degrees added to the
        photo's own pose (yaw > 0 toward the image's right, pitch > 0 chin
        down, roll > 0 clockwise).
    """

    fps: float
    weights: np.ndarray
    head_rotation: np.ndarray

    def __post_init__(self):
        frames = len(self.weights)
        if self.weights.shape != (frames, len(ARKIT_NAMES)) or self.head_rotation.shape != (frames, 3):
            raise ValueError("weights must be (F, 52) and head_rotation (F, 3)")

    @property
    def frame_count(self) -> int:
        return len(self.weights)

    def weight(self, name: str) -> np.ndarray:
        """(F,) the named ARKit weight over time."""
        return self.weights[:, ARKIT_INDEX[name]]
