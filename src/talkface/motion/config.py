"""Tunables of the motion stage, each with why it has its value."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ArticulationConfig:
    # Mouth shapes lead the sound. The literature's 30-60 ms (DESIGN.md) is
    # when the gesture starts; the dominance functions below already start
    # each shape that early (anticipation_s), so the targets themselves are
    # shifted only this far. Against the real speakers' mouths in the seven
    # test videos (benchmarks/lipsync.py), a 45 ms shift put ours 40 ms
    # ahead of theirs (median r 0.52 with recognised phones, 0.56 aligned);
    # 10-20 ms puts them in step (0.56 and 0.63).
    lead_s: float = 0.015
    # The acoustic path reads formants and loudness measured over windows
    # centred on each frame, which smooth the onsets; on the same videos it
    # matches the real mouths best 30-40 ms ahead.
    acoustic_lead_s: float = 0.035
    # Cohen-Massaro dominance: a phone's influence decays exponentially from
    # its edges with these time constants; anticipation reaches further than
    # carry-over, as measured in lip-rounding studies.
    anticipation_s: float = 0.06
    carryover_s: float = 0.04
    # The first opening of an utterance starts 100-200 ms before the sound.
    utterance_onset_anticipation_s: float = 0.12
    # Silence shorter than this holds the last shape (a breath between words);
    # longer pauses relax to a closed mouth.
    pause_hold_s: float = 0.25
    # Speakers breathe in through parted lips before an utterance: both GRID
    # speakers open 0.15-0.4 s before their first word (then close for its
    # b or p). After a pause at least inhale_pause_s long, the jaw rises to
    # inhale_jaw within the inhale_s before the voice starts and hands over to
    # the first phone within inhale_release_s. Against the real mouths: r
    # 0.63 -> 0.69 with transcripts, 0.555 -> 0.58 median with recognised
    # phones; a larger opening (0.2-0.3) helps GRID but hurts the others.
    inhale_pause_s: float = 0.5
    inhale_s: float = 0.4
    inhale_jaw: float = 0.1
    inhale_release_s: float = 0.08
    # The lips part at the start of the breath and stay apart to the voice:
    # the GRID speakers are open 0.3-0.4 s before their first word. Parting
    # over this share of inhale_s rather than all of it: r with the real
    # mouths (motion level) 0.74 -> 0.79 and 0.71 -> 0.75 on the GRID clips,
    # the other five within 0.011 (their silences hold a little more motion);
    # rendered, GRID with transcripts 0.75 / 0.64 -> 0.72 / 0.67.
    inhale_parting_share: float = 0.6
    # Bilabials and labiodentals must close even when the recogniser makes them
    # short: their closure lasts at least this long.
    min_closure_s: float = 0.06
    # Conversational speech parts the lips 5-12 mm, about 0.1-0.2 of the
    # interocular distance (the real speakers in the test videos: median
    # 0.08, 90th percentile 0.17); the viseme table holds full, deliberate
    # articulations, so running speech uses this share of their jaw opening.
    # Set so that our rendered lips travel about as far as the real
    # speakers' (10th to 90th percentile of the opening, median over the
    # seven test videos): 0.45 did when rounded lips parted as far as open
    # ones; since rounding narrows the gap (render config), 0.45 gave 0.63
    # of the real range and 0.7 gives 0.94. The fuller opening is also
    # read better: median r with the real mouths 0.52 -> 0.62 (recognised
    # phones), 0.69 / 0.57 -> 0.75 / 0.64 on GRID with transcripts.
    jaw_scale: float = 0.7
    # With recognised phones (no transcript) the mouth takes this share from
    # them and the rest from the acoustics. Against the real speakers' mouths
    # in the seven test videos (median r of jaw curve vs dlib mouth opening):
    # phones alone 0.52, half and half 0.50, acoustics alone 0.40 -- so the
    # phones lead; the acoustics serve when there are none (--language any).
    recognised_phone_share: float = 1.0
    # How far recognised phones are trusted also depends on whether they
    # agree with the sound about when the mouth opens (r of the two jaw
    # curves): where English phones are forced onto noise, music or sounds
    # they cannot place, they open the mouth at other moments than the
    # voice does. Over the speech clips of the test data, English, German,
    # French, Chinese and Japanese speech agree at r 0.69-0.90; the child's
    # selfie video 0.37 (whose real mouth follows the acoustics better, r
    # 0.21 vs 0.16) and the meeting at 0 dB SNR 0.49. Full trust from
    # phone_agreement_full; down to none at phone_agreement_none.
    phone_agreement_full: float = 0.65
    phone_agreement_none: float = 0.25
    # Formant ranges of speech (Peterson & Barney 1952, adult averages): F1
    # from ~300 Hz (i, u) to ~750 Hz (a); F2 from ~800 Hz (u, o) through
    # ~1400 Hz (schwa) to ~2200 Hz (i).
    closed_f1_hz: float = 300.0
    open_f1_hz: float = 750.0
    back_f2_hz: float = 800.0
    neutral_f2_hz: float = 1400.0
    front_f2_hz: float = 2200.0
    # On the acoustic path the jaw takes this share from the loudness (how
    # far below the speaker's loud level, over loudness_range_db) and the
    # rest from F1: loudness follows syllables where formant tracks fail
    # (noise, singing, breathy voice). On the test videos: F1 alone r 0.40,
    # with this share of loudness 0.46; more loudness makes it worse again.
    acoustic_loudness_share: float = 0.35
    # The acoustic jaw opens this share of what jaw_scale gives phone
    # visemes: its F1-and-loudness opening runs wider than the viseme table
    # (at the full jaw_scale its lips travelled 1.7 times the real speakers'
    # range, median over the test videos; at this share 1.1).
    acoustic_jaw: float = 0.65
    # A stop closure: the sound drops this far below both sides.
    closure_dip_db: float = 12.0
    # Loudness scales articulation: quiet speech opens the jaw this much of a
    # loud one, louder than the speaker's usual level opens up to the maximum.
    quiet_jaw_gain: float = 0.45
    loud_jaw_gain: float = 1.15
    # Range of speech levels (dB below the recording's 95th percentile) over
    # which the gain goes from quiet to loud.
    loudness_range_db: float = 24.0


@dataclass(frozen=True)
class BlinkConfig:
    # 15-30 blinks a minute in conversation (DESIGN.md): log-normal intervals
    # with a median of 3 s give about 18 a minute with the pause blinks added.
    median_interval_s: float = 3.2
    interval_sigma: float = 0.55
    # No two blinks closer than this (the refractory period of real blinks).
    min_interval_s: float = 0.9
    # Blinks cluster at pauses: a pause at least this long triggers one with
    # this probability.
    pause_s: float = 0.35
    pause_probability: float = 0.6
    # Lid timing: ~100 ms closing, ~50 ms closed, ~150 ms opening.
    closing_s: float = 0.1
    closed_s: float = 0.05
    opening_s: float = 0.15


@dataclass(frozen=True)
class HeadConfig:
    # Slow mean-reverting drift (Ornstein-Uhlenbeck): standard deviation in
    # degrees per axis (yaw, pitch, roll) and how fast it returns, chosen from
    # the few-degree head motion of seated speakers in HDTF-style footage.
    drift_std_deg: tuple[float, float, float] = (2.2, 1.4, 1.0)
    drift_time_constant_s: float = 1.6
    # Nods on stressed syllables and at phrase ends, in degrees of pitch.
    accent_nod_deg: float = 1.6
    phrase_end_nod_deg: float = 2.2
    nod_duration_s: float = 0.45
    # A pause at least this long ends a phrase (and earns a nod).
    phrase_end_pause_s: float = 0.3
    # Head motion follows the prosody by about 30 ms.
    prosody_delay_s: float = 0.03
    # A pitch peak this many standard deviations above the speaker's mean
    # F0 is a pitch accent.
    accent_z: float = 1.0
    # Breathing in silence: a slow pitch oscillation (0.25 Hz is ~15 breaths a minute).
    breathing_deg: float = 0.35
    breathing_hz: float = 0.25
    # Brows lift with pitch accents, up to this browInnerUp / browOuterUp weight.
    accent_brow_raise: float = 0.35


@dataclass(frozen=True)
class GazeConfig:
    # Fixations between saccades: median 1.2 s in conversation, with small
    # shifts around the resting direction (degrees).
    median_fixation_s: float = 1.2
    fixation_spread_deg: float = 1.5
    # Speakers look away as they start an utterance (Kendon 1967; Cassell et
    # al.): after a pause this long, with this probability, this far aside
    # and up, for this long before looking back.
    pause_s: float = 0.4
    look_away_probability: float = 0.6
    look_away_yaw_deg: tuple[float, float] = (6.0, 12.0)
    look_away_pitch_deg: tuple[float, float] = (1.0, 5.0)
    look_away_duration_s: tuple[float, float] = (0.6, 1.8)
    # Saccade duration: 2.2 ms per degree + 21 ms (DESIGN.md).
    saccade_ms_per_deg: float = 2.2
    saccade_base_s: float = 0.021
    # The eye angle that ARKit's eyeLook* weight 1 stands for.
    full_look_yaw_deg: float = 30.0
    full_look_pitch_deg: float = 25.0
    # A saccade of at least this many degrees brings a blink with this
    # probability (gaze shifts and blinks are coupled).
    blink_shift_deg: float = 6.0
    blink_shift_probability: float = 0.4


@dataclass(frozen=True)
class EmotionStyle:
    """An emotion's face and motion: ARKit weights at full intensity, and how
    it changes head motion (amplitude factor, pitch offset in degrees)."""

    expression: tuple[tuple[str, float], ...]
    head_amplitude: float
    head_pitch_deg: float


# Expressions after Ekman's FACS descriptions of the basic emotions in ARKit
# terms: happiness raises the lip corners and cheeks; sadness lifts the inner
# brows and turns the mouth down; anger lowers the brows and tightens the
# nose; surprise raises the brows and widens the eyes. Motion follows the
# affect literature: happy and angry speakers move more, sad ones less and
# with the head lowered.
EMOTION_STYLES = {
    "neutral": EmotionStyle((), 1.0, 0.0),
    "happy": EmotionStyle((("mouthSmileLeft", 0.7), ("mouthSmileRight", 0.7), ("cheekSquintLeft", 0.5),
                           ("cheekSquintRight", 0.5), ("eyeSquintLeft", 0.3), ("eyeSquintRight", 0.3)),
                          1.25, -1.0),
    "sad": EmotionStyle((("browInnerUp", 0.8), ("mouthFrownLeft", 0.7), ("mouthFrownRight", 0.7),
                         ("eyeSquintLeft", 0.2), ("eyeSquintRight", 0.2)), 0.6, 4.0),
    "angry": EmotionStyle((("browDownLeft", 0.9), ("browDownRight", 0.9), ("noseSneerLeft", 0.5),
                           ("noseSneerRight", 0.5), ("eyeSquintLeft", 0.4), ("eyeSquintRight", 0.4),
                           ("mouthFrownLeft", 0.3), ("mouthFrownRight", 0.3)), 1.2, 2.0),
    "surprised": EmotionStyle((("browInnerUp", 0.9), ("browOuterUpLeft", 0.9), ("browOuterUpRight", 0.9),
                               ("eyeWideLeft", 0.8), ("eyeWideRight", 0.8), ("jawOpen", 0.12)), 1.1, -2.0),
}
