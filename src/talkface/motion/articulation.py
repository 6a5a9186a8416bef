"""Mouth motion from the phone timeline: visemes with coarticulation."""

import numpy as np
from scipy.ndimage import binary_closing, maximum_filter1d, median_filter, uniform_filter1d

from talkface.audio.phones import PhoneTimeline
from talkface.audio.track import AudioTrack
from talkface.motion.config import ArticulationConfig
from talkface.motion.visemes import LIP_CLOSURES, LIP_TOUCHES, MOUTH_CHANNELS, dominance, viseme_shape

# Phones further than this from a frame have no influence on it (their
# dominance has decayed below 1e-3 for every time constant in the config).
_REACH_S = 1.0
# Frames are processed in blocks so long audio costs bounded memory.
_BLOCK = 512


def articulate(audio: AudioTrack, times: np.ndarray, *,
               config: ArticulationConfig = ArticulationConfig()) -> dict[str, np.ndarray]:
    """Mouth weights at ``times``.

    From the phones (visemes with coarticulation, closures for p/b/m and
    f/v) and from the acoustics (formants, voicing), blended by how far the
    phones can be trusted: an alignment to a transcript alone; recognised
    phones as far as they agree with the acoustics about when the mouth
    opens, the acoustics for the rest; the acoustics alone when there are
    no phones (--language any).

    Args:
        audio: the analysed voice.
        times: (F,) seconds, the video frame times.

    Returns:
        ``MOUTH_CHANNELS`` plus ``mouthClose``, each (F,) float64 in [0, 1].
    """
    sample_times = times + config.lead_s
    acoustic_times = times + config.acoustic_lead_s
    phones = audio.phones
    aligned = phones is not None and phones.confidence >= 0.9
    trust = 0.0 if phones is None else (1.0 if aligned else config.recognised_phone_share)
    acoustic = _acoustic_shapes(audio, acoustic_times, config) if not aligned else 0.0
    if trust > 0.0:
        # Recognised speech has two readings (phone by phone, and the phones
        # of recognised words) that err differently: their mean mouth
        # followed the real speakers of the test videos better than either
        # (motion-level median r 0.55 phone loop, 0.57 words, 0.61 mean).
        readings = [_segments(timeline, audio.duration) for timeline in (phones, audio.word_phones)
                    if timeline is not None]
        visemes = np.mean([_viseme_blend(*reading, sample_times, config) for reading in readings], axis=0)
        if not aligned and audio.language != "en":
            trust *= _phone_agreement(visemes[:, 0], acoustic[:, 0], config)
        blended = trust * visemes + (1.0 - trust) * acoustic
        closure, touch = (np.mean([_closure_envelope(*reading, phone_set, sample_times, config)
                                   for reading in readings], axis=0) for phone_set in (LIP_CLOSURES, LIP_TOUCHES))
    else:
        blended = acoustic
        closure = touch = np.zeros(len(times))
    if trust < 1.0:
        closure = np.maximum(closure * trust, _acoustic_closures(audio, acoustic_times, config) * (1.0 - trust))
    channels = {name: blended[:, i] for i, name in enumerate(MOUTH_CHANNELS)}
    channels["mouthUpperUp"] = np.maximum(channels["mouthUpperUp"], 0.45 * touch)
    channels["jawOpen"] = channels["jawOpen"] * (1.0 - 0.6 * touch)

    gain = _loudness_gain(audio, sample_times, config)
    gate = _speech_gate(audio, sample_times, config)
    for name in MOUTH_CHANNELS:
        scale = gain * config.jaw_scale if name == "jawOpen" else np.sqrt(gain)
        channels[name] = np.clip(channels[name] * scale * gate, 0.0, 1.0)
    channels["jawOpen"] = np.maximum(channels["jawOpen"], _inhale(audio, sample_times, config))
    # Closures are not scaled: a quiet p closes the lips as firmly as a loud one.
    channels["mouthClose"] = np.clip(closure, 0.0, 1.0)
    return channels


def _phone_agreement(phone_jaw: np.ndarray, acoustic_jaw: np.ndarray, config: ArticulationConfig) -> float:
    """In [0, 1]: how far recognised phones are trusted, from how well their
    (F,) jaw curve follows the acoustic one (full when both are flat)."""
    if np.std(phone_jaw) < 1e-6 or np.std(acoustic_jaw) < 1e-6:
        return 1.0
    agreement = float(np.corrcoef(phone_jaw, acoustic_jaw)[0, 1])
    span = config.phone_agreement_full - config.phone_agreement_none
    return float(np.clip((agreement - config.phone_agreement_none) / span, 0.0, 1.0))


def _viseme_blend(labels, starts, ends, sample_times, config) -> np.ndarray:
    """(F, 6) Cohen-Massaro blend of the phones' viseme shapes."""
    shapes = np.stack([viseme_shape(label) for label in labels])                   # (N, 6)
    strength = np.array([dominance(label) for label in labels])
    is_pause = np.array([label == "SIL" for label in labels])
    # A short pause holds the shape around it: its own dominance nearly vanishes.
    strength[is_pause & ((ends - starts) < config.pause_hold_s)] = 0.02
    after_pause = np.r_[True, is_pause[:-1] & ((ends - starts)[:-1] >= config.pause_hold_s)]
    anticipation = np.where(after_pause, config.utterance_onset_anticipation_s, config.anticipation_s)
    blended = np.zeros((len(sample_times), len(MOUTH_CHANNELS)))
    for first in range(0, len(sample_times), _BLOCK):
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
    return blended


def _acoustic_shapes(audio: AudioTrack, sample_times, config) -> np.ndarray:
    """(F, 6) mouth shapes from the acoustics, for any language: F1 opens
    the jaw (open vowels have a high F1), F2 spreads the lips when high
    (front vowels) and rounds them when low with a closed jaw (oo, oh);
    voiceless speech (fricatives) barely opens."""
    f1, f2 = audio.formants_hz[:, 0].astype(np.float64), audio.formants_hz[:, 1].astype(np.float64)
    f1 = np.where(np.isfinite(f1), f1, 500.0)
    f2 = np.where(np.isfinite(f2), f2, 1500.0)
    voiced = (audio.pitch_hz > 0).astype(np.float64)
    opening = np.clip((f1 - config.closed_f1_hz) / (config.open_f1_hz - config.closed_f1_hz), 0, 1)
    opening = (1.0 - config.acoustic_loudness_share) * opening \
        + config.acoustic_loudness_share * _relative_loudness(audio, audio.loudness_db, config)
    spread = np.clip((f2 - config.neutral_f2_hz) / (config.front_f2_hz - config.neutral_f2_hz), 0, 1)
    rounding = np.clip((config.neutral_f2_hz - f2) / (config.neutral_f2_hz - config.back_f2_hz), 0, 1) \
        * (1.0 - opening)
    per_frame = np.stack([
        config.acoustic_jaw * (voiced * (0.15 + 0.55 * opening) + (1.0 - voiced) * 0.12),  # jawOpen
        voiced * 0.5 * rounding,                                    # mouthFunnel
        voiced * 0.6 * rounding,                                    # mouthPucker
        voiced * 0.4 * spread,                                      # mouthStretch
        (1.0 - voiced) * 0.15 + voiced * 0.05 * spread,             # mouthUpperUp
        voiced * 0.12 * spread,                                     # mouthSmile
    ], axis=1)
    # Formant tracks jump between frames; a 50 ms median and a 50 ms mean
    # keep the articulation's pace without its jitter.
    per_frame = uniform_filter1d(median_filter(per_frame, size=(5, 1), mode="nearest"), size=5, axis=0)
    return np.stack([audio.at(per_frame[:, i], sample_times) for i in range(per_frame.shape[1])], axis=1)


def _acoustic_closures(audio: AudioTrack, sample_times, config) -> np.ndarray:
    """(F,) lip closure at brief silences inside speech (stop closures: the
    sound drops well below both sides for 30-150 ms)."""
    level = audio.loudness_db.astype(np.float64)
    reach = int(round(0.08 * audio.frame_rate))
    around = np.minimum(maximum_filter1d(np.r_[np.full(reach, -100.0), level[:-reach]] if reach else level, reach + 1),
                        maximum_filter1d(np.r_[level[reach:], np.full(reach, -100.0)] if reach else level, reach + 1))
    dip = (around - level > config.closure_dip_db) & (around > np.percentile(level, 60))
    return np.clip(audio.at(uniform_filter1d(dip.astype(np.float64), size=3), sample_times) * 1.5, 0, 1)


def _segments(phones: PhoneTimeline, duration: float):
    """(labels, starts, ends) of ``phones`` with the gaps between them (and
    before and after, to ``duration`` seconds) filled by SIL."""
    labels, starts, ends = [], [], []
    cursor = 0.0
    for label, start, end in zip(phones.labels, phones.starts, phones.ends):
        if start > cursor + 1e-3:
            labels.append("SIL"); starts.append(cursor); ends.append(start)
        labels.append(label); starts.append(start); ends.append(end)
        cursor = max(cursor, end)
    if duration > cursor + 1e-3 or not labels:
        labels.append("SIL"); starts.append(cursor); ends.append(max(duration, cursor + 1e-3))
    return labels, np.array(starts), np.array(ends)


def _closure_envelope(labels, starts, ends, phone_set, times, config):
    """(F,) ``phone_set[phone]`` (its closure's depth) while a phone of
    ``phone_set`` holds its closure, with 25 ms ramps."""
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
        envelope[lo:hi] = np.maximum(envelope[lo:hi], phone_set[label] * np.minimum(rise, fall))
    return envelope


def _relative_loudness(audio: AudioTrack, level_db: np.ndarray, config) -> np.ndarray:
    """``level_db`` mapped to [0, 1]: 1 at the speaker's loud level (95th
    percentile of speech), 0 at ``loudness_range_db`` below it."""
    speech_levels = audio.loudness_db[audio.speech]
    top = np.percentile(speech_levels, 95) if speech_levels.size else 0.0
    return np.clip(1.0 - (top - level_db.astype(np.float64)) / config.loudness_range_db, 0.0, 1.0)


def _loudness_gain(audio: AudioTrack, times, config):
    """(F,) jaw gain from how loud the voice is relative to its own speech level."""
    # The loudest level within a syllable's reach: short pauses keep the
    # gain of the speech around them, so a held shape stays held.
    level = maximum_filter1d(audio.loudness_db.astype(np.float64), size=15)  # 150 ms
    loud = _relative_loudness(audio, audio.at(level, times), config)
    return config.quiet_jaw_gain + (config.loud_jaw_gain - config.quiet_jaw_gain) * loud


def _inhale(audio: AudioTrack, times, config) -> np.ndarray:
    """(F,) jaw opening of the breath taken before each utterance that follows
    a pause: parting over the first ``inhale_parting_share`` of the
    ``inhale_s`` before the voice onset, held to it, released after it."""
    onsets = audio.utterance_starts(config.inhale_pause_s)
    opening = np.zeros(len(times))
    # Near the start of the audio the breath takes the time there is, down to half.
    for onset in onsets[onsets >= 0.5 * config.inhale_s]:
        span = min(config.inhale_s, onset)
        rise = np.clip((times - (onset - span)) / (config.inhale_parting_share * span), 0.0, 1.0)
        fall = np.clip(1.0 - (times - onset) / config.inhale_release_s, 0.0, 1.0)
        opening = np.maximum(opening, config.inhale_jaw * np.sin(0.5 * np.pi * rise) ** 2 * fall)
    return opening


def _speech_gate(audio: AudioTrack, times, config):
    """(F,) 1 during speech and short pauses, 0 in long silences, with soft edges."""
    hold = int(round(config.pause_hold_s * audio.frame_rate))
    speech = np.pad(audio.speech, hold)
    bridged = binary_closing(speech, iterations=hold)[hold:-hold] if hold else audio.speech
    soft = uniform_filter1d(bridged.astype(np.float64), size=9)  # 90 ms edges
    return audio.at(soft, times)
