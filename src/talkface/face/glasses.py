"""Whether the face in a FaceRig wears glasses."""

import cv2
import numpy as np

from talkface.face.config import FaceConfig


def wears_glasses(texture: np.ndarray, landmarks: np.ndarray, interocular: float, *,
                  config: FaceConfig = FaceConfig()) -> bool:
    """True when the nose bridge between the eyes is crossed by a horizontal
    edge: the bridge of a pair of glasses. A bare nose there shows only its
    vertical sides.

    Args:
        texture: (S, S, 3) uint8 RGB framed photo.
        landmarks: (478, 3) Face Mesh landmarks in texture pixels.
        interocular: distance between the eye centres, texture pixels.
    """
    # At a fixed face scale, so the edge strengths compare across sizes.
    scale = config.glasses_interocular_px / interocular
    centre = (landmarks[168, :2] + landmarks[6, :2]) / 2 * scale  # upper nose bridge
    half_width, half_height = 0.1 * config.glasses_interocular_px, 0.12 * config.glasses_interocular_px
    x0, y0 = np.floor(centre - (half_width, half_height)).astype(int).clip(0)
    x1, y1 = np.ceil(centre + (half_width, half_height)).astype(int) + 1
    side = int(round(texture.shape[0] * scale))
    small = cv2.resize(texture, (side, side), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float64)
    if grey.size == 0:
        return False
    across = np.abs(cv2.Sobel(grey, cv2.CV_64F, 0, 1, ksize=3)).mean()   # horizontal edges
    along = np.abs(cv2.Sobel(grey, cv2.CV_64F, 1, 0, ksize=3)).mean()    # vertical edges
    return bool(across > config.glasses_min_edge and across > config.glasses_edge_ratio * along)
