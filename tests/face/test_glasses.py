import pytest

from talkface.face.glasses import wears_glasses
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image

from ..conftest import shared_file


@pytest.mark.parametrize("photo, glasses", [
    ("local_matplotlib_grace_hopper.jpg", True),   # amber cat-eye frames
    ("3ddfa_JianzhuGuo.jpg", True),                # dark rectangular frames
    ("liveportrait_source_s1.jpg", False),
    ("local_skimage_astronaut.png", False),
    ("liveportrait_source_s9.jpg", False),         # a painting
])
def test_glasses_are_found_on_faces_that_wear_them(photo, glasses):
    for size in (256, 512):
        rig = analyse_photo(read_image(shared_file("images", photo)), size=size)
        assert wears_glasses(rig.texture, rig.landmarks, rig.interocular) is glasses
