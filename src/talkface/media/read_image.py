"""Read a photo as the pipeline wants it: upright 8-bit RGB."""

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from talkface.errors import InputError

# Pillow refuses images above ~179 Mpx as decompression bombs; a real portrait
# is far below, so anything larger is treated as hostile input.
_MAX_PIXELS = 120_000_000


def read_image(path: str | Path) -> np.ndarray:
    """Decode any image Pillow reads into (H, W, 3) uint8 RGB.

    EXIF orientation is applied; transparency is flattened onto white (the
    background most cut-out portraits are shown on); greyscale, palette,
    CMYK and 16-bit images are converted.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not an image")
    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                return _to_rgb(image)
    except UnidentifiedImageError:
        raise InputError(path, "not an image file (or a format Pillow cannot read)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(path, f"image too large (over {_MAX_PIXELS // 1_000_000} megapixels)") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(path, f"cannot decode image ({error})") from None


def _to_rgb(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit greyscale: scale the used range to 8 bits.
        grey = np.asarray(image, dtype=np.float64)
        top = max(grey.max(), 1.0)
        grey = np.clip(grey * (255.0 / (65535.0 if top > 255 else 255.0)), 0, 255)
        return np.repeat(grey.astype(np.uint8)[:, :, None], 3, axis=2)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.asarray(image.convert("RGB"))
