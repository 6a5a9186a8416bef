"""The background without the person, for what a moving head uncovers."""

import cv2
import numpy as np

# The person is removed from a copy this small and the hole filled by
# inpainting; revealed background is a thin band next to the head, where a
# smooth fill reads as out-of-focus background, and at this size it costs
# a few milliseconds instead of seconds.
_INPAINT_SIDE = 128


def background_plate(texture: np.ndarray, person: np.ndarray) -> np.ndarray:
    """(S, S, 3) uint8: ``texture`` with the person (``person`` > ~0.05,
    grown a little to catch hair fringes) replaced by surrounding background."""
    size = texture.shape[0]
    hole = cv2.dilate((person > 0.05).astype(np.uint8), np.ones((9, 9), np.uint8))
    small = cv2.resize(texture, (_INPAINT_SIDE, _INPAINT_SIDE), interpolation=cv2.INTER_AREA)
    small_hole = cv2.resize(hole, (_INPAINT_SIDE, _INPAINT_SIDE), interpolation=cv2.INTER_NEAREST)
    filled = cv2.inpaint(small, cv2.dilate(small_hole, np.ones((3, 3), np.uint8)), 5, cv2.INPAINT_TELEA)
    filled = cv2.GaussianBlur(filled, (0, 0), 2.0)
    filled = cv2.resize(filled, (size, size), interpolation=cv2.INTER_CUBIC)
    return np.where(hole[:, :, None] > 0, filled, texture)
