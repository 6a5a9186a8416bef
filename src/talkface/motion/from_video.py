"""Motion measured from a real video of a face (reenactment).

MediaPipe Face Mesh tracks the driving face; its head pose and the openness
of its mouth, eyes and brows, each relative to that person's own resting
values, become ARKit weights. The same track drives any photo.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.ndimage import median_filter

from talkface.errors import InputError
from talkface.face import landmark_indices as idx
from talkface.face.head_pose import RIGID_POINTS, relative_rotation, rotation_to_angles
from talkface.face.mediapipe_models import face_mesh_tracker
from talkface.media.read_video import read_timed_frames, video_info
from talkface.motion.arkit import ARKIT_INDEX, ARKIT_NAMES
from talkface.motion.track import MotionTrack
from talkface.render.config import RenderConfig


@dataclass(frozen=True)
class MeasureConfig:
    # Lip gap (inner lips, in interocular distances) that reads as jawOpen = 1:
    # the renderer's full jaw drop (0.6) less the lip thickness it keeps.
    full_jaw_gap: float = 0.5
    # A lid gap below this share of the person's open-eye gap is a full blink.
    closed_eye_share: float = 0.25
    # Mouth width change (share of the resting width) for a full smile or pucker.
    full_smile_widening: float = 0.25
    full_pucker_narrowing: float = 0.25
    # The renderer narrows the jaw's gap between puckered lips by this share
    # at mouthPucker = 1; a gap measured between puckered lips needs a jaw
    # that much wider to be drawn as measured.
    pucker_lip_closing: float = RenderConfig.pucker_lip_closing
    # Brow lift (interocular distances) for browInnerUp = 1.
    full_brow_lift: float = 0.12
    # Iris offset in the eye (share of the eye width) for eyeLook* = 1.
    full_look_share: float = 0.22
    # Landmark noise is removed with a median over this many frames (~0.1 s at
    # 25 fps): it keeps blinks and closures, which last 3+ frames.
    median_frames: int = 3


def motion_from_video(path: str | Path, *, config: MeasureConfig = MeasureConfig()) -> MotionTrack:
    """Measure the face in the video at ``path`` frame by frame.

    Frames without a detectable face repeat the last measured ones.

    Raises:
        InputError: unreadable video, no video track, no face in any frame.
    """
    fps, times, landmarks = _track_landmarks(Path(path))
    found = np.array([frame is not None for frame in landmarks])
    if not found.any():
        raise InputError(path, "no face found in the video")
    first = int(np.argmax(found))
    filled, last = [], landmarks[first]
    for frame in landmarks:
        last = frame if frame is not None else last
        filled.append(last)
    points = np.stack(filled)                                                     # (F, 478, 3)

    features = np.stack([_features(frame) for frame in points])                   # (F, k)
    features = median_filter(features, size=(config.median_frames, 1), mode="nearest")
    rest = np.percentile(features, 50, axis=0)
    weights = np.zeros((len(points), len(ARKIT_NAMES)), dtype=np.float32)
    gap, width, brow, right_eye, left_eye, right_iris, left_iris = features.T
    closed_gap = np.percentile(gap, 5)
    widening = (width - rest[1]) / rest[1]
    for side in ("Left", "Right"):
        weights[:, ARKIT_INDEX[f"mouthSmile{side}"]] = np.clip(widening / config.full_smile_widening, 0, 1)
    pucker = np.clip(-widening / config.full_pucker_narrowing, 0, 1)
    weights[:, ARKIT_INDEX["mouthPucker"]] = pucker
    weights[:, ARKIT_INDEX["jawOpen"]] = np.clip(
        (gap - closed_gap) / config.full_jaw_gap / (1.0 - config.pucker_lip_closing * pucker), 0, 1)
    weights[:, ARKIT_INDEX["browInnerUp"]] = np.clip((brow - rest[2]) / config.full_brow_lift, 0, 1)
    for side, openness in (("Right", right_eye), ("Left", left_eye)):
        open_level = np.percentile(openness, 90)
        share = openness / max(open_level, 1e-6)
        weights[:, ARKIT_INDEX[f"eyeBlink{side}"]] = np.clip(
            (1.0 - share) / (1.0 - config.closed_eye_share), 0, 1)
    look = ((right_iris + left_iris) / 2 - np.median((right_iris + left_iris) / 2)) / config.full_look_share
    right, left = np.clip(look, 0, 1), np.clip(-look, 0, 1)
    for name, curve in (("eyeLookOutLeft", right), ("eyeLookInRight", right),
                        ("eyeLookInLeft", left), ("eyeLookOutRight", left)):
        weights[:, ARKIT_INDEX[name]] = curve

    # Each frame's rotation from the first, fitted over all rigid points
    # (steadier than axes through a few landmarks).
    reference = points[0][RIGID_POINTS]
    angles = np.stack([rotation_to_angles(relative_rotation(reference, frame[RIGID_POINTS])) for frame in points])
    angles = median_filter(angles, size=(config.median_frames, 1), mode="nearest")
    weights = _at_steady_rate(weights, times, fps).astype(np.float32)
    angles = _at_steady_rate(angles, times, fps)
    return MotionTrack(fps=fps, weights=weights, head_rotation=(angles - np.median(angles, axis=0)).astype(np.float32))


def replace_mouth(base: MotionTrack, mouth: MotionTrack) -> MotionTrack:
    """``base`` with its mouth and jaw weights taken from ``mouth`` (resampled
    to ``base``'s frames; past its end the mouth rests)."""
    columns = [i for i, name in enumerate(ARKIT_NAMES) if name.startswith(("mouth", "jaw", "tongue"))]
    times = np.arange(base.frame_count) / base.fps
    source = np.minimum(np.round(times * mouth.fps).astype(int), mouth.frame_count)
    padded = np.vstack([mouth.weights, np.zeros((1, len(ARKIT_NAMES)), np.float32)])
    weights = base.weights.copy()
    weights[:, columns] = padded[source][:, columns]
    return MotionTrack(fps=base.fps, weights=weights, head_rotation=base.head_rotation)


def _features(points: np.ndarray) -> np.ndarray:
    """Per frame: lip gap, mouth width, brow height (interocular units), eye
    openness (lid gap / eye width, each eye), iris offset (share of eye width, each eye)."""
    right_centre = points[idx.RIGHT_EYE_UPPER].mean(axis=0)
    left_centre = points[idx.LEFT_EYE_UPPER].mean(axis=0)
    unit = np.linalg.norm(left_centre - right_centre)
    gap = np.linalg.norm(points[idx.LIPS_INNER_LOWER[3:8]] - points[idx.LIPS_INNER_UPPER[3:8]], axis=1).mean()
    width = np.linalg.norm(points[idx.MOUTH_CORNERS[1]] - points[idx.MOUTH_CORNERS[0]])
    brow = (np.linalg.norm(points[idx.BROWS_INNER] - (right_centre + left_centre) / 2, axis=1).mean())
    eyes = []
    irises = []
    for upper, lower, iris in ((idx.RIGHT_EYE_UPPER, idx.RIGHT_EYE_LOWER, idx.RIGHT_IRIS),
                               (idx.LEFT_EYE_UPPER, idx.LEFT_EYE_LOWER, idx.LEFT_IRIS)):
        eye_width = np.linalg.norm(points[upper[-1]] - points[upper[0]])
        lid_gap = np.linalg.norm(points[upper[2:-2]] - points[lower[2:-2]], axis=1).mean()
        eyes.append(lid_gap / eye_width)
        middle = (points[upper[0]] + points[upper[-1]]) / 2
        across = (points[upper[-1]] - points[upper[0]]) / eye_width
        # Positive toward the image's right, whichever eye.
        irises.append(np.dot(points[iris[0]] - middle, across) / eye_width * np.sign(across[0]))
    return np.array([gap / unit, width / unit, brow / unit, *eyes, *irises])


def _track_landmarks(path: Path) -> tuple[float, np.ndarray, list[np.ndarray | None]]:
    """The video's nominal fps, each frame's time ((F,) seconds) and its
    (478, 3) landmarks in pixels (None where no face)."""
    fps = video_info(path).fps
    times, landmarks = [], []
    with face_mesh_tracker() as tracker:
        for seconds, image in read_timed_frames(path):
            times.append(seconds)
            result = tracker.process(image)
            if not result.multi_face_landmarks:
                landmarks.append(None)
                continue
            h, w = image.shape[:2]
            landmarks.append(np.array([(p.x * w, p.y * h, p.z * w)
                                       for p in result.multi_face_landmarks[0].landmark], dtype=np.float64))
    if not landmarks:
        raise InputError(path, "video has no frames")
    return fps, np.array(times), landmarks


def _at_steady_rate(values: np.ndarray, times: np.ndarray, fps: float) -> np.ndarray:
    """(F, k) ``values`` measured at ``times`` ((F,) seconds), read at the
    steady frame times k / fps, linearly between measured frames: phones
    and web recordings drop frames, and a track's frame k is moment k / fps
    of the driver's sound, which starts at 0 even where its first frame
    comes later (before it, the first frame holds)."""
    steady = np.arange(len(times)) / fps
    return np.stack([np.interp(steady, times, column) for column in values.T], axis=1)
