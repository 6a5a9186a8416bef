"""Find every face in a photo and order them for the user."""

from dataclasses import dataclass

import numpy as np

from talkface.face.config import FaceConfig
from talkface.face.mediapipe_models import face_detector


@dataclass(frozen=True)
class FaceBox:
    """A detected face: box in photo pixels (x0, y0, width, height) and score."""

    x0: float
    y0: float
    width: float
    height: float
    score: float

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.width / 2, self.y0 + self.height / 2)


def find_faces(image: np.ndarray, *, config: FaceConfig = FaceConfig()) -> list[FaceBox]:
    """Faces in ``image`` (H, W, 3) uint8 RGB, numbered left to right.

    Users pick a face by this order (``--face 1`` is the leftmost), which is
    how people count faces in a group photo.
    """
    height, width = image.shape[:2]
    result = face_detector(config.detection_confidence).process(image)
    boxes = []
    for detection in result.detections or ():
        rel = detection.location_data.relative_bounding_box
        boxes.append(FaceBox(
            x0=rel.xmin * width, y0=rel.ymin * height,
            width=rel.width * width, height=rel.height * height,
            score=float(detection.score[0]),
        ))
    return sorted(boxes, key=lambda box: box.centre[0])


def largest_face_index(faces: list[FaceBox]) -> int:
    """Index into ``faces`` of the largest one, the default choice."""
    return int(np.argmax([face.area for face in faces]))
