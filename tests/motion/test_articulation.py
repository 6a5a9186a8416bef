"""How recognised phones and the acoustics share the mouth, on real audio."""

import numpy as np

from talkface.audio.track import analyse_audio
from talkface.motion.articulation import articulate
from talkface.motion.config import ArticulationConfig
from tests.conftest import shared_file

# Thresholds no agreement falls below: the phones are always fully trusted.
_ALWAYS_TRUST = ArticulationConfig(phone_agreement_none=-2.0, phone_agreement_full=-1.0)
_SOUND_ONLY = ArticulationConfig(recognised_phone_share=0.0)


def _jaws(path):
    audio = analyse_audio(path)
    times = np.arange(int(audio.duration * 25)) / 25
    return {name: articulate(audio, times, config=config)["jawOpen"]
            for name, config in (("auto", ArticulationConfig()), ("phones", _ALWAYS_TRUST),
                                 ("sound", _SOUND_ONLY))}


def test_clear_english_speech_follows_its_phones():
    jaws = _jaws(shared_file("audio", "whisper_jfk.flac"))
    assert np.array_equal(jaws["auto"], jaws["phones"])


def test_phones_that_disagree_with_the_sound_yield_to_it():
    # The child's selfie video: the English phones open the mouth at other
    # moments than the voice does (and the real mouth follows the voice).
    jaws = _jaws(shared_file("video", "liveportrait_driving_d11.mp4"))
    closeness = {name: np.corrcoef(jaws[name], jaws["sound"])[0, 1] for name in ("auto", "phones")}
    assert closeness["phones"] < 0.6   # 0.50; the phones of clear speech reach 0.7-0.8
    assert closeness["auto"] > closeness["phones"] + 0.2


def test_declared_english_keeps_its_phones_even_where_they_disagree():
    video = shared_file("video", "liveportrait_driving_d11.mp4")
    audio = analyse_audio(video, language="en")
    times = np.arange(int(audio.duration * 25)) / 25
    declared = articulate(audio, times)["jawOpen"]
    assert np.array_equal(declared, _jaws(video)["phones"])
