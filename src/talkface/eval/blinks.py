"""Blinks from the eye aspect ratio."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Blinks:
    """per_minute; durations_s: (B,) seconds each blink keeps the eye below threshold."""

    per_minute: float
    durations_s: np.ndarray


def detect_blinks(ear: np.ndarray, *, fps: float, closed_share: float = 0.75,
                  min_duration_s: float = 0.06, max_duration_s: float = 0.8) -> Blinks:
    """Blinks in an (F,) eye-aspect-ratio curve.

    A blink is a run of frames below ``closed_share`` of the clip's open-eye
    level (its 80th percentile) lasting from ``min_duration_s`` (real blinks
    take 100-400 ms; a single low frame is landmark noise) to
    ``max_duration_s`` (longer closures are looks down or eyes shut).
    Relative to each clip's own level because EAR differs between faces.
    """
    finite = np.isfinite(ear)
    if finite.sum() < 5:
        return Blinks(per_minute=float("nan"), durations_s=np.zeros(0))
    open_level = np.percentile(ear[finite], 80)
    closed = finite & (ear < closed_share * open_level)
    edges = np.diff(np.r_[0, closed.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    durations = (ends - starts) / fps
    # A run of n frames spans about n frame periods.
    durations = durations[(durations >= min_duration_s) & (durations <= max_duration_s)]
    minutes = finite.sum() / fps / 60
    return Blinks(per_minute=float(len(durations) / minutes), durations_s=durations)
