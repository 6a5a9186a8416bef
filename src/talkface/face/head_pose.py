"""Head orientation from the face's own landmarks."""

import numpy as np

from talkface.face import landmark_indices as idx


def head_rotation(landmarks: np.ndarray) -> np.ndarray:
    """Rotation of the face relative to a frontal one.

    Built from rigid points only, so speech does not tilt it: the outer eye
    corners give the face's x axis, the forehead and the base of the nose
    its y axis (the chin moves with the jaw).

    Args:
        landmarks: (478, 3) in pixels (x right, y down, z away from camera).

    Returns:
        (3, 3) rotation whose columns are the face's right, down and
        backward axes in image coordinates.
    """
    across = landmarks[idx.LEFT_EYE_UPPER[0]] - landmarks[idx.RIGHT_EYE_UPPER[0]]
    down = landmarks[idx.NOSE_BASE] - landmarks[idx.FOREHEAD]
    x_axis = across / np.linalg.norm(across)
    down = down - x_axis * np.dot(down, x_axis)
    y_axis = down / np.linalg.norm(down)
    z_axis = np.cross(x_axis, y_axis)
    return np.stack([x_axis, y_axis, z_axis], axis=1)


# Points that move with the skull but not with expressions: forehead, temples,
# nose bridge and tip, eye corners, cheekbones by the ears.
RIGID_POINTS = np.array([10, 338, 297, 109, 67, 168, 6, 197, 195, 5, 4, 1,
                         33, 133, 362, 263, 234, 454, 127, 356])


def relative_rotation(reference: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(3, 3) rotation taking the (N, 3) ``reference`` shape to ``points``
    (Kabsch, least squares over all points, after removing position and scale)."""
    a = reference - reference.mean(axis=0)
    b = points - points.mean(axis=0)
    b = b * (np.linalg.norm(a) / max(np.linalg.norm(b), 1e-9))
    u, _, vt = np.linalg.svd(b.T @ a)
    flip = np.sign(np.linalg.det(u @ vt))
    return u @ np.diag([1.0, 1.0, flip]) @ vt


def rotation_to_angles(rotation: np.ndarray) -> np.ndarray:
    """(yaw, pitch, roll) in degrees of a (3, 3) rotation.

    Conventions (image axes x right, y down, z away from the camera): yaw > 0
    turns the face toward the image's right, pitch > 0 tilts the chin down,
    roll > 0 tips the head clockwise in the image. The rotation is composed
    as R = Rz(roll) @ Ry(yaw) @ Rx(pitch).
    """
    yaw = np.degrees(np.arcsin(np.clip(-rotation[2, 0], -1.0, 1.0)))
    pitch = np.degrees(np.arctan2(rotation[2, 1], rotation[2, 2]))
    roll = np.degrees(np.arctan2(rotation[1, 0], rotation[0, 0]))
    return np.array([-yaw, pitch, roll])


def angles_to_rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """(3, 3) rotation from angles in degrees, the inverse of ``rotation_to_angles``."""
    y, p, r = np.radians([-yaw, pitch, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return rz @ ry @ rx
