"""Mouth shape of each phone, as ARKit weights.

Values follow the viseme classes of Preston Blair / Rhubarb (A-H, X) and
Oculus' 15 visemes, expressed in ARKit names: open vowels drop the jaw,
rounded ones funnel and pucker, front vowels spread the lips, bilabials
close, labiodentals bring the lower lip to the upper teeth.
"""

import numpy as np

# The mouth channels articulation writes, in this order.
MOUTH_CHANNELS = ("jawOpen", "mouthFunnel", "mouthPucker", "mouthStretch", "mouthUpperUp", "mouthSmile")

_SHAPES = {
    #          jaw   funnel pucker stretch upperUp smile
    "SIL":    (0.00, 0.00, 0.00, 0.00, 0.00, 0.00),
    "AA":     (0.70, 0.05, 0.00, 0.10, 0.10, 0.00),  # father
    "AE":     (0.60, 0.00, 0.00, 0.35, 0.15, 0.10),  # cat
    "AH":     (0.50, 0.05, 0.00, 0.10, 0.05, 0.00),  # cut
    "AO":     (0.55, 0.45, 0.20, 0.00, 0.05, 0.00),  # caught
    "AW":     (0.60, 0.30, 0.15, 0.00, 0.05, 0.00),  # cow
    "AY":     (0.60, 0.00, 0.00, 0.20, 0.10, 0.05),  # buy
    "EH":     (0.45, 0.00, 0.00, 0.30, 0.10, 0.05),  # bed
    "ER":     (0.30, 0.45, 0.30, 0.00, 0.00, 0.00),  # bird
    "EY":     (0.40, 0.00, 0.00, 0.35, 0.10, 0.10),  # bait
    "IH":     (0.30, 0.00, 0.00, 0.35, 0.05, 0.10),  # bit
    "IY":     (0.20, 0.00, 0.00, 0.50, 0.05, 0.20),  # beet
    "OW":     (0.45, 0.55, 0.40, 0.00, 0.00, 0.00),  # boat
    "OY":     (0.50, 0.45, 0.30, 0.00, 0.00, 0.00),  # boy
    "UH":     (0.30, 0.50, 0.45, 0.00, 0.00, 0.00),  # book
    "UW":     (0.20, 0.35, 0.75, 0.00, 0.00, 0.00),  # boot
    "W":      (0.15, 0.20, 0.80, 0.00, 0.00, 0.00),
    "R":      (0.20, 0.30, 0.35, 0.00, 0.00, 0.00),
    "Y":      (0.20, 0.00, 0.00, 0.40, 0.00, 0.10),
    "L":      (0.35, 0.00, 0.00, 0.15, 0.10, 0.00),
    "HH":     (0.35, 0.00, 0.00, 0.10, 0.00, 0.00),
    "CH":     (0.15, 0.35, 0.30, 0.00, 0.15, 0.00),
    "JH":     (0.15, 0.35, 0.30, 0.00, 0.15, 0.00),
    "SH":     (0.12, 0.40, 0.30, 0.00, 0.15, 0.00),
    "ZH":     (0.12, 0.40, 0.30, 0.00, 0.15, 0.00),
    "S":      (0.08, 0.00, 0.00, 0.35, 0.15, 0.05),
    "Z":      (0.08, 0.00, 0.00, 0.35, 0.15, 0.05),
    "T":      (0.15, 0.00, 0.00, 0.20, 0.10, 0.00),
    "D":      (0.15, 0.00, 0.00, 0.20, 0.10, 0.00),
    "N":      (0.15, 0.00, 0.00, 0.20, 0.05, 0.00),
    "TH":     (0.15, 0.00, 0.00, 0.15, 0.15, 0.00),
    "DH":     (0.15, 0.00, 0.00, 0.15, 0.15, 0.00),
    "K":      (0.25, 0.00, 0.00, 0.10, 0.00, 0.00),
    "G":      (0.25, 0.00, 0.00, 0.10, 0.00, 0.00),
    "NG":     (0.20, 0.00, 0.00, 0.10, 0.00, 0.00),
    "P":      (0.05, 0.00, 0.00, 0.00, 0.00, 0.00),
    "B":      (0.05, 0.00, 0.00, 0.00, 0.00, 0.00),
    "M":      (0.05, 0.00, 0.00, 0.00, 0.00, 0.00),
    "F":      (0.10, 0.00, 0.00, 0.10, 0.45, 0.00),
    "V":      (0.10, 0.00, 0.00, 0.10, 0.45, 0.00),
}

# How strongly a phone imposes its shape on its neighbours (Cohen-Massaro
# dominance magnitude). Lip-visible consonants dominate; tongue-internal
# ones (t, d, k, g, n, h) take the shape of the surrounding vowels.
_DOMINANCE = {
    "P": 1.5, "B": 1.5, "M": 1.5, "F": 1.3, "V": 1.3, "W": 1.3, "UW": 1.2, "OW": 1.1,
    "CH": 1.1, "JH": 1.1, "SH": 1.1, "ZH": 1.1, "R": 0.9, "S": 0.8, "Z": 0.8,
    "T": 0.4, "D": 0.4, "N": 0.4, "K": 0.35, "G": 0.35, "NG": 0.35, "HH": 0.3,
    "L": 0.6, "Y": 0.6, "TH": 0.7, "DH": 0.7, "SIL": 0.8,
}
_VOWEL_DOMINANCE = 1.0

# How far each phone brings the lips together (1: they meet). Bilabials
# close fully; /w/ rounds the lips to a slit (a labial-velar approximant):
# the real GRID speakers shut to within 0.02 interocular distances on it,
# and counting it as a half closure raised our mouth's r with theirs (0.675
# -> 0.71 on "place white"; no other test video lost more than 0.005).
LIP_CLOSURES = {"P": 1.0, "B": 1.0, "M": 1.0, "W": 0.5}
# Labiodentals bring the lower lip to the upper teeth.
LIP_TOUCHES = {"F": 1.0, "V": 1.0}


def viseme_shape(phone: str) -> np.ndarray:
    """(6,) target weights of ``phone`` over ``MOUTH_CHANNELS``; unknown phones rest."""
    return np.asarray(_SHAPES.get(phone, _SHAPES["SIL"]), dtype=np.float64)


def dominance(phone: str) -> float:
    """How strongly ``phone`` imposes its shape (1 for vowels)."""
    return _DOMINANCE.get(phone, _VOWEL_DOMINANCE if phone in _SHAPES else 0.3)
