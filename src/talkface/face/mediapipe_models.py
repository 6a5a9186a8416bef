"""MediaPipe solutions, created once per process and reused.

Creating a MediaPipe graph costs ~50 ms and each graph is single-threaded
state, so one instance per configuration is kept for the process.
"""

import functools
import logging
import os
import warnings

# MediaPipe and TensorFlow Lite log to stderr at start-up; users should see
# only talkface's own messages.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
logging.getLogger("absl").setLevel(logging.ERROR)
# MediaPipe 0.10.14 calls a protobuf API that newer protobuf marks deprecated.
warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype")

import mediapipe as mp  # noqa: E402  (after the logging settings above)


@functools.cache
def face_detector(min_confidence: float):
    # model_selection=1 is the full-range model: faces from close-ups down to
    # small faces in group photos and full-length paintings.
    return mp.solutions.face_detection.FaceDetection(
        model_selection=1, min_detection_confidence=min_confidence)


@functools.cache
def face_mesh():
    # refine_landmarks=True adds the ten iris points (468-477).
    return mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, max_num_faces=1, refine_landmarks=True,
        min_detection_confidence=0.3)


def face_mesh_tracker():
    """A new Face Mesh that tracks one face through consecutive video frames
    (faster and steadier than detecting in each frame); one per video."""
    return mp.solutions.face_mesh.FaceMesh(
        static_image_mode=False, max_num_faces=1, refine_landmarks=True,
        min_detection_confidence=0.3, min_tracking_confidence=0.5)


@functools.cache
def selfie_segmenter():
    # model 0 (general, 256x256 input) suits portraits; model 1 is landscape video.
    return mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
