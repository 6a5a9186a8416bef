"""dlib landmarks (and identity descriptors) through a video."""

from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from talkface.eval import dlib_models

# Sharpness is the detail of a face this many pixels across, whatever its size.
_SHARPNESS_SIDE = 128.0


@dataclass(frozen=True)
class EvalConfig:
    # Re-detect the face this often; in between, the last landmarks' box
    # seeds the shape predictor (detection is 10x the cost of landmarks).
    redetect_every: int = 10
    # Frames smaller than this (shorter side, pixels) are upscaled for dlib,
    # whose detector misses faces under ~80 px.
    min_side: int = 320
    # Identity descriptors on this many frames per second (they cost ~20 ms each).
    descriptors_per_second: float = 2.0


@dataclass(frozen=True)
class FaceTrack:
    """Per frame: landmarks (F, 68, 2) in frame pixels, NaN where no face;
    descriptors (D, 128) of sampled frames at ``descriptor_frames`` (D,);
    sharpness: (F,) the face's fine detail (``face_sharpness``)."""

    fps: float
    landmarks: np.ndarray
    descriptors: np.ndarray
    descriptor_frames: np.ndarray
    sharpness: np.ndarray

    @property
    def found(self) -> np.ndarray:
        return ~np.isnan(self.landmarks[:, 0, 0])


def track_face(frames: Iterable[np.ndarray], *, fps: float, config: EvalConfig = EvalConfig()) -> FaceTrack:
    """Measure every frame of ``frames`` ((H, W, 3) uint8 RGB each)."""
    landmarks, descriptors, descriptor_frames, sharpness = [], [], [], []
    previous = None   # last landmarks, frame pixels
    anchor = None     # (detector box in scaled pixels, landmarks it gave)
    descriptor_step = max(1, int(round(fps / config.descriptors_per_second)))
    for index, frame in enumerate(frames):
        scale = max(1.0, config.min_side / min(frame.shape[:2]))
        image = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC) \
            if scale > 1 else frame
        if previous is not None and anchor is not None and index % config.redetect_every:
            # The shape predictor expects boxes like the detector's: move and
            # scale the last detector box with the face.
            box = dlib_models.follow_box(*anchor, previous * scale)
        else:
            box = dlib_models.detect_face(image) or dlib_models.detect_face(image, upsample=1)
            anchor = None
        if box is None:
            landmarks.append(np.full((68, 2), np.nan))
            sharpness.append(np.nan)
            previous = None
            continue
        points = dlib_models.landmarks68(image, box)
        if anchor is None:
            anchor = (box, points)
        previous = points / scale
        landmarks.append(previous)
        sharpness.append(face_sharpness(frame, previous))
        if index % descriptor_step == 0:
            # From the box the landmarks came from, a detector's box or one
            # following it, as the photo's descriptor is: a tight box around
            # the landmarks is not what the shape predictor was trained on,
            # and on three-quarter faces it moved the distance of the
            # unchanged photo from 0.05-0.14 to 0.42-0.48.
            descriptors.append(dlib_models.face_descriptor(image, box))
            descriptor_frames.append(index)
    return FaceTrack(fps=fps, landmarks=np.array(landmarks).reshape(-1, 68, 2),
                     descriptors=np.array(descriptors).reshape(-1, 128),
                     descriptor_frames=np.array(descriptor_frames, dtype=int),
                     sharpness=np.array(sharpness))


def face_sharpness(image: np.ndarray, points: np.ndarray) -> float:
    """Fine detail of the face: the variance, over the landmark box, of the
    band between Gaussian blurs of 0.5 and 1 a 128th of the box's side, so
    faces of any size compare.

    Computed at the image's own resolution: resizing the box to a fixed
    side first made the figure hang on the resampling's phase (a photo
    whose face box was 128 px wide lost 25 % of its own sharpness when the
    box grew by one pixel); this band moves under 5 % for boxes 0.5-5 px
    larger and still loses 40-60 % to a blur of half a pixel.
    """
    lo = np.clip(points.min(axis=0).astype(int), 0, None)
    hi = points.max(axis=0).astype(int)
    if np.any(hi <= lo):
        return np.nan
    scale = float(max(hi - lo)) / _SHARPNESS_SIDE
    # The blurs reach 3 sigma past the box: take that margin along.
    margin = int(np.ceil(3.0 * scale)) + 1
    left, top = np.maximum(lo - margin, 0)
    patch = cv2.cvtColor(image[top:hi[1] + margin, left:hi[0] + margin], cv2.COLOR_RGB2GRAY).astype(np.float64)
    band = cv2.GaussianBlur(patch, (0, 0), 0.5 * scale) - cv2.GaussianBlur(patch, (0, 0), scale)
    return float(band[lo[1] - top:hi[1] - top, lo[0] - left:hi[0] - left].var())
