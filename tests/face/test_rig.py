import numpy as np
import pytest

from talkface.errors import InputError
from talkface.face import landmark_indices as idx
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image

from ..conftest import shared_file


def _photo(name):
    return read_image(shared_file("images", name))


def test_frames_the_face_at_the_requested_size(grace_rig):
    rig = grace_rig
    assert rig.texture.shape == (512, 512, 3) and rig.landmarks.shape == (478, 3)
    assert rig.face_count == 1
    # Framing puts the eyes at the configured share of the frame width...
    assert 0.12 < rig.interocular / rig.size < 0.22
    # ...and the whole face inside it.
    oval = rig.landmarks[idx.FACE_OVAL, :2]
    assert oval.min() > 0 and oval.max() < rig.size
    # A frontal portrait measures as nearly frontal.
    assert abs(rig.head_pose[0]) < 10 and abs(rig.head_pose[2]) < 10


def test_person_mask_separates_person_from_background(grace_rig):
    mask = grace_rig.person
    nose = grace_rig.landmarks[idx.NOSE_TIP, :2].astype(int)
    assert mask[nose[1], nose[0]] > 0.9
    assert mask[5, 5] < 0.2  # the flag in the top corner is background


def test_two_faces_largest_by_default_and_choosable():
    photo = _photo("facerecognition_two_people.jpg")
    default = analyse_photo(photo, size=256)
    left = analyse_photo(photo, size=256, face=1)
    right = analyse_photo(photo, size=256, face=2)
    assert default.face_count == 2
    assert left.crop[0] < right.crop[0]
    assert default.face_number in (1, 2)
    with pytest.raises(InputError, match="--face 3 does not exist"):
        analyse_photo(photo, size=256, face=3)


@pytest.mark.parametrize("name", ["dlib_dogs.jpg", "facealignment_grass_noface.jpg"])
def test_no_face_is_an_input_error(name):
    with pytest.raises(InputError, match="no face found"):
        analyse_photo(_photo(name), source=name)


def test_huge_photo_is_analysed_downscaled_but_framed_at_full_resolution():
    photo = _photo("local_matplotlib_grace_hopper.jpg")
    huge = np.kron(photo, np.ones((8, 8, 1), dtype=np.uint8))  # 4800 x 4096
    rig = analyse_photo(huge, size=256)
    small = analyse_photo(photo, size=256)
    assert rig.crop[2] == pytest.approx(small.crop[2] * 8, rel=0.05)
    assert np.abs(rig.landmarks[:, :2] - small.landmarks[:, :2]).mean() < 3
