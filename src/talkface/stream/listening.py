"""Incremental audio analysis: PCM chunks in, a rolling AudioTrack out.

The offline stage analyses a whole file at once; here the same stage
functions (``measure_prosody``, ``voice_activity``) run on short windows of
the newest audio and their frames are appended to a history of bounded
length, so the motion stage can read it as an ordinary ``AudioTrack``.
"""

import av
import numpy as np

from talkface.audio.prosody import Prosody, ProsodyConfig, measure_prosody
from talkface.audio.track import AudioTrack
from talkface.audio.voice_activity import voice_activity
from talkface.stream.config import StreamConfig


class Resampler:
    """Any-rate PCM to mono float32 at ``rate`` Hz, chunk by chunk, keeping
    the filter state across chunks so chunk edges leave no clicks."""

    def __init__(self, rate: int):
        self.rate = rate
        self.source_rate: int | None = None
        self._resampler: av.AudioResampler | None = None

    def __call__(self, pcm: np.ndarray, sample_rate: int) -> np.ndarray:
        """(N,) or (N, channels) int16 or float PCM at ``sample_rate`` -> (M,) float32 in [-1, 1]."""
        samples = _as_mono_float(pcm)
        if self.source_rate is None:
            if not 8000 <= sample_rate <= 192000:
                raise ValueError(f"sample rate must be 8000 to 192000 Hz, not {sample_rate}")
            self.source_rate = sample_rate
            if sample_rate != self.rate:
                self._resampler = av.AudioResampler(format="flt", layout="mono", rate=self.rate)
        elif sample_rate != self.source_rate:
            raise ValueError(f"sample rate changed from {self.source_rate} to {sample_rate} Hz mid-stream")
        if self._resampler is None or not len(samples):
            return samples
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="flt", layout="mono")
        frame.sample_rate = self.source_rate
        out = [chunk.to_ndarray().reshape(-1) for chunk in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, np.float32)


def _as_mono_float(pcm: np.ndarray) -> np.ndarray:
    pcm = np.asarray(pcm)
    if pcm.ndim == 2:
        pcm = pcm.mean(axis=1) if pcm.dtype.kind == "f" else pcm.astype(np.float32).mean(axis=1)
    elif pcm.ndim != 1:
        raise ValueError(f"PCM must be (samples,) or (samples, channels), not {pcm.shape}")
    if pcm.dtype == np.int16:
        return (pcm.astype(np.float32) / 32768.0)
    if pcm.dtype.kind == "f":
        return np.clip(np.nan_to_num(pcm.astype(np.float32)), -1.0, 1.0)
    raise ValueError(f"PCM must be int16 or float, not {pcm.dtype}")


class Listener:
    """Keeps the last ``history_s`` of audio analysed on the prosody grid.

    Analysis frame k (absolute, from the start of the stream) is at
    k / frame_rate seconds; ``received_s`` is how much audio has arrived.
    """

    def __init__(self, config: StreamConfig, prosody: ProsodyConfig = ProsodyConfig()):
        self.config = config
        self.prosody = prosody
        self.rate = config.analysis_rate
        self.frame_rate = prosody.frame_rate
        self.hop = int(round(self.rate / self.frame_rate))
        self._samples = np.zeros(0, np.float32)
        self._sample_origin = 0          # absolute index of _samples[0]; a multiple of hop
        self._frame_origin = 0           # absolute index of the first analysed frame kept
        self._loudness = np.zeros(0, np.float32)
        self._pitch = np.zeros(0, np.float32)
        self._formants = np.zeros((0, 2), np.float32)

    @property
    def received_s(self) -> float:
        return (self._sample_origin + len(self._samples)) / self.rate

    def add(self, samples: np.ndarray) -> None:
        """Append (N,) float32 samples at the analysis rate."""
        self._samples = np.concatenate([self._samples, samples])

    def analyse(self) -> None:
        """Analyse the audio that has become final since the last call (one
        call for many chunks costs little more than for one)."""
        final_frames = int((self.received_s - self.config.analysis_margin_s) * self.frame_rate)
        first = self._frame_origin + len(self._loudness)
        if final_frames <= first:
            return
        context = int(self.config.analysis_context_s * self.frame_rate)
        start_frame = max(first - context, self._sample_origin // self.hop)
        window = self._samples[start_frame * self.hop - self._sample_origin:]
        measured = measure_prosody(window, sample_rate=self.rate, config=self.prosody)
        new = slice(first - start_frame, final_frames - start_frame)
        self._loudness = np.r_[self._loudness, measured.loudness_db[new]]
        self._pitch = np.r_[self._pitch, measured.pitch_hz[new]]
        self._formants = np.r_[self._formants, measured.formants_hz[new]]
        self._trim()

    def _trim(self) -> None:
        keep_frames = int(self.config.history_s * self.frame_rate)
        excess = len(self._loudness) - keep_frames
        if excess > 0:
            self._loudness, self._pitch = self._loudness[excess:], self._pitch[excess:]
            self._formants = self._formants[excess:]
            self._frame_origin += excess
        # Samples are kept from a context's length before the first unanalysed frame.
        context = int(self.config.analysis_context_s * self.frame_rate)
        first_needed = (self._frame_origin + len(self._loudness) - context) * self.hop
        drop = (first_needed - self._sample_origin) // self.hop * self.hop
        if drop > 0:
            self._samples = self._samples[drop:]
            self._sample_origin += drop

    @property
    def origin_s(self) -> float:
        """Stream time of the first frame of ``track()``."""
        return self._frame_origin / self.frame_rate

    def track(self, until_s: float) -> AudioTrack:
        """The analysed history up to stream time ``until_s`` as an AudioTrack;
        its time 0 is ``origin_s``. What a frame is drawn from depends only on
        audio up to its own look-ahead, however the audio was chunked."""
        end = max(0, min(len(self._loudness), int(round(until_s * self.frame_rate)) - self._frame_origin))
        prosody = Prosody(frame_rate=self.frame_rate, loudness_db=self._loudness[:end],
                          pitch_hz=self._pitch[:end], formants_hz=self._formants[:end])
        # Voice activity is judged against the recent levels, as the offline
        # stage judges it against the whole file's.
        return AudioTrack(duration=end / self.frame_rate, frame_rate=self.frame_rate,
                          loudness_db=prosody.loudness_db, pitch_hz=prosody.pitch_hz,
                          formants_hz=prosody.formants_hz, speech=voice_activity(prosody), phones=None)
