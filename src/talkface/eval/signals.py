"""Per-frame signals from landmarks and audio: mouth opening, loudness, eye
aspect ratio, head pose, rigid-point jitter."""

import cv2
import numpy as np

from talkface.face.head_pose import rotation_to_angles

# 68-point scheme: eyes 36-41 and 42-47, inner lips 60-67, nose bridge 27-30.
_INNER_LIP_PAIRS = ((61, 67), (62, 66), (63, 65))


def interocular(landmarks: np.ndarray) -> np.ndarray:
    """(F,) distance between the eye centres, pixels."""
    return np.linalg.norm(landmarks[:, 36:42].mean(axis=1) - landmarks[:, 42:48].mean(axis=1), axis=1)


def mouth_opening(landmarks: np.ndarray) -> np.ndarray:
    """(F,) inner-lip gap over the interocular distance (NaN without a face)."""
    gaps = np.mean([np.linalg.norm(landmarks[:, a] - landmarks[:, b], axis=1) for a, b in _INNER_LIP_PAIRS],
                   axis=0)
    return gaps / interocular(landmarks)


def loudness_envelope(samples: np.ndarray, *, sample_rate: int, times: np.ndarray, window_s: float) -> np.ndarray:
    """(F,) RMS level in dB of the audio around each of ``times`` ((F,)
    seconds, the video frames' times), over a window of ``window_s`` (one
    frame period) centred on it."""
    half = max(1, int(window_s * sample_rate / 2))
    centres = np.round(np.asarray(times, dtype=np.float64) * sample_rate).astype(int)
    padded = np.pad(samples.astype(np.float64), (half, half))
    cumulative = np.r_[0.0, np.cumsum(padded ** 2)]
    # Window [centre - half, centre + half) in the samples, clipped to the padded audio.
    lo = np.clip(centres, 0, len(padded))
    hi = np.clip(centres + 2 * half, 0, len(padded))
    power = (cumulative[hi] - cumulative[lo]) / (2 * half)
    return 10 * np.log10(power + 1e-10)


def eye_aspect_ratio(landmarks: np.ndarray) -> np.ndarray:
    """(F,) eye aspect ratio (Soukupova & Cech 2016), mean of both eyes."""
    ratios = []
    for start in (36, 42):
        p = landmarks[:, start:start + 6]
        vertical = np.linalg.norm(p[:, 1] - p[:, 5], axis=1) + np.linalg.norm(p[:, 2] - p[:, 4], axis=1)
        ratios.append(vertical / (2 * np.linalg.norm(p[:, 0] - p[:, 3], axis=1)))
    return np.mean(ratios, axis=0)


# Rigid landmarks only (eye corners, nose, the face contour at eye level):
# the mouth and chin move with speech and would tilt the estimate with every
# syllable. Their positions on an average adult head, millimetres, camera
# axes (x right, y down, z away from the camera), origin at the nose tip;
# from anthropometric averages (Farkas 1994: eye fissure ~30 mm, inner eye
# corners 32 mm apart, nose 48 mm long, bizygomatic width ~140 mm; the
# contour points 0 and 16 lie on the cheeks about 70 mm behind the nose tip).
_MODEL_LANDMARKS = (27, 28, 29, 30, 31, 33, 35, 36, 39, 42, 45, 0, 16)
_MODEL_POINTS = np.array([
    (0.0, -48.0, 23.0), (0.0, -36.0, 17.0), (0.0, -24.0, 11.0), (0.0, 0.0, 0.0),
    (-13.0, 8.0, 12.0), (0.0, 8.0, 10.0), (13.0, 8.0, 12.0),
    (-45.0, -40.0, 28.0), (-16.0, -40.0, 28.0), (16.0, -40.0, 28.0), (45.0, -40.0, 28.0),
    (-70.0, -30.0, 70.0), (70.0, -30.0, 70.0),
])


def head_pose(landmarks: np.ndarray, *, frame_size: tuple[int, int]) -> np.ndarray:
    """(F, 3) yaw, pitch, roll in degrees by solvePnP (NaN without a face),
    with talkface's conventions (``face.head_pose``). Only changes and
    spread are meaningful: a generic head fixes no exact zero."""
    width, height = frame_size
    camera = np.array([[width, 0, width / 2], [0, width, height / 2], [0, 0, 1]], dtype=np.float64)
    poses = np.full((len(landmarks), 3), np.nan)
    for i, points in enumerate(landmarks):
        if np.isnan(points[0, 0]):
            continue
        # Start in front of the camera, facing it, at the distance the face's
        # width implies: without a guess the solver can settle on the mirror
        # solution behind the camera.
        width_px = np.linalg.norm(points[16] - points[0])
        guess_t = np.array([[0.0], [0.0], [width * 140.0 / max(width_px, 1.0)]])
        ok, rvec, _ = cv2.solvePnP(_MODEL_POINTS, points[list(_MODEL_LANDMARKS)], camera, None,
                                   rvec=np.zeros((3, 1)), tvec=guess_t, useExtrinsicGuess=True,
                                   flags=cv2.SOLVEPNP_ITERATIVE)
        if not ok:
            continue
        rotation, _ = cv2.Rodrigues(rvec)
        poses[i] = rotation_to_angles(rotation)
    return poses


def rigid_jitter(landmarks: np.ndarray) -> float:
    """High-frequency motion of the nose bridge (points 27-30): RMS distance
    from its 5-frame moving average, in interocular distances."""
    found = ~np.isnan(landmarks[:, 0, 0])
    if found.sum() < 6:
        return float("nan")
    bridge = landmarks[found, 27:31].mean(axis=1)
    kernel = np.ones(5) / 5
    smooth = np.stack([np.convolve(np.pad(bridge[:, k], 2, mode="edge"), kernel, mode="valid")
                       for k in range(2)], axis=1)
    return float(np.sqrt(np.mean(np.sum((bridge - smooth) ** 2, axis=1))) / np.nanmedian(interocular(landmarks)))
