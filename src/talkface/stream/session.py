"""A live session: audio chunks in, timed video frames out as soon as they are ready."""

import queue
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from talkface.face.rig import FaceRig, analyse_photo, scaled_rig
from talkface.media.frame_marks import frame_marks
from talkface.media.visible_label import LabelStyle
from talkface.motion.track import Controls
from talkface.render.renderer import FrameRenderer
from talkface.stream.config import StreamConfig
from talkface.stream.listening import Listener, Resampler
from talkface.stream.motion import LiveMotion

# Live frames carry the watermark with this video id: a stream has no file to derive one from.
LIVE_VIDEO_ID = 0xFFFF


@dataclass(frozen=True)
class StreamFrame:
    """One video frame.

    index: frame number at the configured fps (skipped numbers were dropped).
    time_s: where the frame belongs on the audio's timeline, seconds from the first sample.
    image: (S, S, 3) uint8 RGB; S is the rig's size, or less while the
        session cannot keep up (see StreamConfig.quality_steps).
    delay_s: wall-clock seconds from the arrival of the audio that completed
        this frame (its look-ahead included) to the frame being ready.
    fps: the frame rate the session is drawing at now.
    """

    index: int
    time_s: float
    image: np.ndarray
    delay_s: float
    fps: float


@dataclass(frozen=True)
class StreamNotice:
    """The session changed how it draws: ``fps`` and frame ``size`` (pixels) now, and why."""

    fps: float
    size: int
    message: str


# What ends the input: finish() lets the last frames out, close() does not.
_FINISH, _ABORT = object(), object()


class StreamSession:
    """Turns live audio into video frames of the face in ``rig``.

    ``push`` audio from any thread, in chunks of any size; read frames and
    notices with ``next_event``. Frame t is drawn once audio up to
    t + ``config.lookahead_s`` has arrived. A frame that would come out more
    than ``config.max_delay_s`` after its audio is dropped, and the session
    draws smaller or fewer frames (announced by a StreamNotice) rather than
    fall behind the voice; it returns to full quality once it keeps up again.

    ``photo`` (the full image the rig was framed from) lets ``set_controls``
    change the head distance, which reframes the face.
    Use as a context manager, or call ``close()``.
    """

    def __init__(self, rig: FaceRig, *, controls: Controls = Controls(), config: StreamConfig = StreamConfig(),
                 photo: np.ndarray | None = None, face: int | None = None,
                 label: LabelStyle | None = LabelStyle()):
        self.config = config
        self.size = rig.size
        self._full_rig = self._rig = rig
        self._photo, self._face, self._label = photo, face, label
        self._controls = controls
        self._zoom = controls.head_distance
        self._pending_controls: Controls | None = None
        self._resampler = Resampler(config.analysis_rate)
        self._input: queue.Queue = queue.Queue()
        self._output: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._aborted = False
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="talkface-stream", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    @property
    def controls(self) -> Controls:
        return self._controls

    def push(self, pcm: np.ndarray, sample_rate: int) -> None:
        """Add (N,) or (N, channels) int16 or float PCM at ``sample_rate`` Hz.

        Raises:
            ValueError: unusable PCM or a sample rate that changed mid-stream.
            RuntimeError: the session is closed or has failed.
        """
        arrived = time.monotonic()
        with self._lock:
            self._check_open()
            samples = self._resampler(pcm, sample_rate)
        self._input.put((samples, arrived))

    def set_controls(self, controls: Controls) -> None:
        """Steer the face from the next frame on (gaze, emotion and intensity
        ease there; the seed stays the one the session started with)."""
        if controls.head_distance != self._controls.head_distance and self._photo is None:
            raise ValueError("changing the head distance needs the photo the session was made from")
        with self._lock:
            self._check_open()
            self._controls = controls
            self._pending_controls = controls

    def finish(self) -> None:
        """No more audio: the last frames are drawn, then ``next_event`` returns None."""
        with self._lock:
            self._check_open()
            self._closed = True
        self._input.put(_FINISH)

    def next_event(self, timeout: float | None = None) -> StreamFrame | StreamNotice | None:
        """The next frame or notice; None at the end of the stream.

        Raises:
            queue.Empty: nothing arrived within ``timeout`` seconds.
            RuntimeError: the session failed (the cause is chained).
        """
        event = self._output.get(timeout=timeout)
        if isinstance(event, BaseException):
            raise RuntimeError("the stream session failed") from event
        return event

    def close(self) -> None:
        """Stop drawing and release the renderer."""
        with self._lock:
            self._closed = True
        self._input.put(_ABORT)
        self._thread.join(timeout=5.0)

    def __enter__(self) -> "StreamSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the stream session is closed")
        if self._error is not None:
            raise RuntimeError("the stream session failed") from self._error

    # The drawing thread: it alone touches the OpenGL context.

    def _run(self) -> None:
        try:
            self._renderer = FrameRenderer(self._rig)
            # The first frame compiles the shaders: drawn here, it delays no live frame.
            self._renderer.render(np.zeros(52), np.zeros(3))
        except BaseException as error:
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            self._draw_loop()
            self._output.put(None)
        except BaseException as error:
            self._error = error
            self._output.put(error)
        finally:
            self._renderer.close()

    def _draw_loop(self) -> None:
        config = self.config
        listener = Listener(config)
        motion = LiveMotion(self._controls, config)
        frame_s = 1.0 / config.fps
        stamp = self._stamps()
        arrivals: deque[tuple[float, float]] = deque()  # (audio end, wall time it arrived)
        due: deque[tuple[int, float]] = deque()  # frame index, time
        next_index = 0
        level = 0
        last_change = -np.inf  # when the quality last changed
        recover_after = config.recover_after_s
        draw_cost = frame_s  # smoothed seconds to draw one frame
        ended = False
        while due or not ended:
            if not ended and self._take_input(listener, arrivals, wait=not due):
                ended = True
                # Frames cover the audio, as a video of it would (t < its end);
                # silence as long as the look-ahead lets the last of them out.
                audio_end = listener.received_s
                listener.add(np.zeros(int(config.lookahead_s * config.analysis_rate) + listener.hop, np.float32))
                arrivals.append((listener.received_s, time.monotonic()))
            if self._aborted:
                return
            controls = self._take_controls()
            if controls is not None:
                motion.set_controls(controls)
                if controls.head_distance != self._zoom:
                    self._reframe(controls.head_distance, config.quality_steps[level][1])
                    stamp = self._stamps()
                    # Frames missed while reframing are dropped, but say nothing about keeping up.
                    last_change = max(last_change, time.monotonic())

            # Frames whose look-ahead has arrived are due; one analysis for all of them.
            ready_until = listener.received_s - config.lookahead_s
            if ended:
                ready_until = min(ready_until, audio_end - 1e-6)
            if next_index * frame_s <= ready_until + 1e-9:
                listener.analyse()
            while next_index * frame_s <= ready_until + 1e-9:
                due.append((next_index, next_index * frame_s))
                next_index += config.quality_steps[level][0]
            if not due:
                continue

            now = time.monotonic()
            waited = now - self._arrival(arrivals, due[0][1] + config.lookahead_s)
            step = None
            if waited + draw_cost > config.max_delay_s and len(due) > 1:
                # Behind the voice: skip to the newest frame, and draw less.
                while len(due) > 1:
                    due.popleft()
                if level + 1 < len(config.quality_steps) and now - last_change > config.max_delay_s:
                    if now - last_change < recover_after:  # the last step up did not hold
                        recover_after = min(2 * recover_after, config.max_recover_after_s)
                    step, why = level + 1, "cannot keep up"
            elif level > 0 and now - last_change > recover_after:
                step, why = level - 1, "trying to draw more again"
            if step is not None:
                stride, share = config.quality_steps[step]
                if share != config.quality_steps[level][1]:
                    self._reframe(self._zoom, share)
                    stamp = self._stamps()
                    draw_cost = frame_s
                level, last_change = step, time.monotonic()
                next_index = due[-1][0] + stride
                self._output.put(StreamNotice(fps=config.fps / stride, size=self._rig.size,
                                              message=f"{why}: drawing {self._rig.size}² at "
                                                      f"{config.fps / stride:.1f} fps"))

            index, t = due.popleft()
            started = time.monotonic()
            weights, rotation = motion.frames(listener.track(t + config.lookahead_s), listener.origin_s,
                                              np.array([t]))
            image = stamp(self._renderer.render(weights[0], rotation[0]))
            done = time.monotonic()
            draw_cost += 0.3 * (done - started - draw_cost)
            self._output.put(StreamFrame(index=index, time_s=float(t), image=image,
                                         delay_s=done - self._arrival(arrivals, t + config.lookahead_s),
                                         fps=config.fps / config.quality_steps[level][0]))
            while len(arrivals) > 1 and arrivals[1][0] <= t + config.lookahead_s:
                arrivals.popleft()

    def _take_input(self, listener: Listener, arrivals: deque, *, wait: bool) -> bool:
        """Add the audio that has arrived (waiting for some if ``wait``); True at the end of input."""
        try:
            item = self._input.get() if wait else self._input.get_nowait()
        except queue.Empty:
            return False
        while True:
            if item is _ABORT:
                self._aborted = True
                return True
            if item is _FINISH:
                return True
            samples, arrived = item
            listener.add(samples)
            arrivals.append((listener.received_s, arrived))
            try:
                item = self._input.get_nowait()
            except queue.Empty:
                return False

    @staticmethod
    def _arrival(arrivals: deque, audio_s: float) -> float:
        """Wall time at which audio up to ``audio_s`` seconds had arrived."""
        for end, arrived in arrivals:
            if end >= audio_s - 1e-9:
                return arrived
        return time.monotonic()

    def _take_controls(self) -> Controls | None:
        with self._lock:
            controls, self._pending_controls = self._pending_controls, None
        return controls

    def _reframe(self, zoom: float, share: float) -> None:
        """Frame the photo at ``zoom`` (head distance), drawn at ``share`` of
        the full size, and rebuild the renderer for it."""
        if zoom != self._zoom:
            self._full_rig = analyse_photo(self._photo, size=self.size, face=self._face, zoom=zoom)
            self._zoom = zoom
        self._rig = self._full_rig if share == 1.0 else scaled_rig(self._full_rig, _even(self.size * share))
        self._renderer.close()
        self._renderer = FrameRenderer(self._rig)

    def _stamps(self):
        """The visible label and the invisible watermark every frame carries."""
        return frame_marks((self._rig.size, self._rig.size), video_id=LIVE_VIDEO_ID, label=self._label)


def _even(pixels: float) -> int:
    return max(64, int(round(pixels / 2)) * 2)
