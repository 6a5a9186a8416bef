import numpy as np
import pytest

from talkface.audio.decode import decode_audio
from talkface.audio.phones import align_phones, recognise_phones, recognise_words
from talkface.audio.transcript import letter_to_sound, normalise_transcript, pronunciations
from talkface.errors import InputError

from ..conftest import shared_file

JFK = ("And so my fellow Americans, ask not what your country can do for you, "
       "ask what you can do for your country.")


@pytest.fixture(scope="module")
def jfk_samples():
    return decode_audio(shared_file("audio", "whisper_jfk.flac"))


def _well_formed(timeline, duration):
    assert len(timeline.labels) == len(timeline.starts) == len(timeline.ends) > 0
    assert np.all(np.diff(timeline.starts) >= 0)
    assert np.all(timeline.ends > timeline.starts)
    assert np.all(timeline.starts[1:] >= timeline.ends[:-1] - 1e-6)
    assert timeline.ends[-1] <= duration + 0.02
    assert all(label.isupper() and not label[-1].isdigit() for label in timeline.labels)


def test_alignment_puts_the_words_in_order_where_they_are_said(jfk_samples):
    timeline = align_phones(jfk_samples, JFK)
    _well_formed(timeline, len(jfk_samples) / 16000)
    assert timeline.confidence == 1.0
    words = [word for word, _, _ in timeline.words]
    assert words == normalise_transcript(JFK)
    times = dict((word, (start, end)) for word, start, end in reversed(timeline.words))
    # "ask not" follows the long pause after "Americans" (about 2.2 s to 3.2 s).
    assert 2.9 < times["ask"][0] < 3.6
    assert times["americans"][1] < times["ask"][0]
    # Bilabials of "my" and "americans" fall inside those words.
    m_starts = timeline.starts[np.array(timeline.labels) == "M"]
    assert any(times["my"][0] <= t < times["my"][1] for t in m_starts)
    assert any(times["americans"][0] <= t < times["americans"][1] for t in m_starts)


def test_grid_clip_alignment_starts_with_p_and_ends_with_z():
    samples = decode_audio(shared_file("video", "lipnet_grid_pwij3p.mpg"))
    timeline = align_phones(samples, "place white in j three please")
    _well_formed(timeline, len(samples) / 16000)
    speech = [(label, start) for label, start in zip(timeline.labels, timeline.starts) if label != "SIL"]
    assert speech[0][0] == "P" and speech[-1][0] == "Z"
    assert speech[0][1] < 1.0


def test_recognition_covers_the_speech_and_not_the_silence(jfk_samples):
    timeline = recognise_phones(jfk_samples)
    _well_formed(timeline, len(jfk_samples) / 16000)
    labels = np.array(timeline.labels)
    speech_time = np.sum((timeline.ends - timeline.starts)[labels != "SIL"])
    assert 5.0 < speech_time < 10.5
    assert labels[0] == "SIL"          # the clip opens with a quiet 0.3 s
    assert {"M", "P", "B"} & set(labels)


def test_recognised_words_are_where_the_transcript_puts_them(jfk_samples):
    timeline = recognise_words(jfk_samples)
    _well_formed(timeline, len(jfk_samples) / 16000)
    assert timeline.confidence < 0.9  # recognised, not aligned to a transcript
    starts = [start for _, start, _ in timeline.words]
    assert starts == sorted(starts)
    # A 1961 recording: many words are misheard, but a word recognised right
    # sits where the aligned transcript has it.
    said = align_phones(jfk_samples, JFK).words
    matched = {word for word, start, _ in timeline.words
               if any(word == w and abs(start - s) < 0.15 for w, s, _ in said)}
    assert len(matched) >= 3
    # Its phones are those of its words, inside them.
    for word, start, end in timeline.words:
        inside = (timeline.starts >= start - 1e-6) & (timeline.ends <= end + 1e-6)
        assert inside.any(), word


def test_alignment_with_a_word_missing_from_the_dictionary(jfk_samples):
    for name in ("Zorblat", "Zyxqbert"):
        timeline = align_phones(jfk_samples, JFK.replace("fellow", name))
        assert timeline.confidence >= 0.9  # aligned, not recognised
        words = [word for word, _, _ in timeline.words]
        assert words[:3] == ["and", "so", "my"] and words[-1] == "country"
    assert "zorblat" in [word for word, _, _ in align_phones(jfk_samples, JFK.replace("fellow", "Zorblat")).words]


def test_transcripts_are_normalised():
    assert normalise_transcript("In 1961, J. F. K. said: 'Ask not!' 3 times.") == [
        "in", "nineteen", "sixty", "one", "j", "f", "k", "said", "ask", "not", "three", "times"]
    assert normalise_transcript("don't stop") == ["don't", "stop"]
    assert pronunciations(["country"])["country"].startswith("K AH N")
    assert letter_to_sound("Zyxqbert").split()[0] == "Z"
    with pytest.raises(InputError):
        align_phones(np.zeros(16000, np.float32), "?!")
