"""Causal motion: the face's weights and head rotation frame by frame from
audio heard so far.

The mouth comes from the offline acoustic articulation (``articulate``)
read on the rolling AudioTrack. Blinks, gaze and head motion come from
seeded random processes with the offline stage's parameters, stepped
forward in time instead of drawn for a whole file: events the offline
stage places by looking at the whole recording (pauses, utterance starts,
pitch accents) are taken when they are heard.
"""

import numpy as np

from talkface.audio.track import AudioTrack
from talkface.motion.arkit import ARKIT_INDEX, ARKIT_NAMES
from talkface.motion.articulation import articulate
from talkface.motion.blink_schedule import blink_curve
from talkface.motion.gaze import gaze_weights, saccade
from talkface.motion.generate import (emotion_expression, emotion_head_style, lay_brow_raise, lay_mouth,
                                      overlay_expression)
from talkface.motion.head_motion import pulses
from talkface.motion.track import Controls
from talkface.stream.config import StreamConfig


class LiveMotion:
    """Steps the motion forward; call ``frames`` with increasing times."""

    def __init__(self, controls: Controls, config: StreamConfig):
        self.config = config
        self.controls = controls
        blink_rng, head_rng, gaze_rng = (np.random.default_rng(s)
                                         for s in np.random.SeedSequence(controls.seed).spawn(3))
        self._blink_rng, self._head_rng, self._gaze_rng = blink_rng, head_rng, gaze_rng
        self._blinks: list[float] = []
        self._next_blink = blink_rng.uniform(0.3, 1.5)
        self._gaze_from = self._gaze_to = np.asarray(controls.gaze, dtype=np.float64)
        self._gaze_shift_at = 0.0
        self._next_fixation = 0.0
        self._look_away_until = -1.0
        self._drift = head_rng.standard_normal(3) * np.asarray(config.head.drift_std_deg)
        self._smoothed_drift = self._drift.copy()
        self._breath_phase = head_rng.uniform(0, 2 * np.pi)
        self._nods: list[tuple[float, float, float]] = []   # (centre s, width s, degrees)
        self._accents: list[float] = []
        self._last_accent = -np.inf
        self._above_accent = False
        self._pause_blink_done = self._pause_nod_done = True
        self._silent_since: float | None = 0.0
        self._last_time: float | None = None
        self._expression = np.zeros(len(ARKIT_NAMES))
        self._amplitude = controls.motion_intensity
        self._pitch_offset = 0.0

    def set_controls(self, controls: Controls) -> None:
        """New controls; gaze, emotion and intensity move there over ``control_ramp_s``."""
        if controls.gaze != self.controls.gaze:
            self._next_fixation = 0.0  # the next frame starts a saccade to the new rest
        self.controls = controls

    def frames(self, audio: AudioTrack, origin_s: float, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(F, 52) weights and (F, 3) head rotation at stream ``times`` (seconds,
        increasing); ``audio`` starts at stream time ``origin_s``."""
        weights = np.zeros((len(times), len(ARKIT_NAMES)))
        lay_mouth(weights, articulate(audio, times - origin_s, config=self.config.articulation))
        rotation = np.zeros((len(times), 3))
        for i, t in enumerate(times):
            dt = 1.0 / self.config.fps if self._last_time is None else max(t - self._last_time, 1e-3)
            self._listen(audio, origin_s, t)
            self._step_gaze(weights[i], t)
            self._step_blinks(weights[i], t)
            rotation[i] = self._step_head(weights[i], audio, origin_s, t, dt)
            self._apply_emotion(weights[i], dt)
            self._last_time = t
        return np.clip(weights, 0.0, 1.0).astype(np.float32), rotation.astype(np.float32)

    def _listen(self, audio: AudioTrack, origin_s: float, t: float) -> None:
        """Pauses, utterance starts and pitch accents heard up to time ``t``."""
        index = int((t - origin_s) * audio.frame_rate)
        speaking = bool(audio.speech[min(max(index, 0), len(audio.speech) - 1)]) if len(audio.speech) else False
        if speaking:
            silence = t - self._silent_since if self._silent_since is not None else 0.0
            if self._silent_since is not None and silence >= self.config.gaze.pause_s:
                self._utterance_start(t)
            self._silent_since = None
            self._pause_blink_done = self._pause_nod_done = False
            return self._listen_for_accent(audio, index, t)
        if self._silent_since is None:
            self._silent_since = t
        paused = t - self._silent_since
        if not self._pause_blink_done and paused >= self.config.blinks.pause_s:
            self._pause_blink_done = True
            if self._blink_rng.random() < self.config.blinks.pause_probability:
                self._add_blink(t + self._blink_rng.uniform(0.0, 0.15))
        if not self._pause_nod_done and paused >= self.config.head.phrase_end_pause_s:
            self._pause_nod_done = True
            width = self.config.head.nod_duration_s * 1.4
            self._nods.append((t + width / 2, width, self.config.head.phrase_end_nod_deg))
        self._above_accent = False

    def _listen_for_accent(self, audio: AudioTrack, index: int, t: float) -> None:
        """A pitch accent: the voice rises ``accent_z`` standard deviations
        above the speaker's recent mean (the offline test, looking back only)."""
        voiced = audio.pitch_hz[audio.pitch_hz > 0]
        if voiced.size < 10 or not 0 <= index < len(audio.pitch_hz) or audio.pitch_hz[index] <= 0:
            self._above_accent = False
            return
        semitones = 12 * np.log2(voiced / 100)
        z = (12 * np.log2(audio.pitch_hz[index] / 100) - semitones.mean()) / max(semitones.std(), 0.5)
        above = z > self.config.head.accent_z
        if above and not self._above_accent and t - self._last_accent >= 0.35:
            self._last_accent = t
            width = self.config.head.nod_duration_s
            self._nods.append((t + width / 2, width, self.config.head.accent_nod_deg))
            self._accents.append(t + width / 2)
        self._above_accent = above

    def _utterance_start(self, t: float) -> None:
        """Speakers glance away as they start talking after a pause."""
        config = self.config.gaze
        if self._gaze_rng.random() < config.look_away_probability:
            rest = np.asarray(self.controls.gaze, dtype=np.float64)
            side = self._gaze_rng.choice([-1.0, 1.0])
            away = rest + (side * self._gaze_rng.uniform(*config.look_away_yaw_deg),
                           self._gaze_rng.uniform(*config.look_away_pitch_deg))
            self._saccade(away, t)
            self._look_away_until = t + self._gaze_rng.uniform(*config.look_away_duration_s)
            self._next_fixation = self._look_away_until

    def _saccade(self, goal: np.ndarray, t: float) -> None:
        start = self._gaze_angles(t)
        size = float(np.linalg.norm(goal - start))
        self._gaze_from, self._gaze_to, self._gaze_shift_at = start, goal, t
        if size >= self.config.gaze.blink_shift_deg and self._blink_rng.random() < self.config.gaze.blink_shift_probability:
            self._add_blink(t)

    def _gaze_angles(self, t: float) -> np.ndarray:
        return saccade(self._gaze_from, self._gaze_to, t - self._gaze_shift_at, config=self.config.gaze)

    def _step_gaze(self, weights: np.ndarray, t: float) -> None:
        config = self.config.gaze
        if t >= self._next_fixation:
            rest = np.asarray(self.controls.gaze, dtype=np.float64)
            self._saccade(rest + self._gaze_rng.normal(0, config.fixation_spread_deg, 2), t)
            self._next_fixation = t + self._gaze_rng.lognormal(np.log(config.median_fixation_s), 0.5)
        for name, value in gaze_weights(self._gaze_angles(t)[None, :], config=config).items():
            weights[ARKIT_INDEX[name]] = value[0]

    def _add_blink(self, start: float) -> None:
        if not self._blinks or start - self._blinks[-1] >= self.config.blinks.min_interval_s:
            self._blinks.append(start)

    def _step_blinks(self, weights: np.ndarray, t: float) -> None:
        config = self.config.blinks
        if t >= self._next_blink:
            self._add_blink(t)
            self._next_blink = t + max(config.min_interval_s,
                                       self._blink_rng.lognormal(np.log(config.median_interval_s),
                                                                 config.interval_sigma))
        span = config.closing_s + config.closed_s + config.opening_s
        self._blinks = [start for start in self._blinks if start + span >= t - 1.0]
        closure = blink_curve(np.array(self._blinks), np.array([t]), config=config)[0]
        weights[ARKIT_INDEX["eyeBlinkLeft"]] = weights[ARKIT_INDEX["eyeBlinkRight"]] = closure

    def _step_head(self, weights: np.ndarray, audio: AudioTrack, origin_s: float, t: float,
                   dt: float) -> np.ndarray:
        config = self.config.head
        decay = np.exp(-dt / config.drift_time_constant_s)
        std = np.asarray(config.drift_std_deg)
        self._drift = self._drift * decay + self._head_rng.standard_normal(3) * std * np.sqrt(1 - decay ** 2)
        follow = 1.0 - np.exp(-dt / self.config.drift_smoothing_s)
        self._smoothed_drift += follow * (self._drift - self._smoothed_drift)

        recent = int(self.config.talking_window_s * audio.frame_rate)
        end = int((t - origin_s) * audio.frame_rate) + 1
        talking = float(audio.speech[max(end - recent, 0):max(end, 0)].mean()) if end > 0 and len(audio.speech) else 0.0
        self._nods = [nod for nod in self._nods if nod[0] + nod[1] >= t]
        nods = sum(pulses(np.array([centre]), np.array([t]), width)[0] * degrees
                   for centre, width, degrees in self._nods)
        breathing = config.breathing_deg * np.sin(2 * np.pi * config.breathing_hz * t + self._breath_phase)
        rotation = self._smoothed_drift * (0.5 + 0.5 * talking)
        rotation[1] += nods + breathing * (1.0 - talking)

        amplitude, pitch_offset = emotion_head_style(self.controls)
        ramp = 1.0 - np.exp(-dt / self.config.control_ramp_s)
        self._amplitude += ramp * (amplitude - self._amplitude)
        self._pitch_offset += ramp * (pitch_offset - self._pitch_offset)

        self._accents = [accent for accent in self._accents if accent + config.nod_duration_s >= t]
        brow = float(np.clip(pulses(np.array(self._accents), np.array([t]), config.nod_duration_s)[0], 0, 1))
        lay_brow_raise(weights, brow * config.accent_brow_raise * min(self._amplitude, 1.0))
        rotation = rotation * self._amplitude
        rotation[1] += self._pitch_offset
        return rotation

    def _apply_emotion(self, weights: np.ndarray, dt: float) -> None:
        """The emotion's expression (as the offline stage lays it over the
        motion), eased toward when the control changes."""
        target = emotion_expression(self.controls)
        self._expression += (1.0 - np.exp(-dt / self.config.control_ramp_s)) * (target - self._expression)
        weights[:] = overlay_expression(weights, self._expression)
