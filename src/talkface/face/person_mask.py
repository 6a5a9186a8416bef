"""Where the person is: MediaPipe selfie segmentation."""

import numpy as np

from talkface.face.mediapipe_models import selfie_segmenter


def person_mask(image: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0, 1]: probability that a pixel shows the person
    (face, hair, body) rather than the background. ``image`` is (H, W, 3) uint8 RGB."""
    return selfie_segmenter().process(image).segmentation_mask.astype(np.float32)
