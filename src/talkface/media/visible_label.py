"""The visible "AI-generated" mark drawn on every frame."""

from dataclasses import dataclass

import cv2
import numpy as np

POSITIONS = ("bottom-right", "bottom-left", "top-right", "top-left")


@dataclass(frozen=True)
class LabelStyle:
    text: str = "AI-generated"
    # Corner of the frame; bottom-right is where broadcasters put such marks
    # and where it covers the least of a centred face.
    position: str = "bottom-right"
    # Opacity of the mark: readable on any background without hiding the picture.
    opacity: float = 0.75
    # Text height as a share of the frame height: small but legible at 256 px.
    height_share: float = 0.035

    def __post_init__(self):
        if self.position not in POSITIONS:
            raise ValueError(f"label position must be one of {', '.join(POSITIONS)}")
        if not 0.0 < self.opacity <= 1.0:
            raise ValueError("label opacity must be above 0 and at most 1")


class VisibleLabel:
    """Stamps a label on (H, W, 3) uint8 frames; the mark is drawn once and
    blended in place, so it costs a few microseconds per frame."""

    def __init__(self, size: tuple[int, int], style: LabelStyle = LabelStyle()):
        width, height = size
        font = cv2.FONT_HERSHEY_SIMPLEX
        text_px = max(8.0, style.height_share * height)
        scale = text_px / 22.0  # HERSHEY_SIMPLEX is ~22 px tall at scale 1
        thickness = max(1, round(scale * 1.6))
        (text_w, text_h), baseline = cv2.getTextSize(style.text, font, scale, thickness)
        pad = max(3, round(text_px * 0.35))
        box_w, box_h = text_w + 2 * pad, text_h + baseline + 2 * pad
        margin = max(4, round(0.02 * min(width, height)))
        x0 = margin if style.position.endswith("left") else width - margin - box_w
        y0 = margin if style.position.startswith("top") else height - margin - box_h
        self._region = (slice(y0, y0 + box_h), slice(x0, x0 + box_w))

        # A dark rounded box with light text: legible on any background.
        ink = np.zeros((box_h, box_w), np.uint8)
        cv2.putText(ink, style.text, (pad, pad + text_h), font, scale, 255, thickness, cv2.LINE_AA)
        box = np.zeros((box_h, box_w), np.uint8)
        radius = max(2, box_h // 4)
        cv2.rectangle(box, (radius, 0), (box_w - 1 - radius, box_h - 1), 255, -1)
        cv2.rectangle(box, (0, radius), (box_w - 1, box_h - 1 - radius), 255, -1)
        for cx in (radius, box_w - 1 - radius):
            for cy in (radius, box_h - 1 - radius):
                cv2.circle(box, (cx, cy), radius, 255, -1, cv2.LINE_AA)
        box_alpha = box.astype(np.float32) / 255.0 * 0.55 * style.opacity
        ink_alpha = ink.astype(np.float32) / 255.0 * style.opacity
        # Pre-combine: out = frame * keep + add
        self._keep = ((1 - box_alpha) * (1 - ink_alpha))[:, :, None]
        self._add = (ink_alpha * 245.0)[:, :, None]

    def apply(self, frame: np.ndarray) -> np.ndarray:
        """``frame`` with the label, a new array."""
        out = frame.copy()
        region = out[self._region].astype(np.float32)
        out[self._region] = np.clip(region * self._keep + self._add, 0, 255).astype(np.uint8)
        return out
