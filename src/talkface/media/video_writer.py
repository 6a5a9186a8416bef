"""Write the MP4 frame by frame: H.264 video, AAC audio, atomically.

Frames are encoded as they arrive and the audio is read from its file in
step with them, so memory does not grow with the length of the video. The
file is written under a temporary name beside the target and renamed only
when complete: an interrupted or failed run leaves nothing behind. With a
provenance request, the finished file gets its signed C2PA manifest on the
way (a second temporary file), before the rename.
"""

import os
import queue
import secrets
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from talkface.errors import InputError
from talkface.media.provenance import Provenance, sign_video

# Sample rates the AAC encoder takes as they are; anything else is resampled to 48 kHz.
_AAC_RATES = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}
# Audio is encoded this far ahead of the video so the muxer can interleave
# without holding packets back.
_AUDIO_LEAD_S = 0.5


def face_crf(size: tuple[int, int]) -> int:
    """x264 constant rate factor for a talking face at ``size`` (width, height).

    18 is visually lossless for faces at 512 px and up. A smaller frame
    loses more of the face to the same factor (each macroblock covers more
    of it): at 256 px, 18 took 14-22 % of the face's sharpness (dlib's
    measure on three test portraits, against the frames before encoding),
    12 took 7-11 %. So 6 less for every halving below 512 px, down to 12.
    """
    return int(round(np.clip(18 - 6 * np.log2(512 / min(size)), 12, 18)))


class VideoWriter:
    """Context manager that writes (S, S, 3) uint8 RGB frames to an MP4.

    Args:
        path: the output file; it appears only when ``close()`` succeeds.
        fps: frames per second.
        size: (width, height) in pixels, even numbers.
        audio: file whose first audio track is muxed in (any format PyAV reads).
        crf: x264 constant rate factor; None chooses it from the frame size
            (``face_crf``).
        preset: x264 speed preset; "veryfast" keeps encoding cheaper than rendering.
        metadata: container tags, such as the synthetic-media notice.
        provenance: what the C2PA manifest says and who signs it; None writes
            no manifest.
    """

    def __init__(self, path: str | Path, *, fps: float, size: tuple[int, int],
                 audio: str | Path | None = None, crf: int | None = None, preset: str = "veryfast",
                 metadata: dict[str, str] | None = None, provenance: Provenance | None = None):
        self.path = Path(path)
        self._temp = self._temporary()
        self._signed: Path | None = None
        self._provenance = provenance
        self._frames_written = 0
        self._fps = fps
        try:
            self._container = av.open(str(self._temp), mode="w", format="mp4",
                                      # use_metadata_tags keeps our own keys (video id, generator).
                                      options={"movflags": "+faststart+use_metadata_tags"})
            for key, value in (metadata or {}).items():
                self._container.metadata[key] = value
            self._video = self._container.add_stream("libx264", rate=_fps_fraction(fps))
            self._video.width, self._video.height = size
            self._video.pix_fmt = "yuv420p"
            self._video.options = {"crf": str(face_crf(size) if crf is None else crf), "preset": preset}
            self._audio_source = _AudioSource(audio, self._container) if audio else None
        except BaseException:
            self._discard()
            raise

    def write(self, frame: np.ndarray) -> None:
        """Encode one (H, W, 3) uint8 RGB frame."""
        # OpenCV's BT.601 limited-range conversion (what FFmpeg's scaler would
        # do, within 2 levels) takes a quarter of the scaler's time.
        video_frame = av.VideoFrame.from_ndarray(cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420), format="yuv420p")
        video_frame.pts = self._frames_written
        self._mux(self._video.encode(video_frame))
        self._frames_written += 1
        if self._audio_source:
            self._mux(self._audio_source.encode_until(self._frames_written / self._fps + _AUDIO_LEAD_S))

    def close(self) -> Path:
        """Finish the file and move it into place; returns its path."""
        try:
            self._mux(self._video.encode(None))
            if self._audio_source:
                self._mux(self._audio_source.encode_until(None))
            self._container.close()
            finished = self._temp
            if self._provenance:
                self._signed = finished = self._temporary()
                sign_video(self._temp, finished, provenance=self._provenance, title=self.path.name)
                self._temp.unlink()
            os.replace(finished, self.path)
        except BaseException:
            self._discard()
            raise
        return self.path

    def _mux(self, packets) -> None:
        try:
            for packet in packets:
                self._container.mux(packet)
        except OSError as error:
            raise InputError(self.path, f"cannot write video ({error.strerror or error})") from None

    def _discard(self) -> None:
        container = getattr(self, "_container", None)
        if container is not None:
            try:
                container.close()
            except Exception:  # the file is being thrown away; its state does not matter
                pass
        self._temp.unlink(missing_ok=True)
        if self._signed:
            self._signed.unlink(missing_ok=True)

    def _temporary(self) -> Path:
        """A new hidden file beside the target, for the output in the making,
        with the permissions the umask gives any new file (mkstemp's 0600
        would make the finished video private to its maker)."""
        while True:
            name = self.path.with_name(f".{self.path.stem}.{secrets.token_hex(4)}.part.mp4")
            try:
                os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                return name
            except FileExistsError:
                continue
            except OSError as error:  # the folder became unwritable or full since it was checked
                raise InputError(self.path, f"cannot write video ({error.strerror or error})") from None

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:
            self.close()
        else:
            self._discard()


class BackgroundWriter:
    """Context manager that hands frames to ``writer`` on a second thread,
    each passed through ``finish`` first (the label and watermark), so the
    next frame is drawn while this one is finished and encoded.

    At most ``depth`` frames wait in between: memory stays bounded. An error
    on the writing thread is raised by the next ``write`` or on leaving; an
    error or interruption in the caller stops the thread before the
    ``VideoWriter`` discards its file.
    """

    def __init__(self, writer: VideoWriter, finish: Callable[[np.ndarray], np.ndarray], *, depth: int = 4):
        self._writer, self._finish = writer, finish
        self._frames: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="talkface-encode", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (frame := self._frames.get()) is not None:
            if self._error is not None or self._stopping:
                continue  # drain without work until the sentinel
            try:
                self._writer.write(self._finish(frame))
            except BaseException as error:  # handed to the caller's thread
                self._error = error

    def write(self, frame: np.ndarray) -> None:
        """Queue one (S, S, 3) uint8 RGB frame (waits while ``depth`` are queued)."""
        self._raise_error()
        self._frames.put(frame)

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def __enter__(self) -> "BackgroundWriter":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self._stopping = exc_type is not None
        self._frames.put(None)
        self._thread.join()
        if exc_type is None:
            self._raise_error()


class _AudioSource:
    """Decodes an audio file lazily and encodes it to AAC on demand."""

    def __init__(self, path: str | Path, container: av.container.OutputContainer):
        self._input = av.open(str(path))
        source = self._input.streams.audio[0]
        rate = source.rate if source.rate in _AAC_RATES else 48000
        layout = "mono" if source.channels == 1 else "stereo"
        self._stream = container.add_stream("aac", rate=rate)
        self._stream.layout = layout
        self._stream.bit_rate = 96000 if layout == "mono" else 160000
        self._resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        self._frames = self._input.decode(source)
        self._rate = rate
        self._samples = 0
        self._finished = False

    def encode_until(self, seconds: float | None):
        """Packets for the audio up to ``seconds`` (None: to the end)."""
        packets = []
        while not self._finished and (seconds is None or self._samples < seconds * self._rate):
            frame = next(self._frames, None)
            for resampled in self._resampler.resample(frame):
                resampled.pts = self._samples
                self._samples += resampled.samples
                packets.extend(self._stream.encode(resampled))
            if frame is None:
                packets.extend(self._stream.encode(None))
                self._input.close()
                self._finished = True
        return packets


def _fps_fraction(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)
