"""Our mouth against real speakers' mouths, measured by dlib on the real videos."""

import dataclasses
from functools import lru_cache

import numpy as np
import pytest

from talkface.audio.track import analyse_audio
from talkface.eval.lip_sync import lagged_correlation, pearson
from talkface.eval.report import evaluate_video
from talkface.motion.generate import motion_from_audio
from tests.conftest import shared_file

pytest.importorskip("dlib")

# GRID clips and what is said in them (the corpus encodes it in the file name).
GRID = {"lipnet_grid_pwij3p.mpg": "place white in j three please",
        "lipnet_grid_bbaf2n.mpg": "bin blue at f two now"}


@lru_cache(maxsize=None)
def _real(name: str):
    """dlib's measurement of the real video (mouth curve, loudness, fps)."""
    return evaluate_video(shared_file("video", name))


def _our_mouth(audio, frames: int, fps: float) -> np.ndarray:
    """(F,) how far our lips part: the jaw, shut by lip closures."""
    motion = motion_from_audio(audio, fps=fps)
    opening = motion.weight("jawOpen") * (1.0 - motion.weight("mouthClose"))
    return opening[:frames]


@pytest.mark.parametrize("name", sorted(GRID))
def test_aligned_mouth_follows_the_real_speaker_in_step(name):
    video = shared_file("video", name)
    real = _real(name)
    ours = _our_mouth(analyse_audio(video, transcript=GRID[name]), real.frames, real.fps)
    sync = lagged_correlation(ours, real.curves.mouth[:len(ours)], fps=real.fps, max_lag=5)
    # The loudness envelope as the mouth reaches 0.50 and 0.63 on these
    # clips, Rhubarb with the transcript about 0.52.
    assert sync.r0 >= 0.62
    # Neither ahead of nor behind the real mouth by more than one frame (40 ms).
    assert abs(sync.lead) <= 1


def test_mouth_is_still_in_the_real_speakers_silences():
    video = shared_file("video", "lipnet_grid_bbaf2n.mpg")
    real = _real("lipnet_grid_bbaf2n.mpg")
    ours = _our_mouth(analyse_audio(video), real.frames, real.fps)
    envelope = real.curves.envelope[:len(ours)]
    quiet = envelope < np.nanpercentile(envelope, 90) - 25.0
    # The clip opens with more than 300 ms of silence: inside it, past the
    # 100 ms the mouth may take to settle, nothing moves.
    first_sound = int(np.argmin(quiet))
    assert first_sound >= 8
    assert np.ptp(ours[:first_sound - 3]) < 0.01
    assert ours[quiet].mean() < 0.2 * ours[~quiet].mean()


@pytest.mark.parametrize("name", ["videoretalking_face_1.mp4", "pcavs_Audio_Source_00086.mp4"])
def test_recognised_words_bring_the_mouth_closer_to_the_real_speakers(name):
    """English without a transcript: the mouth of both readings of the
    speech (phone by phone, and the phones of recognised words) against the
    real speaker's, read at our frames' times (the interview drops frames)."""
    video = shared_file("video", name)
    real = _real(name)
    audio = analyse_audio(video)
    assert len(audio.word_phones.words) >= 8
    both = _our_mouth(audio, real.frames, real.fps)
    phones_only = _our_mouth(dataclasses.replace(audio, word_phones=None), real.frames, real.fps)
    at_ours = real.curves.at(np.arange(len(both)) / real.fps)
    found = np.isfinite(at_ours.mouth)
    r_both, r_phones = (pearson(mouth[found], at_ours.mouth[found]) for mouth in (both, phones_only))
    # Phones alone: 0.55 and 0.31; both readings: 0.65 and 0.43.
    assert r_both >= r_phones + 0.05
    # Better than the loudness envelope as the mouth (0.52 and 0.38).
    assert r_both > pearson(at_ours.envelope[found], at_ours.mouth[found])
