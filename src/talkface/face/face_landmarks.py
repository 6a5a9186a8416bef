"""478 Face Mesh landmarks with irises, in photo pixels."""

import cv2
import numpy as np

from talkface.face.config import FaceConfig
from talkface.face.find_faces import FaceBox
from talkface.face.mediapipe_models import face_mesh

# Face Mesh's own input is 192x192; a 512 px crop leaves it detail to spare
# while keeping the conversion cheap.
_MESH_INPUT_SIDE = 512


def face_landmarks(image: np.ndarray, box: FaceBox | None, *,
                   config: FaceConfig = FaceConfig()) -> np.ndarray | None:
    """Landmarks of the face in ``box``, or of the most prominent face if None.

    Args:
        image: (H, W, 3) uint8 RGB.
        box: the face to measure; the mesh runs on a square around it so a
            second face in the photo cannot be picked instead.

    Returns:
        (478, 3) float32: x, y in photo pixels; z in pixels on the same scale,
        smaller is nearer the camera. None when no face mesh was found.
    """
    height, width = image.shape[:2]
    if box is None:
        x0, y0, side = 0.0, 0.0, float(max(height, width))
    else:
        side = max(box.width, box.height) * config.mesh_crop_scale
        cx, cy = box.centre
        x0, y0 = cx - side / 2, cy - side / 2
    scale = _MESH_INPUT_SIDE / side
    # One affine warp crops, pads (with the edge colour) and resizes at once.
    warp = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], dtype=np.float64)
    crop = cv2.warpAffine(image, warp, (_MESH_INPUT_SIDE, _MESH_INPUT_SIDE),
                          flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    result = face_mesh().process(crop)
    if not result.multi_face_landmarks:
        return None
    points = np.array([(p.x, p.y, p.z) for p in result.multi_face_landmarks[0].landmark],
                      dtype=np.float32)
    # Normalised crop coordinates -> photo pixels. MediaPipe's z uses the
    # same scale as x.
    points *= _MESH_INPUT_SIDE / scale
    points[:, 0] += x0
    points[:, 1] += y0
    return points
