"""dlib's face detector, 68-point shape predictor and face descriptor.

The model files ship in the ``face-recognition-models`` package; they are
found without importing it (its import needs pkg_resources).
"""

import functools
import importlib.util
from pathlib import Path

import numpy as np

from talkface.errors import InputError


def _model_file(name: str) -> str:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("face-recognition-models", "not installed; install talkface[eval]")
    path = Path(spec.submodule_search_locations[0]) / "models" / name
    if not path.is_file():
        raise InputError(path, "model file missing; reinstall face-recognition-models")
    return str(path)


@functools.cache
def _models():
    try:
        import dlib
    except ImportError:
        raise InputError("dlib", "not installed; install talkface[eval]") from None
    return (dlib,
            dlib.get_frontal_face_detector(),
            dlib.shape_predictor(_model_file("shape_predictor_68_face_landmarks.dat")),
            dlib.face_recognition_model_v1(_model_file("dlib_face_recognition_resnet_model_v1.dat")))


def detect_face(image: np.ndarray, *, upsample: int = 0):
    """The largest face box in (H, W, 3) uint8 RGB ``image``, or None."""
    _, detector, _, _ = _models()
    boxes = detector(image, upsample)
    return max(boxes, key=lambda box: box.area()) if len(boxes) else None


def landmarks68(image: np.ndarray, box) -> np.ndarray:
    """(68, 2) float64 landmark pixels of the face in ``box``."""
    _, _, predictor, _ = _models()
    shape = predictor(image, box)
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def follow_box(box, points_then: np.ndarray, points_now: np.ndarray):
    """``box`` (found when the face had ``points_then``) moved and scaled to
    where the face is now (``points_now``)."""
    dlib = _models()[0]
    then_centre, now_centre = points_then.mean(axis=0), points_now.mean(axis=0)
    scale = np.ptp(points_now, axis=0).mean() / max(np.ptp(points_then, axis=0).mean(), 1e-6)
    centre = np.array([(box.left() + box.right()) / 2, (box.top() + box.bottom()) / 2])
    centre = now_centre + (centre - then_centre) * scale
    half = np.array([box.width(), box.height()]) * scale / 2
    return dlib.rectangle(*map(int, np.r_[centre - half, centre + half]))


def face_descriptor(image: np.ndarray, box) -> np.ndarray:
    """(128,) identity descriptor; distances under 0.6 mean the same person."""
    _, _, predictor, encoder = _models()
    return np.array(encoder.compute_face_descriptor(image, predictor(image, box)))
