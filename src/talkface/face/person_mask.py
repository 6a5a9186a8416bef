"""Where the person is: MediaPipe selfie segmentation."""

import cv2
import numpy as np

from talkface.face.mediapipe_models import selfie_segmenter

# The segmenter works at 256 x 256: scaled up, its mask edge steps in blocks
# of size / 256 pixels, which show as a staircase wherever a moving head
# uncovers background. A blur of that width rounds the steps off.
_MODEL_SIDE = 256


def person_mask(image: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0, 1]: probability that a pixel shows the person
    (face, hair, body) rather than the background. ``image`` is (H, W, 3) uint8 RGB."""
    mask = selfie_segmenter().process(image).segmentation_mask.astype(np.float32)
    step = max(image.shape[:2]) / _MODEL_SIDE
    if step <= 1:
        return mask
    return np.clip(cv2.GaussianBlur(mask, (0, 0), step), 0.0, 1.0)
