"""Motion from seeded synthetic timelines and from real speech."""

import numpy as np
import pytest

from talkface.audio.phones import PhoneTimeline
from talkface.audio.track import AudioTrack
from talkface.motion.generate import motion_from_audio
from talkface.motion.track import Controls

FPS = 25.0
FORMANTS = {"AA": (730, 1090), "IY": (270, 2290), "UW": (300, 870)}


def _track(phones: list[tuple[str, float, float]], duration: float, *, seed: int = 0) -> AudioTrack:
    """An AudioTrack whose loudness, voicing and speech follow ``phones``."""
    rng = np.random.default_rng(seed)
    frames = int(duration * 100)
    speech = np.zeros(frames, dtype=bool)
    for label, start, end in phones:
        if label != "SIL":
            speech[int(start * 100):int(end * 100)] = True
    loudness = np.where(speech, -20.0 + rng.normal(0, 2, frames), -70.0).astype(np.float32)
    pitch = np.where(speech, 120.0 + 20 * np.sin(np.arange(frames) / 30), 0.0).astype(np.float32)
    # Formants of the vowels (Peterson & Barney averages), none elsewhere.
    formants = np.full((frames, 2), np.nan, np.float32)
    for label, start, end in phones:
        if label in FORMANTS:
            formants[int(start * 100):int(end * 100)] = FORMANTS[label]
    labels, starts, ends = zip(*phones)
    return AudioTrack(duration=duration, frame_rate=100.0, loudness_db=loudness, pitch_hz=pitch,
                      formants_hz=formants, speech=speech,
                      phones=PhoneTimeline(labels=tuple(labels), starts=np.array(starts),
                                           ends=np.array(ends), confidence=1.0))


def _at(track, name, t):
    return track.weight(name)[int(round(t * FPS))]


# "...pa... ...ma..." with a long pause between, then a short one.
SPEECH = [("SIL", 0.0, 0.5), ("P", 0.5, 0.56), ("AA", 0.56, 0.9), ("SIL", 0.9, 2.5),
          ("M", 2.5, 2.6), ("AA", 2.6, 3.0), ("SIL", 3.0, 3.12), ("UW", 3.12, 3.5),
          ("SIL", 3.5, 5.0)]


def test_vowels_open_the_jaw_and_bilabials_close_the_lips():
    motion = motion_from_audio(_track(SPEECH, 5.0), fps=FPS)
    # An open vowel opens the jaw to a third of its range (conversational
    # speech; the viseme table's full articulation is 0.7) ...
    assert _at(motion, "jawOpen", 0.72) > 0.3
    # p closes even though it lasts only 60 ms, and before its burst.
    assert _at(motion, "mouthClose", 0.52) > 0.9
    assert _at(motion, "mouthClose", 2.52) > 0.9
    assert _at(motion, "mouthClose", 0.64) < 0.1
    assert _at(motion, "mouthPucker", 3.3) > 0.4          # oo rounds
    assert _at(motion, "mouthPucker", 0.72) < 0.1


def test_mouth_leads_the_sound():
    motion = motion_from_audio(_track(SPEECH, 5.0), fps=FPS)
    jaw = motion.weight("jawOpen")
    # The mouth is already opening before the vowel after the long pause sounds.
    assert jaw[int(2.6 * FPS) - 1] > 0.05
    # ...and starts closing before the sound stops.
    peak = jaw[int(0.6 * FPS):int(1.0 * FPS)].argmax() / FPS + 0.6
    assert peak < 0.9


def test_long_pause_relaxes_short_pause_holds_no_chatter_in_silence():
    motion = motion_from_audio(_track(SPEECH, 5.0), fps=FPS)
    jaw = motion.weight("jawOpen")
    silent = jaw[int(1.3 * FPS):int(2.0 * FPS)]  # before the breath of the last 0.4 s
    assert silent.max() < 0.02 and np.ptp(silent) < 0.01
    # A 120 ms pause between vowels does not close the mouth: the jaw moves
    # from one vowel to the next without dipping below the smaller of them.
    pause = jaw[int(2.96 * FPS):int(3.16 * FPS)]
    assert pause.min() >= 0.9 * min(jaw[int(2.8 * FPS)], jaw[int(3.3 * FPS)])
    assert jaw[int(4.3 * FPS):].max() < 0.02


def test_lips_part_for_a_breath_before_an_utterance_then_close_for_its_m():
    motion = motion_from_audio(_track(SPEECH, 5.0), fps=FPS)
    jaw, close = motion.weight("jawOpen"), motion.weight("mouthClose")
    # The 1.6 s pause before "ma" at 2.5 s: still at first, parted early in
    # the breath (200 ms before the voice: most of the way) and held.
    assert jaw[int(1.3 * FPS):int(2.0 * FPS)].max() < 0.01
    assert jaw[int(2.3 * FPS)] > 0.07
    assert 0.05 < jaw[int(2.4 * FPS)] < 0.15
    assert close[int(2.4 * FPS)] < 0.1 < 0.9 < close[int(2.52 * FPS)]


def test_a_w_narrows_the_lips_to_a_slit_without_shutting_them():
    # "...a wa..." : /w/ rounds the lips almost shut, unlike a p or m.
    motion = motion_from_audio(_track([("SIL", 0.0, 0.5), ("AA", 0.5, 0.8), ("W", 0.8, 0.9),
                                       ("AA", 0.9, 1.3), ("SIL", 1.3, 2.0)], 2.0), fps=FPS)
    assert 0.3 < _at(motion, "mouthClose", 0.84) < 0.7
    assert _at(motion, "mouthClose", 0.64) < 0.05
    assert _at(motion, "mouthPucker", 0.84) > 0.4


def test_blinks_at_a_natural_rate_with_a_quick_close_and_slower_open():
    long_speech = []
    t = 0.0
    rng = np.random.default_rng(3)
    while t < 60:
        talk = rng.uniform(1.5, 4.0)
        long_speech += [("AA", t, t + talk / 2), ("M", t + talk / 2, t + talk / 2 + 0.08),
                        ("IY", t + talk / 2 + 0.08, t + talk)]
        pause = rng.uniform(0.2, 0.8)
        long_speech.append(("SIL", t + talk, t + talk + pause))
        t += talk + pause
    track = _track(long_speech, t)
    for seed in range(3):
        blink = motion_from_audio(track, fps=FPS, controls=Controls(seed=seed)).weight("eyeBlinkLeft")
        closed = blink > 0.5
        starts = np.flatnonzero(np.diff(closed.astype(int)) == 1)
        per_minute = len(starts) / (t / 60)
        assert 12 <= per_minute <= 32, per_minute
    # Shape of one blink: fully closed, shut in ~100 ms, open again in ~150 ms.
    fine = motion_from_audio(track, fps=100.0).weight("eyeBlinkLeft")
    first = np.flatnonzero(fine > 0.99)[0]
    closing = first - np.flatnonzero(fine[:first] < 0.01)[-1]
    opening = np.flatnonzero(fine[first:] < 0.01)[0]
    assert 6 <= closing <= 12 and opening > closing


def test_same_seed_same_motion_other_seed_other_take():
    track = _track(SPEECH, 5.0)
    a = motion_from_audio(track, fps=FPS, controls=Controls(seed=7))
    b = motion_from_audio(track, fps=FPS, controls=Controls(seed=7))
    c = motion_from_audio(track, fps=FPS, controls=Controls(seed=8))
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.head_rotation, b.head_rotation)
    assert not np.allclose(a.head_rotation, c.head_rotation)
    # The lips follow the speech, whatever the seed.
    assert np.array_equal(a.weight("jawOpen"), c.weight("jawOpen"))


def test_head_moves_a_few_degrees_and_stands_still_at_intensity_zero():
    track = _track(SPEECH * 1, 5.0)
    natural = motion_from_audio(track, fps=FPS).head_rotation
    still = motion_from_audio(track, fps=FPS, controls=Controls(motion_intensity=0.0)).head_rotation
    assert 0.2 < np.abs(natural).max() < 10
    # Smooth: no frame-to-frame jumps bigger than a degree.
    assert np.abs(np.diff(natural, axis=0)).max() < 1.0
    assert np.abs(still).max() == 0.0
    with pytest.raises(ValueError):
        Controls(motion_intensity=3.0)


def test_real_speech_track_is_in_range(jfk_track):
    motion = motion_from_audio(jfk_track, fps=FPS)
    assert motion.frame_count == round(jfk_track.duration * FPS)
    assert motion.weights.min() >= 0 and motion.weights.max() <= 1
    jaw = motion.weight("jawOpen")
    speaking = jfk_track.at(jfk_track.speech.astype(float), np.arange(len(jaw)) / FPS) > 0.5
    assert jaw[speaking].mean() > 3 * jaw[~speaking].mean()


def test_without_phones_the_acoustics_drive_the_mouth():
    import dataclasses
    track = dataclasses.replace(_track(SPEECH, 5.0), phones=None)
    motion = motion_from_audio(track, fps=FPS)
    jaw, pucker = motion.weight("jawOpen"), motion.weight("mouthPucker")
    assert jaw[int(0.72 * FPS)] > 2 * jaw[int(3.3 * FPS)]      # a (high F1) opens more than oo
    assert pucker[int(3.3 * FPS)] > 0.2 > pucker[int(0.72 * FPS)]
    assert jaw[int(1.3 * FPS):int(2.0 * FPS)].max() < 0.02     # still in the long pause, before the breath
