"""MotionTrack and Controls: what moves, and how the user steers it."""

from dataclasses import dataclass

import numpy as np

from talkface.motion.arkit import ARKIT_INDEX, ARKIT_NAMES

EMOTIONS = ("neutral", "happy", "sad", "angry", "surprised")
# Named gaze directions, (yaw, pitch) in degrees: yaw > 0 toward the image's
# right, pitch > 0 up. 15 degrees is a clear look aside that keeps the iris
# well inside the eye.
GAZE_DIRECTIONS = {"camera": (0.0, 0.0), "left": (-15.0, 0.0), "right": (15.0, 0.0),
                   "up": (0.0, 12.0), "down": (0.0, -12.0)}


@dataclass(frozen=True)
class Controls:
    """How the user steers the motion.

    seed: another seed gives another, equally plausible take of the same audio.
    motion_intensity: head-motion amplitude; 0 keeps the head still, 1 is
        natural conversation, 2 is animated.
    gaze: (yaw, pitch) in degrees where the eyes rest between glances
        (yaw > 0 toward the image's right, pitch > 0 up); (0, 0) is the camera.
    emotion: one of ``EMOTIONS``; changes the expression and the style of motion.
    emotion_intensity: 0 (none) to 1 (full).
    head_distance: how close the head is framed: 1.2 makes the face about
        20 % larger in the frame (closer), 0.8 smaller (farther).
    """

    seed: int = 0
    motion_intensity: float = 1.0
    gaze: tuple[float, float] = (0.0, 0.0)
    emotion: str = "neutral"
    emotion_intensity: float = 0.6
    head_distance: float = 1.0

    def __post_init__(self):
        if not 0.0 <= self.motion_intensity <= 2.0:
            raise ValueError(f"motion intensity must be between 0 and 2, not {self.motion_intensity}")
        if self.emotion not in EMOTIONS:
            raise ValueError(f"emotion must be one of {', '.join(EMOTIONS)}, not {self.emotion!r}")
        if not 0.0 <= self.emotion_intensity <= 1.0:
            raise ValueError(f"emotion intensity must be between 0 and 1, not {self.emotion_intensity}")
        if not 0.5 <= self.head_distance <= 2.0:
            raise ValueError(f"head distance must be between 0.5 and 2, not {self.head_distance}")
        if len(self.gaze) != 2 or not all(-30 <= angle <= 30 for angle in self.gaze):
            raise ValueError(f"gaze angles must be within 30 degrees, not {self.gaze}")


def parse_gaze(text: str) -> tuple[float, float]:
    """A gaze given as a name ("left") or as "yaw,pitch" in degrees."""
    text = text.strip().lower()
    if text in GAZE_DIRECTIONS:
        return GAZE_DIRECTIONS[text]
    try:
        yaw, pitch = (float(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"gaze must be one of {', '.join(GAZE_DIRECTIONS)} or YAW,PITCH in degrees, "
                         f"not {text!r}") from None
    return (yaw, pitch)


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
