"""Where someone is speaking (or singing), from loudness and voicing."""

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import binary_closing, binary_dilation

from talkface.audio.prosody import Prosody


@dataclass(frozen=True)
class VoiceActivityConfig:
    # Speech is loud relative to the recording's own peaks: frames within
    # this many dB of the 98th-percentile level count as loud. 30 dB keeps
    # soft word endings while dropping room noise in ordinary recordings.
    loud_range_db: float = 30.0
    # ...and clearly above the recording's noise floor (its 10th-percentile
    # level): hiss in old recordings sits 30-35 dB under the voice.
    above_noise_db: float = 6.0
    # Below this absolute level (dBFS) nothing is speech, however quiet the file.
    absolute_floor_db: float = -60.0
    # Unvoiced consonants (s, t, k) sit next to voiced sounds: loud frames
    # within this many seconds of voicing are speech too.
    voicing_reach_s: float = 0.25
    # Gaps shorter than this inside speech are stop closures, not pauses.
    bridge_gap_s: float = 0.12
    # A recording contains a voice when it has this much voiced sound and
    # voicing fills this share of its loud frames. Noise bursts give a tenth
    # of a second of spurious voicing in a tenth of their frames; a spoken
    # word gives half a second in half of them.
    min_voiced_s: float = 0.25
    min_voiced_share: float = 0.25


def voice_activity(prosody: Prosody, *, config: VoiceActivityConfig = VoiceActivityConfig()) -> np.ndarray:
    """(N,) bool per prosody frame: True where there is speech."""
    loudness = prosody.loudness_db
    if len(loudness) == 0:
        return np.zeros(0, dtype=bool)
    threshold = max(np.percentile(loudness, 98) - config.loud_range_db,
                    np.percentile(loudness, 10) + config.above_noise_db, config.absolute_floor_db)
    loud = loudness > threshold
    voiced = (prosody.pitch_hz > 0) & loud
    reach = int(round(config.voicing_reach_s * prosody.frame_rate))
    near_voice = binary_dilation(voiced, iterations=reach) if reach and voiced.any() else voiced
    speech = loud & near_voice
    bridge = int(round(config.bridge_gap_s * prosody.frame_rate))
    if bridge:
        speech = binary_closing(np.pad(speech, bridge), iterations=bridge)[bridge:-bridge]
    return speech


def has_voice(prosody: Prosody, speech: np.ndarray, *,
              config: VoiceActivityConfig = VoiceActivityConfig()) -> bool:
    """Whether ``speech`` (from ``voice_activity``) holds a voice rather than noise."""
    voiced = np.count_nonzero((prosody.pitch_hz > 0) & speech)
    return (voiced / prosody.frame_rate >= config.min_voiced_s
            and voiced >= config.min_voiced_share * max(np.count_nonzero(speech), 1))
