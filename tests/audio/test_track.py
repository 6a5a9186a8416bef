import numpy as np
import pytest

from talkface.audio.decode import decode_audio
from talkface.audio.track import analyse_samples
from talkface.errors import InputError

from ..conftest import shared_file


def test_decodes_any_format_to_16k_mono():
    flac = decode_audio(shared_file("audio", "whisper_jfk.flac"))          # 44.1 kHz stereo FLAC
    m4a = decode_audio(shared_file("audio", "dreamtalk_acknowledgement_english.m4a"))
    video = decode_audio(shared_file("video", "lipnet_grid_pwij3p.mpg"))  # a video's audio track
    assert flac.dtype == np.float32 and flac.ndim == 1
    assert len(flac) / 16000 == pytest.approx(11.0, abs=0.05)
    assert len(m4a) / 16000 == pytest.approx(16.6, abs=0.1)
    assert len(video) / 16000 == pytest.approx(3.0, abs=0.1)


def test_speech_is_found_where_the_voice_is(jfk_track):
    track = jfk_track
    assert track.duration == pytest.approx(11.0, abs=0.05)
    # JFK's clip starts with ~0.3 s of silence and has pauses between phrases.
    assert not track.speech[:20].any()
    assert 0.5 < track.speech.mean() < 0.95
    assert (track.pitch_hz[track.speech] > 0).mean() > 0.4


def test_recognised_speech_has_two_readings_and_aligned_speech_one(jfk_track):
    assert jfk_track.language == "auto"
    loop, words = jfk_track.phones, jfk_track.word_phones
    assert words is not None and len(words.words) >= 8
    # Both readings hear speech over about the same stretches of the clip.
    spoken = [np.sum((t.ends - t.starts)[np.array(t.labels) != "SIL"]) for t in (loop, words)]
    assert spoken[1] == pytest.approx(spoken[0], rel=0.25)
    samples = decode_audio(shared_file("audio", "whisper_jfk.flac"))
    assert analyse_samples(samples, transcript="ask not what your country can do for you").word_phones is None
    assert analyse_samples(samples, language="any").word_phones is None


def test_noise_is_refused():
    with pytest.raises(InputError, match="no voice found"):
        analyse_samples(decode_audio(shared_file("audio", "local_alsa_Noise.wav")), source="noise.wav")


def test_silence_is_refused():
    with pytest.raises(InputError, match="silent"):
        analyse_samples(np.zeros(32000, np.float32), source="silence.wav")


def test_unreadable_audio(tmp_path):
    path = tmp_path / "speech.wav"
    path.write_bytes(b"RIFF....WAVEfmt garbage")
    with pytest.raises(InputError, match="cannot decode audio|no audio track"):
        decode_audio(path)
    with pytest.raises(InputError, match="no audio track"):
        decode_audio(shared_file("images", "local_matplotlib_grace_hopper.jpg"))
