"""Named groups of MediaPipe Face Mesh landmark indices (478 points with irises).

Left and right are the subject's: ``RIGHT_EYE_*`` is the eye on the image's
left in an unmirrored photo. Contours run from one corner to the other.
"""

import numpy as np

# Closed loop around the face, clockwise in the image from the top of the forehead.
FACE_OVAL = np.array([
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
    400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
    54, 103, 67, 109,
])

# Lips: each contour runs from the image-left mouth corner to the image-right one.
LIPS_OUTER_UPPER = np.array([61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291])
LIPS_OUTER_LOWER = np.array([61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291])
LIPS_INNER_UPPER = np.array([78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308])
LIPS_INNER_LOWER = np.array([78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308])
MOUTH_CORNERS = np.array([61, 291, 78, 308])

# Eyelids: upper and lower contours between the two corners of each eye.
RIGHT_EYE_UPPER = np.array([33, 246, 161, 160, 159, 158, 157, 173, 133])
RIGHT_EYE_LOWER = np.array([33, 7, 163, 144, 145, 153, 154, 155, 133])
LEFT_EYE_UPPER = np.array([263, 466, 388, 387, 386, 385, 384, 398, 362])
LEFT_EYE_LOWER = np.array([263, 249, 390, 373, 374, 380, 381, 382, 362])
RIGHT_IRIS = np.array([468, 469, 470, 471, 472])  # centre first, then the ring
LEFT_IRIS = np.array([473, 474, 475, 476, 477])

RIGHT_BROW = np.array([46, 53, 52, 65, 55, 70, 63, 105, 66, 107])
LEFT_BROW = np.array([276, 283, 282, 295, 285, 300, 293, 334, 296, 336])
# Brow points nearest the nose, which browInnerUp lifts most.
BROWS_INNER = np.array([55, 65, 107, 66, 285, 295, 336, 296])

NOSE_TIP = 1
NOSE_BASE = 2  # where the nose meets the upper lip
CHIN = 152
FOREHEAD = 10
LANDMARK_COUNT = 478
