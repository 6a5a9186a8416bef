"""The background without the person, for what a moving head uncovers."""

import cv2
import numpy as np

# The person is removed from a copy this small and the hole filled by
# inpainting; revealed background is a thin band next to the head, where a
# smooth fill reads as out-of-focus background, and at this size it costs
# a few milliseconds instead of seconds.
_INPAINT_SIDE = 128
# Width of the blend from the fill to the photo beyond the hole, as a share
# of the frame: a few pixels of the inpainting's blur at any size.
_FEATHER = 0.02


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
    # The fill fades into the photo outside the hole rather than ending in a
    # hard edge, which would show as a seam wherever the head uncovers it.
    outside = cv2.distanceTransform((hole == 0).astype(np.uint8), cv2.DIST_L2, 5)
    fill_share = np.clip(1.0 - outside / (_FEATHER * size), 0.0, 1.0)[:, :, None]
    return (fill_share * filled + (1.0 - fill_share) * texture).round().astype(np.uint8)
