"""MediaPipe solutions, created once per process and reused.

Creating a MediaPipe graph costs ~50 ms and each graph is single-threaded
state, so one instance per configuration is kept for the process.
"""

import contextlib
import functools
import logging
import os
import sys
import warnings

import numpy as np

logging.getLogger("absl").setLevel(logging.ERROR)
# MediaPipe 0.10.14 calls a protobuf API that newer protobuf marks deprecated.
warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype")

import mediapipe as mp  # noqa: E402  (after the logging settings above)


@functools.cache
def face_detector(min_confidence: float):
    # model_selection=1 is the full-range model: faces from close-ups down to
    # small faces in group photos and full-length paintings.
    return _started(lambda: mp.solutions.face_detection.FaceDetection(
        model_selection=1, min_detection_confidence=min_confidence))


@functools.cache
def face_mesh():
    # refine_landmarks=True adds the ten iris points (468-477).
    return _started(lambda: mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, max_num_faces=1, refine_landmarks=True,
        min_detection_confidence=0.3))


def face_mesh_tracker():
    """A new Face Mesh that tracks one face through consecutive video frames
    (faster and steadier than detecting in each frame); one per video."""
    return _started(lambda: mp.solutions.face_mesh.FaceMesh(
        static_image_mode=False, max_num_faces=1, refine_landmarks=True,
        min_detection_confidence=0.3, min_tracking_confidence=0.5))


@functools.cache
def selfie_segmenter():
    # model 0 (general, 256x256 input) suits portraits; model 1 is landscape video.
    return _started(lambda: mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0))


def _started(make):
    """The graph ``make()`` creates, after one run on a blank image.

    MediaPipe's C++ side and TensorFlow Lite write log lines straight to the
    process's standard error when a graph starts and first runs (before
    their logging reads any setting), so users would see them among
    talkface's own messages. They are hidden for that moment only.
    """
    with _native_stderr_hidden():
        graph = make()
        graph.process(np.zeros((64, 64, 3), dtype=np.uint8))
    return graph


@contextlib.contextmanager
def _native_stderr_hidden():
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
