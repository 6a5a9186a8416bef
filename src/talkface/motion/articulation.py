"""Mouth motion from the phone timeline: visemes with coarticulation."""

import numpy as np
from scipy.ndimage import binary_closing, maximum_filter1d, uniform_filter1d

from talkface.audio.track import AudioTrack
from talkface.motion.config import ArticulationConfig
from talkface.motion.visemes import BILABIALS, LABIODENTALS, MOUTH_CHANNELS, dominance, viseme_shape

# Phones further than this from a frame have no influence on it (their
# dominance has decayed below 1e-3 for every time constant in the config).
_REACH_S = 1.0
# Frames are processed in blocks so long audio costs bounded memory.
_BLOCK = 512


def articulate(audio: AudioTrack, times: np.ndarray, *,
               config: ArticulationConfig = ArticulationConfig()) -> dict[str, np.ndarray]:
    """Mouth weights at ``times``.

    Args:
        audio: the analysed voice, with its phone timeline.
        times: (F,) seconds, the video frame times.

    Returns:
        ``MOUTH_CHANNELS`` plus ``mouthClose``, each (F,) float64 in [0, 1].
    """
    labels, starts, ends = _segments(audio, config)
    shapes = np.stack([viseme_shape(label) for label in labels])                   # (N, 6)
    strength = np.array([dominance(label) for label in labels])
    is_pause = np.array([label == "SIL" for label in labels])
    # A short pause holds the shape around it: its own dominance nearly vanishes.
    strength[is_pause & ((ends - starts) < config.pause_hold_s)] = 0.02
    after_pause = np.r_[True, is_pause[:-1] & ((ends - starts)[:-1] >= config.pause_hold_s)]
    anticipation = np.where(after_pause, config.utterance_onset_anticipation_s, config.anticipation_s)

    sample_times = times + config.lead_s
    blended = np.zeros((len(times), len(MOUTH_CHANNELS)))
    for first in range(0, len(times), _BLOCK):
        t = sample_times[first:first + _BLOCK]
        lo = np.searchsorted(ends, t[0] - _REACH_S)
        hi = np.searchsorted(starts, t[-1] + _REACH_S)
        if hi <= lo:
            continue
        before = np.maximum(starts[lo:hi][None, :] - t[:, None], 0.0)              # (B, n)
        after = np.maximum(t[:, None] - ends[lo:hi][None, :], 0.0)
        weight = strength[lo:hi] * np.exp(-before / anticipation[lo:hi] - after / config.carryover_s)
        total = weight.sum(axis=1, keepdims=True)
        blended[first:first + _BLOCK] = (weight @ shapes[lo:hi]) / np.maximum(total, 1e-9)
    channels = {name: blended[:, i] for i, name in enumerate(MOUTH_CHANNELS)}

    closure = _closure_envelope(labels, starts, ends, BILABIALS, sample_times, config)
    touch = _closure_envelope(labels, starts, ends, LABIODENTALS, sample_times, config)
    channels["mouthUpperUp"] = np.maximum(channels["mouthUpperUp"], 0.45 * touch)
    channels["jawOpen"] = channels["jawOpen"] * (1.0 - 0.6 * touch)

    gain = _loudness_gain(audio, sample_times, config)
    gate = _speech_gate(audio, sample_times, config)
    for name in MOUTH_CHANNELS:
        scale = gain * config.jaw_scale if name == "jawOpen" else np.sqrt(gain)
        channels[name] = np.clip(channels[name] * scale * gate, 0.0, 1.0)
    # Closures are not scaled: a quiet p closes the lips as firmly as a loud one.
    channels["mouthClose"] = closure
    return channels


def _segments(audio: AudioTrack, config: ArticulationConfig):
    """Phones with the gaps between them (and before and after) filled by SIL."""
    phones = audio.phones
    labels, starts, ends = [], [], []
    cursor = 0.0
    for label, start, end in zip(phones.labels, phones.starts, phones.ends):
        if start > cursor + 1e-3:
            labels.append("SIL"); starts.append(cursor); ends.append(start)
        labels.append(label); starts.append(start); ends.append(end)
        cursor = max(cursor, end)
    if audio.duration > cursor + 1e-3 or not labels:
        labels.append("SIL"); starts.append(cursor); ends.append(max(audio.duration, cursor + 1e-3))
    return labels, np.array(starts), np.array(ends)


def _closure_envelope(labels, starts, ends, phone_set, times, config):
    """(F,) 1 while a phone of ``phone_set`` holds its closure, with 25 ms ramps."""
    envelope = np.zeros(len(times))
    ramp = 0.025
    for label, start, end in zip(labels, starts, ends):
        if label not in phone_set:
            continue
        end = max(end, start + config.min_closure_s)
        lo, hi = np.searchsorted(times, [start - ramp, end + ramp])
        t = times[lo:hi]
        rise = np.clip((t - (start - ramp)) / ramp, 0, 1)
        fall = np.clip(((end + ramp) - t) / ramp, 0, 1)
        envelope[lo:hi] = np.maximum(envelope[lo:hi], np.minimum(rise, fall))
    return envelope


def _loudness_gain(audio: AudioTrack, times, config):
    """(F,) jaw gain from how loud the voice is relative to its own speech level."""
    speech_levels = audio.loudness_db[audio.speech]
    top = np.percentile(speech_levels, 95) if speech_levels.size else 0.0
    # The loudest level within a syllable's reach: short pauses keep the
    # gain of the speech around them, so a held shape stays held.
    level = maximum_filter1d(audio.loudness_db.astype(np.float64), size=15)  # 150 ms
    loud = np.clip(1.0 - (top - audio.at(level, times)) / config.loudness_range_db, 0.0, 1.0)
    return config.quiet_jaw_gain + (config.loud_jaw_gain - config.quiet_jaw_gain) * loud


def _speech_gate(audio: AudioTrack, times, config):
    """(F,) 1 during speech and short pauses, 0 in long silences, with soft edges."""
    hold = int(round(config.pause_hold_s * audio.frame_rate))
    speech = np.pad(audio.speech, hold)
    bridged = binary_closing(speech, iterations=hold)[hold:-hold] if hold else audio.speech
    soft = uniform_filter1d(bridged.astype(np.float64), size=9)  # 90 ms edges
    return audio.at(soft, times)
