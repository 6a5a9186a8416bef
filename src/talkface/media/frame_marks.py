"""Every frame's synthetic-media marks, in the order they go on."""

from collections.abc import Callable

import numpy as np

from talkface import __version__
from talkface.media.visible_label import LabelStyle, VisibleLabel
from talkface.media.watermark import Watermarker, payload_for


def frame_marks(size: tuple[int, int], *, video_id: int,
                label: LabelStyle | None) -> Callable[[np.ndarray], np.ndarray]:
    """(H, W, 3) uint8 frame -> the frame with the visible label (unless
    ``label`` is None) and then the invisible watermark carrying this
    talkface version and ``video_id`` (16 bits). The watermark goes on last
    so the label's pixels carry it too."""
    mark = Watermarker(size, payload_for(__version__, video_id)).apply
    if label is None:
        return mark
    stamp = VisibleLabel(size, label).apply
    return lambda frame: mark(stamp(frame))
