import numpy as np
import pytest
from PIL import Image

from talkface.errors import InputError
from talkface.media.read_image import read_image

from ..conftest import shared_file


def _portrait() -> Image.Image:
    return Image.open(shared_file("images", "local_matplotlib_grace_hopper.jpg"))


def test_reads_a_real_photo_as_rgb():
    image = read_image(shared_file("images", "local_matplotlib_grace_hopper.jpg"))
    assert image.shape == (600, 512, 3) and image.dtype == np.uint8


def test_exif_orientation_is_applied(tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    _portrait().save(path, exif=exif)
    image = read_image(path)
    assert image.shape[:2] == (512, 600)


@pytest.mark.parametrize("mode", ["RGBA", "L", "CMYK", "P"])
def test_converts_other_modes(tmp_path, mode):
    suffix = {"CMYK": ".jpg"}.get(mode, ".png")
    path = tmp_path / f"portrait{suffix}"
    _portrait().convert(mode).save(path)
    image = read_image(path)
    reference = np.asarray(_portrait().convert("RGB"), dtype=float)
    assert image.shape == (600, 512, 3)
    # Same picture after conversion (CMYK and palette lose some precision).
    assert np.abs(image.astype(float) - reference).mean() < 25


def test_transparency_is_flattened_onto_white(tmp_path):
    rgba = _portrait().convert("RGBA")
    alpha = np.full((600, 512), 255, np.uint8)
    alpha[:50] = 0
    rgba.putalpha(Image.fromarray(alpha))
    rgba.save(tmp_path / "cutout.png")
    image = read_image(tmp_path / "cutout.png")
    assert (image[:50] == 255).all()


def test_sixteen_bit_greyscale(tmp_path):
    grey = (np.asarray(_portrait().convert("L"), dtype=np.uint16) * 257)
    Image.fromarray(grey).save(tmp_path / "deep.png")
    image = read_image(tmp_path / "deep.png")
    assert abs(image.mean() - np.asarray(_portrait().convert("L")).mean()) < 2


@pytest.mark.parametrize("content, problem", [
    (b"this is not a picture\n", "not an image"),
    (None, "cannot decode"),
])
def test_bad_files_give_one_clear_error(tmp_path, content, problem):
    path = tmp_path / "photo.jpg"
    if content is None:  # a real JPEG cut in half
        content = shared_file("images", "local_matplotlib_grace_hopper.jpg").read_bytes()[:3000]
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_image(path)
    assert str(path) in str(error.value) and problem in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_image(tmp_path / "nowhere.jpg")
