"""The FaceRig: everything the renderer needs from the photo, prepared once."""

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from talkface.errors import InputError
from talkface.face import landmark_indices as idx
from talkface.face.config import FaceConfig
from talkface.face.face_landmarks import face_landmarks
from talkface.face.find_faces import find_faces, largest_face_index
from talkface.face.head_pose import head_rotation, rotation_to_angles
from talkface.face.person_mask import person_mask


@dataclass(frozen=True, eq=False)
class FaceRig:
    """A portrait framed for animation.

    Attributes:
        texture: (S, S, 3) uint8 RGB, the framed square of the photo at output size S.
        landmarks: (478, 3) float32, Face Mesh landmarks in texture pixels
            (x right, y down, z away from the camera, same scale as x).
        person: (S, S) float32 in [0, 1], probability of person (not background).
        rotation: (3, 3), the face's axes in image coordinates (see ``head_pose``).
        head_pose: (3,) yaw, pitch, roll in degrees of the face in the photo.
        interocular: distance between the eye centres, texture pixels.
        crop: (x0, y0, side) of the framed square in photo pixels.
        photo_size: (width, height) of the photo in pixels.
        face_count: faces found in the photo; face_number: the one used (1 = leftmost).
    """

    texture: np.ndarray
    landmarks: np.ndarray
    person: np.ndarray
    rotation: np.ndarray
    head_pose: np.ndarray
    interocular: float
    crop: tuple[float, float, float]
    photo_size: tuple[int, int]
    face_count: int
    face_number: int

    @property
    def size(self) -> int:
        return self.texture.shape[0]


def analyse_photo(image: np.ndarray, *, size: int = 512, face: int | None = None,
                  zoom: float = 1.0, source: str | Path = "photo",
                  config: FaceConfig = FaceConfig()) -> FaceRig:
    """Find the face in ``image`` and prepare it for animation.

    Args:
        image: (H, W, 3) uint8 RGB photo.
        size: side of the output frame in pixels.
        face: which face to use, 1-based and counted left to right; None uses
            the largest.
        zoom: how much larger than the default framing the face appears
            (1.2: 20 % larger, as if closer), as far as the photo allows.
        source: how to name the photo in error messages.

    Raises:
        InputError: no face, a face number that does not exist, a face too small.
    """
    height, width = image.shape[:2]
    analysis_scale = min(1.0, config.analysis_max_side / max(height, width))
    analysis = image if analysis_scale == 1.0 else cv2.resize(
        image, (round(width * analysis_scale), round(height * analysis_scale)),
        interpolation=cv2.INTER_AREA)

    faces = find_faces(analysis, config=config)
    if face is not None and not 1 <= face <= max(len(faces), 1):
        raise InputError(source, f"has {len(faces)} face(s); --face {face} does not exist "
                                 f"(faces are numbered 1 to {len(faces)} from the left)")
    if faces:
        chosen = faces[face - 1] if face is not None else faces[largest_face_index(faces)]
        landmarks = face_landmarks(analysis, chosen, config=config)
    else:
        # The detector misses some paintings and tight crops that the mesh,
        # run on the whole picture, still finds.
        chosen = None
        landmarks = face_landmarks(analysis, None, config=config)
    if landmarks is None:
        raise InputError(source, "no face found")
    face_number = faces.index(chosen) + 1 if chosen is not None else 1
    landmarks = landmarks / analysis_scale

    right_eye = landmarks[idx.RIGHT_EYE_UPPER].mean(axis=0)
    left_eye = landmarks[idx.LEFT_EYE_UPPER].mean(axis=0)
    # 3-D distance: unlike the 2-D one it does not shrink when the head is turned.
    interocular = float(np.linalg.norm(left_eye - right_eye))
    if interocular < config.min_interocular_px:
        raise InputError(source, f"the face is too small to animate ({interocular:.0f} px between "
                                 f"the eyes; at least {config.min_interocular_px:.0f} needed)")

    x0, y0, side = _framing(((right_eye + left_eye) / 2)[:2], interocular / zoom, width, height, config)
    scale = size / side
    warp = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]])
    texture = cv2.warpAffine(image, warp, (size, size),
                             flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LANCZOS4,
                             borderMode=cv2.BORDER_REPLICATE)
    landmarks = landmarks.copy()
    landmarks[:, :2] -= (x0, y0)
    landmarks *= scale
    rotation = head_rotation(landmarks)
    return FaceRig(
        texture=texture,
        landmarks=landmarks.astype(np.float32),
        person=person_mask(texture),
        rotation=rotation,
        head_pose=rotation_to_angles(rotation),
        interocular=interocular * scale,
        crop=(x0, y0, side),
        photo_size=(width, height),
        face_count=len(faces) or 1,
        face_number=face_number,
    )


def _framing(eye_centre, interocular, width, height, config):
    """Square (x0, y0, side) in photo pixels around the face, inside the photo."""
    side = min(interocular / config.framing_interocular_share, width, height)
    x0 = eye_centre[0] - side / 2
    y0 = eye_centre[1] - side * config.framing_eye_height
    x0 = float(np.clip(x0, 0, width - side))
    y0 = float(np.clip(y0, 0, height - side))
    return x0, y0, float(side)


def scaled_rig(rig: FaceRig, size: int) -> FaceRig:
    """``rig`` at another output size: the same framing, fewer pixels to draw."""
    scale = size / rig.size
    return dataclasses.replace(
        rig, texture=cv2.resize(rig.texture, (size, size), interpolation=cv2.INTER_AREA),
        person=cv2.resize(rig.person, (size, size), interpolation=cv2.INTER_AREA),
        landmarks=(rig.landmarks * scale).astype(rig.landmarks.dtype), interocular=rig.interocular * scale)
