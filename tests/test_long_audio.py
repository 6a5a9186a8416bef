"""Long audio is analysed block by block: memory stays bounded however long
the recording, and the result matches analysing it whole."""

import difflib
import tracemalloc

import numpy as np

from talkface.audio.decode import decode_audio
from talkface.audio.track import AnalysisConfig, _blocks, analyse_samples

from .conftest import shared_file


def test_an_hour_is_cut_into_bounded_blocks_that_tile_it():
    clip = decode_audio(shared_file("audio", "musetalk_eng.wav"))[:160_000]  # 10 s of speech
    pieces = 360  # an hour
    config = AnalysisConfig()
    tracemalloc.start()
    try:
        blocks = [(start, len(block), len(before), len(after))
                  for start, block, before, after in _blocks((clip for _ in range(pieces)), 16000, config)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    starts = np.array([b[0] for b in blocks])
    lengths = np.array([b[1] for b in blocks])
    assert starts[0] == 0 and np.array_equal(starts[1:], np.cumsum(lengths)[:-1])  # contiguous
    assert lengths.sum() == pieces * len(clip)                                     # nothing lost
    assert lengths.max() <= (config.block_s + 37.5) * 16000                        # bounded
    assert all(b[2] == 16000 for b in blocks[1:]) and all(b[3] == 16000 for b in blocks[:-1])  # 1 s context
    # The hour itself would be 230 MB of float32; the blocks never hold more than ~2 minutes.
    assert peak < 40e6


def test_blocks_give_what_the_whole_recording_gives():
    speech = np.concatenate([decode_audio(shared_file("audio", "musetalk_eng.wav")),
                             decode_audio(shared_file("audio", "whisper_jfk.flac"))])  # 71 s, two speakers
    small = AnalysisConfig(block_s=30.0)  # three blocks, to keep the test short
    blocks = analyse_samples(speech, config=small)
    whole = analyse_samples(speech, config=AnalysisConfig(block_s=1e6))
    assert blocks.duration == whole.duration
    np.testing.assert_array_equal(blocks.loudness_db, whole.loudness_db)
    assert (blocks.speech == whole.speech).mean() > 0.995
    # Praat sets its silence threshold from the loudest sample of the sound
    # it is given, here each block's own: quiet edges of voiced stretches
    # may count as voiced in one and not the other.
    assert ((blocks.pitch_hz > 0) == (whole.pitch_hz > 0)).mean() > 0.95
    # Each block starts a fresh recogniser (its running cepstral mean starts
    # over), so a phone or two may differ right after a block boundary.
    for reading in ("phones", "word_phones"):
        same = difflib.SequenceMatcher(a=getattr(blocks, reading).labels, b=getattr(whole, reading).labels,
                                       autojunk=False).ratio()
        assert same > 0.98, reading
    # Word times are times in the recording, not in the block.
    assert [w for w, _, _ in blocks.word_phones.words][-3:] == [w for w, _, _ in whole.word_phones.words][-3:]
    np.testing.assert_allclose([s for _, s, _ in blocks.word_phones.words][-3:],
                               [s for _, s, _ in whole.word_phones.words][-3:], atol=0.05)
