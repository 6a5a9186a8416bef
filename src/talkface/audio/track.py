"""The AudioTrack: the timeline the motion stage reads."""

import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from talkface.audio.decode import ANALYSIS_RATE, PIECE_S, decode_audio_pieces
from talkface.audio.phones import (PhoneConfig, PhoneTimeline, align_phones, joined_timelines, recognise_phones,
                                   recognise_words, recognition_pieces)
from talkface.audio.prosody import Prosody, ProsodyConfig, measure_prosody
from talkface.audio.voice_activity import has_voice, voice_activity
from talkface.errors import InputError

# Peak level below which a file counts as silent (about -80 dBFS): quieter
# than the dither noise of a 16-bit recording.
_SILENCE_PEAK = 1e-4


@dataclass(frozen=True)
class AnalysisConfig:
    # Audio is analysed in blocks of about this length, so an hour takes the
    # memory a minute does. Blocks end where the phone recogniser cuts its
    # own pieces, so the phones are exactly those of the whole recording.
    block_s: float = 60.0
    # Pitch and formants of a block are measured with this much of the
    # neighbouring audio on each side: Praat's analysis windows reach 40 ms
    # and its pitch path is smoothed over a few hundred ms.
    context_s: float = 1.0
    # Recognised words are read in a second process while this one reads
    # the phones and the prosody (PocketSphinx holds the GIL, so threads
    # would take turns): on two cores analysis then takes the time of the
    # word reading alone. At most this many blocks wait for that process,
    # so memory stays bounded when it falls behind.
    waiting_word_blocks: int = 2


@dataclass(frozen=True, eq=False)
class AudioTrack:
    """What the voice does over time.

    Attributes:
        duration: seconds.
        frame_rate: analysis frames per second of the per-frame arrays.
        loudness_db: (N,) float32, RMS level per analysis frame, dBFS.
        pitch_hz: (N,) float32, fundamental frequency, 0 where unvoiced.
        formants_hz: (N, 2) float32, F1 and F2 (NaN where none).
        speech: (N,) bool, voice activity.
        phones: the phone timeline (seconds): aligned to the transcript, or
            recognised phone by phone; None when lip sync reads the
            acoustics only.
        word_phones: a second reading of recognised speech, the phones of
            the English words recognised in it (None with a transcript or
            when lip sync reads the acoustics only). The two readings err
            differently: the phone loop misses no short phone but invents
            some, the words keep to English but misread fast or quiet speech.
        language: what it was analysed as: "en" (recognised phones are
            English speech, trusted as they are), "auto" (trusted as far as
            they agree with the sound) or "any" (no phones).
    """

    duration: float
    frame_rate: float
    loudness_db: np.ndarray
    pitch_hz: np.ndarray
    formants_hz: np.ndarray
    speech: np.ndarray
    phones: PhoneTimeline | None
    language: str = "auto"
    word_phones: PhoneTimeline | None = None

    def at(self, values: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Per-frame ``values`` read at ``times`` (seconds), linearly interpolated."""
        grid = np.arange(len(values)) / self.frame_rate
        return np.interp(times, grid, values.astype(np.float64))

    def utterance_starts(self, min_pause_s: float) -> np.ndarray:
        """Times (seconds) where speech begins after at least ``min_pause_s``
        of silence; the first start of speech always counts."""
        edges = np.diff(np.r_[False, self.speech, False].astype(np.int8))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        silence = starts - np.r_[-np.inf, ends[:-1]]
        return starts[silence >= min_pause_s * self.frame_rate] / self.frame_rate

    def pause_starts(self, min_pause_s: float) -> np.ndarray:
        """Times (seconds) where speech stops for at least ``min_pause_s``."""
        speech = np.r_[False, self.speech, False].astype(np.int8)
        edges = np.diff(speech)
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        next_start = np.r_[starts[1:], len(self.speech) + int(min_pause_s * self.frame_rate) + 1]
        # A pause must be followed by more speech or by the end of the audio.
        long_enough = (next_start - ends) >= min_pause_s * self.frame_rate
        return ends[long_enough & (ends < len(self.speech))] / self.frame_rate


LANGUAGES = ("auto", "en", "any")


def analyse_samples(samples: np.ndarray, *, sample_rate: int = ANALYSIS_RATE,
                    transcript: str | None = None, language: str = "auto",
                    source: str | Path = "audio", config: AnalysisConfig = AnalysisConfig()) -> AudioTrack:
    """Analyse (N,) float32 mono ``samples`` at ``sample_rate`` Hz (see ``analyse_pieces``)."""
    step = int(PIECE_S * sample_rate)
    return analyse_pieces((samples[i:i + step] for i in range(0, len(samples), step)), sample_rate=sample_rate,
                          transcript=transcript, language=language, source=source, config=config)


def analyse_audio(path: str | Path, *, transcript: str | None = None, language: str = "auto") -> AudioTrack:
    """Decode the audio file at ``path`` piece by piece and analyse it (see ``analyse_pieces``)."""
    return analyse_pieces(decode_audio_pieces(path), transcript=transcript, language=language, source=path)


def analyse_pieces(pieces: Iterable[np.ndarray], *, sample_rate: int = ANALYSIS_RATE,
                   transcript: str | None = None, language: str = "auto", source: str | Path = "audio",
                   config: AnalysisConfig = AnalysisConfig()) -> AudioTrack:
    """Analyse a recording given as consecutive (n,) float32 mono pieces at
    ``sample_rate`` Hz, one bounded block at a time.

    ``language``: "en" reads English phones, "any" reads only the acoustics
    (formants, loudness, voicing: any language, singing), "auto" both,
    the motion stage blending them by how far the phones can be trusted.
    Alignment to a ``transcript`` needs the whole recording at once, so only
    then are the samples kept until the end.

    Raises:
        InputError: the audio is silent or holds no voice, or ``language`` is unknown.
    """
    if language not in LANGUAGES:
        raise InputError(f"language {language!r}", f"must be one of {', '.join(LANGUAGES)}")
    recognise = transcript is None and language != "any"
    prosody_parts, phone_parts, word_parts, kept = [], [], [], []
    length, peak = 0, 0.0
    with _word_reader() as reader:
        waiting = deque()
        for start, block, before, after in _blocks(pieces, sample_rate, config):
            length += len(block)
            peak = max(peak, float(np.max(np.abs(block))))
            if recognise:
                waiting.append((start / sample_rate, reader.submit(recognise_words, block, sample_rate=sample_rate)))
                phone_parts.append(recognise_phones(block, sample_rate=sample_rate).shifted(start / sample_rate))
            elif transcript is not None:
                kept.append(block)
            prosody_parts.append(_block_prosody(start, block, before, after, sample_rate))
            while len(waiting) > config.waiting_word_blocks:
                offset, words = waiting.popleft()
                word_parts.append(words.result().shifted(offset))
        word_parts += [words.result().shifted(offset) for offset, words in waiting]
    if length == 0 or peak < _SILENCE_PEAK:
        raise InputError(source, "audio is silent")
    prosody = Prosody(frame_rate=prosody_parts[0].frame_rate,
                      loudness_db=np.concatenate([p.loudness_db for p in prosody_parts]),
                      pitch_hz=np.concatenate([p.pitch_hz for p in prosody_parts]),
                      formants_hz=np.concatenate([p.formants_hz for p in prosody_parts]))
    speech = voice_activity(prosody)
    if not has_voice(prosody, speech):
        raise InputError(source, "no voice found in the audio (only noise or silence)")
    word_phones = None
    if transcript is not None:
        phones = align_phones(np.concatenate(kept), transcript, sample_rate=sample_rate)
    elif language == "any":
        phones = None
    else:
        phones, word_phones = (joined_timelines(parts, confidence=parts[0].confidence)
                               for parts in (phone_parts, word_parts))
    return AudioTrack(
        duration=length / sample_rate,
        frame_rate=prosody.frame_rate,
        loudness_db=prosody.loudness_db,
        pitch_hz=prosody.pitch_hz,
        formants_hz=prosody.formants_hz,
        speech=speech,
        phones=phones,
        language=language,
        word_phones=word_phones,
    )


def _blocks(pieces: Iterable[np.ndarray], sample_rate: int,
            config: AnalysisConfig) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """(first sample, block, audio just before, audio just after) for
    consecutive blocks of about ``config.block_s`` seconds.

    A block is a run of whole phone-recogniser pieces: ``recognition_pieces``
    cuts the buffer exactly as it would cut the whole recording, because the buffer
    always reaches past the block by more than the recogniser looks ahead.
    """
    phone_config = PhoneConfig()
    block_length = int(config.block_s * sample_rate)
    context = _prosody_hop(sample_rate) * int(round(config.context_s * ProsodyConfig().frame_rate))
    reach = int(1.25 * phone_config.chunk_s * sample_rate) + context  # the recogniser's look-ahead, and context
    pieces = iter(pieces)
    buffer, before, start, exhausted = np.zeros(0, np.float32), np.zeros(0, np.float32), 0, False
    while True:
        gathered = [buffer]
        while not exhausted and sum(map(len, gathered)) < block_length + reach:
            piece = next(pieces, None)
            exhausted = piece is None
            if piece is not None:
                gathered.append(np.asarray(piece, dtype=np.float32))
        buffer = np.concatenate(gathered)
        if len(buffer) == 0:
            return
        end = 0
        for offset, chunk in recognition_pieces(buffer, sample_rate, phone_config):
            if end and round(offset * sample_rate) + len(chunk) > block_length:
                break
            end = round(offset * sample_rate) + len(chunk)
        yield start, buffer[:end], before, buffer[end:end + context]
        before, buffer = buffer[max(0, end - context):end].copy(), buffer[end:].copy()
        start += end


def _word_reader() -> Executor:
    """Where recognised words are read: a forked process on Linux; elsewhere
    (where forking a process that runs other libraries' threads is unsafe)
    a thread, which runs beside the rest without gaining time."""
    if sys.platform == "linux":
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    return ThreadPoolExecutor(max_workers=1)


def _block_prosody(start: int, block: np.ndarray, before: np.ndarray, after: np.ndarray,
                   sample_rate: int) -> Prosody:
    """Prosody of the frames in ``block`` (frame i at sample i * hop of the
    recording), measured with the audio around it."""
    hop = _prosody_hop(sample_rate)
    whole = measure_prosody(np.concatenate([before, block, after]), sample_rate=sample_rate)
    first = len(before) // hop
    count = -(-(start + len(block)) // hop) - -(-start // hop)
    return Prosody(frame_rate=whole.frame_rate, loudness_db=whole.loudness_db[first:first + count],
                   pitch_hz=whole.pitch_hz[first:first + count], formants_hz=whole.formants_hz[first:first + count])


def _prosody_hop(sample_rate: int) -> int:
    return int(round(sample_rate / ProsodyConfig().frame_rate))
