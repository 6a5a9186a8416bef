"""How the mouth follows the sound, and another mouth."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Correlation:
    """r0: Pearson r at zero lag; lead: the lag (frames) of the best r within
    the search range, positive when the first signal moves before the
    second; best: that r; lead_ms: the lead in milliseconds."""

    r0: float
    lead: int
    best: float
    lead_ms: float


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """r over the frames where both are finite; 0 when either does not vary
    (a still mouth follows nothing); NaN with fewer than 5 such frames."""
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 5:
        return float("nan")
    if np.std(a[ok]) < 1e-9 or np.std(b[ok]) < 1e-9:
        return 0.0
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def lagged_correlation(first: np.ndarray, second: np.ndarray, *, fps: float, max_lag: int = 12) -> Correlation:
    """Correlate ``first`` at frame t with ``second`` at t + k for |k| <= max_lag."""
    n = min(len(first), len(second))
    first, second = first[:n], second[:n]
    best_r, best_k = -np.inf, 0
    for k in range(-max_lag, max_lag + 1):
        a = first[max(0, -k):n - max(0, k)]
        b = second[max(0, k):n - max(0, -k)]
        r = pearson(a, b)
        if np.isfinite(r) and r > best_r:
            best_r, best_k = r, k
    if not np.isfinite(best_r):
        return Correlation(r0=float("nan"), lead=0, best=float("nan"), lead_ms=0.0)
    return Correlation(r0=pearson(first, second), lead=best_k, best=float(best_r),
                       lead_ms=1000.0 * best_k / fps)


def closures(opening: np.ndarray, speaking: np.ndarray) -> np.ndarray:
    """(F,) bool: frames where the lips are closed while speech goes on.
    Closed: below a tenth of the way from the clip's most-closed to its
    typical open level during speech."""
    values = opening[speaking & np.isfinite(opening)]
    if values.size < 5:
        return np.zeros(len(opening), dtype=bool)
    low, typical = np.percentile(values, 2), np.percentile(values, 75)
    return speaking & (opening <= low + 0.1 * (typical - low))


def closure_match(ours: np.ndarray, reference: np.ndarray, speaking: np.ndarray) -> tuple[float, int]:
    """Share of the reference's closures during speech that ours match within
    one frame, and how many closure frames the reference has."""
    n = min(len(ours), len(reference), len(speaking))
    theirs = closures(reference[:n], speaking[:n])
    mine = closures(ours[:n], speaking[:n])
    near = mine | np.r_[mine[1:], False] | np.r_[False, mine[:-1]]
    count = int(theirs.sum())
    return (float((near & theirs).sum() / count) if count else float("nan")), count
