import numpy as np
import pytest

from talkface.media.visible_label import POSITIONS, LabelStyle, VisibleLabel


@pytest.mark.parametrize("position", POSITIONS)
def test_label_marks_only_its_corner_and_is_legible(position):
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (256, 320, 3), dtype=np.uint8)
    labelled = VisibleLabel((320, 256), LabelStyle(position=position)).apply(frame)
    changed = np.argwhere(np.any(labelled != frame, axis=2))
    assert len(changed) > 200
    rows, cols = changed[:, 0], changed[:, 1]
    top, left = position.startswith("top"), position.endswith("left")
    assert (rows.max() < 64) if top else (rows.min() > 192)
    assert (cols.max() < 160) if left else (cols.min() > 160)
    # Text is bright over a darkened box, whatever was underneath.
    on_white = VisibleLabel((320, 256), LabelStyle(position=position)).apply(np.full_like(frame, 255))
    on_black = VisibleLabel((320, 256), LabelStyle(position=position)).apply(np.zeros_like(frame))
    assert on_white.min() < 160 and on_black.max() > 150


def test_bad_style_is_refused():
    with pytest.raises(ValueError):
        LabelStyle(position="middle")
    with pytest.raises(ValueError):
        LabelStyle(opacity=0)
