"""Phones with times: PocketSphinx recognition, or forced alignment to a transcript."""

import logging
import os
from dataclasses import dataclass

import numpy as np
import pocketsphinx

from talkface.audio.transcript import dictionary, normalise_transcript, pronunciations
from talkface.errors import InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhoneConfig:
    # PocketSphinx's frame rate: 100 frames a second.
    frame_rate: float = 100.0
    # Phone-loop recognition settings from the PocketSphinx phoneme-recognition
    # guide: a weak phone language model (lw 2) with a mild insertion penalty
    # (pip 0.3), so short phones such as p and b survive. Beams of 1e-12 give
    # the very phones of the guide's 1e-20 on all eleven speech clips of the
    # test data (English, German, French, noise) in 70-98 % of the time;
    # 1e-10 changes a tenth of them.
    language_weight: float = 2.0
    phone_insertion_penalty: float = 0.3
    beam: float = 1e-12
    phone_beam: float = 1e-12
    # Word recognition with the English language model, a second reading of
    # the phones: PocketSphinx's default search takes 0.75 of the audio's
    # duration; one pass with these beams 0.15-0.2 (0.55 without the beam
    # changes), its words then aligned as a transcript would be. Mouths from
    # these words followed the real speakers of the test videos as well as
    # the default search's (motion-level median r 0.61 averaged with the
    # phone loop, against 0.58); beams of 1e-30/1e-20 lost words (0.55).
    word_beam: float = 1e-40
    word_phone_beam: float = 1e-40
    word_end_beam: float = 1e-30
    # At most this many HMMs and word exits per 10 ms frame: the wide beams
    # above let thousands stay active in noisy or unclear speech. Capped,
    # the decode takes 0.57 of its time on the bundled sample (0.22 of the
    # audio's duration over the test videos, from 0.38) and the mouths
    # keep their median r with the real speakers (0.62; mean 0.553 ->
    # 0.546). A cap of 1000 HMMs lost words (median 0.57).
    word_max_hmms: int = 1500
    word_max_exits: int = 10
    # Audio is recognised in pieces of about this length, cut at the
    # quietest point nearby, so an hour of audio costs what a minute does.
    chunk_s: float = 30.0


@dataclass(frozen=True)
class PhoneTimeline:
    """Phones with times.

    labels: (N,) ARPAbet names without stress ('AA', 'P', ...), 'SIL' for
        silence, noise and breath; starts, ends: (N,) float64 seconds, sorted,
        non-overlapping; confidence: in [0, 1], how far to trust the
        timeline (1 for a successful alignment to a transcript); words:
        (word, start, end) where known.
    """

    labels: tuple[str, ...]
    starts: np.ndarray
    ends: np.ndarray
    confidence: float
    words: tuple[tuple[str, float, float], ...] = ()

    def shifted(self, seconds: float) -> "PhoneTimeline":
        """This timeline ``seconds`` later (phones and words)."""
        return PhoneTimeline(labels=self.labels, starts=self.starts + seconds, ends=self.ends + seconds,
                             confidence=self.confidence,
                             words=tuple((word, start + seconds, end + seconds) for word, start, end in self.words))


def joined_timelines(parts: list[PhoneTimeline], *, confidence: float) -> PhoneTimeline:
    """One timeline of consecutive ``parts`` (already at their own times)."""
    return PhoneTimeline(labels=tuple(label for part in parts for label in part.labels),
                         starts=np.concatenate([part.starts for part in parts] or [np.zeros(0)]),
                         ends=np.concatenate([part.ends for part in parts] or [np.zeros(0)]),
                         confidence=confidence, words=tuple(word for part in parts for word in part.words))


def recognise_phones(samples: np.ndarray, *, sample_rate: int = 16000,
                     config: PhoneConfig = PhoneConfig()) -> PhoneTimeline:
    """English phones in (N,) float32 mono ``samples`` at 16 kHz, by phone-loop recognition."""
    _check_rate(sample_rate)
    decoder = _phone_loop_decoder(config)
    labels, starts, ends = [], [], []
    for offset, chunk in recognition_pieces(samples, sample_rate, config):
        decoder.start_utt()
        decoder.process_raw(_pcm(chunk), full_utt=True)
        decoder.end_utt()
        for segment in decoder.seg():
            labels.append(_phone_name(segment.word))
            starts.append(offset + segment.start_frame / config.frame_rate)
            ends.append(offset + (segment.end_frame + 1) / config.frame_rate)
    return PhoneTimeline(labels=tuple(labels), starts=np.array(starts, dtype=np.float64),
                         ends=np.array(ends, dtype=np.float64), confidence=0.5)


def recognise_words(samples: np.ndarray, *, sample_rate: int = 16000,
                     config: PhoneConfig = PhoneConfig()) -> PhoneTimeline:
    """English words in (N,) float32 mono ``samples`` at 16 kHz, recognised
    with PocketSphinx's language model and aligned to the audio: their phones,
    with the words."""
    _check_rate(sample_rate)
    decoder = _word_decoder(config)
    parts = []
    for offset, chunk in recognition_pieces(samples, sample_rate, config):
        pcm = _pcm(chunk)
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        words = hypothesis.hypstr.split() if hypothesis is not None else []
        if not words:
            continue
        # Aligning the words afresh finds their times best; where that fails
        # (PocketSphinx's aligner sometimes drops a last word and gives up),
        # the phones are aligned within the recogniser's own word times.
        timeline = _align(pcm, words, config, confidence=0.5) \
            or _phone_alignment(decoder, pcm, config, confidence=0.5)
        decoder.activate_search()
        if timeline is None:
            log.info("recognised words at %.0f s could not be aligned; left out", offset)
        else:
            parts.append(timeline.shifted(offset))
    return joined_timelines(parts, confidence=0.5)


def align_phones(samples: np.ndarray, transcript: str, *, sample_rate: int = 16000,
                 config: PhoneConfig = PhoneConfig()) -> PhoneTimeline:
    """Phones of ``transcript`` aligned to (N,) float32 mono ``samples`` at 16 kHz.

    Words missing from the dictionary are pronounced by spelling rules; if
    the alignment then fails, it is tried again without them (their time
    goes to their neighbours), and if that fails too (the transcript does not
    match the audio), phones are recognised instead.
    """
    _check_rate(sample_rate)
    words = normalise_transcript(transcript)
    if not words:
        raise InputError("transcript", "has no words")
    known = dictionary()
    in_dictionary = [word for word in words if word in known]
    pcm = _pcm(samples)
    for attempt, confidence in ((words, 1.0), (in_dictionary, 0.9)):
        if attempt and (attempt is words or len(attempt) < len(words)):
            timeline = _align(pcm, attempt, config, confidence)
            if timeline is not None:
                return timeline
    log.info("alignment to the transcript failed; recognising phones instead")
    return recognise_phones(samples, sample_rate=sample_rate, config=config)


def _align(pcm: bytes, words: list[str], config: PhoneConfig, confidence: float) -> PhoneTimeline | None:
    decoder = pocketsphinx.Decoder(loglevel="FATAL", **_acoustic_model())
    known = dictionary()
    for word, phones in pronunciations(words).items():
        if word not in known:
            decoder.add_word(word, phones, True)
    try:
        decoder.set_align_text(" ".join(words))
        decoder.start_utt(); decoder.process_raw(pcm, full_utt=True); decoder.end_utt()
    except RuntimeError:
        return None
    return _phone_alignment(decoder, pcm, config, confidence)


def _phone_alignment(decoder: pocketsphinx.Decoder, pcm: bytes, config: PhoneConfig,
                     confidence: float) -> PhoneTimeline | None:
    """The phones of the words ``decoder`` has just found in ``pcm``, by a
    second pass that aligns them phone by phone (None if it fails)."""
    labels, starts, ends, word_times = [], [], [], []
    try:
        decoder.set_alignment()
        decoder.start_utt(); decoder.process_raw(pcm, full_utt=True); decoder.end_utt()
        # Iterate the entries directly: keeping them past the loop crashes PocketSphinx.
        for word in decoder.get_alignment():
            word_times.append((word.name.split("(")[0], word.start / config.frame_rate,
                               (word.start + word.duration) / config.frame_rate))
            for phone in word:
                labels.append(_phone_name(phone.name))
                starts.append(phone.start / config.frame_rate)
                ends.append((phone.start + phone.duration) / config.frame_rate)
    except RuntimeError:
        return None
    if not labels:
        return None
    return PhoneTimeline(labels=tuple(labels), starts=np.array(starts, dtype=np.float64),
                         ends=np.array(ends, dtype=np.float64), confidence=confidence,
                         words=tuple((w, s, e) for w, s, e in word_times if not w.startswith("<")))


def _acoustic_model() -> dict:
    model = pocketsphinx.get_model_path()
    return {"hmm": os.path.join(model, "en-us", "en-us"),
            "dict": os.path.join(model, "en-us", "cmudict-en-us.dict")}


def _phone_loop_decoder(config: PhoneConfig) -> pocketsphinx.Decoder:
    model = pocketsphinx.get_model_path()
    return pocketsphinx.Decoder(
        loglevel="FATAL", **_acoustic_model(), lm=None,
        allphone=os.path.join(model, "en-us", "en-us-phone.lm.bin"),
        lw=config.language_weight, pip=config.phone_insertion_penalty,
        beam=config.beam, pbeam=config.phone_beam)


def _word_decoder(config: PhoneConfig) -> pocketsphinx.Decoder:
    model = pocketsphinx.get_model_path()
    # fwdflat and bestpath are PocketSphinx's second and third passes: they
    # refine the words at 1.4-1.7 times the cost, and the alignment that
    # follows finds the words' times again anyway.
    return pocketsphinx.Decoder(
        loglevel="FATAL", **_acoustic_model(), lm=os.path.join(model, "en-us", "en-us.lm.bin"),
        fwdflat=False, bestpath=False,
        beam=config.word_beam, pbeam=config.word_phone_beam, wbeam=config.word_end_beam,
        maxhmmpf=config.word_max_hmms, maxwpf=config.word_max_exits)


def _phone_name(name: str) -> str:
    name = name.upper().rstrip("012")
    return "SIL" if name.startswith(("SIL", "+", "<")) else name


def _pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def recognition_pieces(samples: np.ndarray, sample_rate: int, config: PhoneConfig):
    """(offset seconds, samples) pieces of about ``chunk_s``, cut at quiet 10 ms frames."""
    length = int(config.chunk_s * sample_rate)
    start = 0
    while start < len(samples):
        end = start + length
        if end + length // 4 >= len(samples):
            end = len(samples)
        else:
            # The quietest 10 ms within 3 s before the nominal cut.
            hop = sample_rate // 100
            window = samples[end - 3 * sample_rate:end]
            energy = np.add.reduceat(window.astype(np.float64) ** 2, np.arange(0, len(window), hop))
            end = end - 3 * sample_rate + int(np.argmin(energy)) * hop
        yield start / sample_rate, samples[start:end]
        start = end


def _check_rate(sample_rate: int) -> None:
    if sample_rate != 16000:
        raise ValueError("phones are recognised at 16 kHz; resample first")
