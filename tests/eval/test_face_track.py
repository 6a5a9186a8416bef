"""The face sharpness measure, on a real portrait."""

import cv2
import numpy as np

from talkface.eval import dlib_models
from talkface.eval.face_track import face_sharpness
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image

from ..conftest import shared_file


def test_sharpness_hangs_on_the_face_not_on_the_exact_box_and_falls_with_blur():
    # At 256 px this portrait's face box is 128 px wide: resizing boxes to
    # 128 px used to read it a quarter less sharp when the box grew by a pixel.
    face = analyse_photo(read_image(shared_file("images", "sadtalker_art_0.png")), size=256).texture
    points = dlib_models.landmarks68(face, dlib_models.detect_face(face))
    sharpness = face_sharpness(face, points)
    for grown_by in (0.5, 1.0, 3.0):
        grown = points.copy()
        grown[points[:, 0].argmax(), 0] += grown_by
        grown[points[:, 1].argmax(), 1] += grown_by
        assert abs(face_sharpness(face, grown) / sharpness - 1.0) < 0.05, grown_by
    assert face_sharpness(cv2.GaussianBlur(face, (0, 0), 0.5), points) < 0.75 * sharpness
