"""Tunables of the streaming session, each with why it has its value."""

from dataclasses import dataclass, field

from talkface.motion.config import ArticulationConfig, BlinkConfig, GazeConfig, HeadConfig


@dataclass(frozen=True)
class StreamConfig:
    # 25 fps: the offline default, and a frame every 40 ms keeps the lips
    # within one frame of the sound.
    fps: float = 25.0
    # Analysis rate of the incoming audio (what the offline stage analyses at).
    analysis_rate: int = 16000
    # Praat's pitch (40 ms at a 75 Hz floor) and formant windows reach this far
    # around an analysis frame: a frame this close to the newest audio is not
    # analysed yet.
    analysis_margin_s: float = 0.03
    # Audio analysed before the first new frame, so Praat's windows are full
    # (40 ms for pitch, 50 ms for formants, centred on the frame).
    analysis_context_s: float = 0.05
    # The bounded look-ahead: a video frame at time t is drawn once audio up
    # to t + lookahead_s has arrived. It covers the analysis margin (30 ms),
    # the mouth's lead over the sound (35 ms, ArticulationConfig.acoustic_lead_s)
    # and the 50 ms formant smoothing's reach forward (20 ms), with 35 ms to
    # see the sound come back after a stop closure. Latency is this plus the
    # processing time.
    lookahead_s: float = 0.12
    # Level statistics (voice activity thresholds, the loudness gain) are
    # taken over this much recent audio: long enough to span several
    # utterances, short enough to follow a speaker who moves off the mic.
    history_s: float = 6.0
    # A frame whose audio arrived longer ago than this is dropped rather than
    # drawn late: the session keeps pace with the voice instead of drifting.
    max_delay_s: float = 0.25
    # What the session gives up when it cannot keep up, one step at a time:
    # (draw every n-th frame, share of the full size). Size goes first
    # (half the side is a quarter of the pixels to draw): lips read at
    # 25 fps more than in sharp detail. Then 12.5 and 8.3 fps.
    quality_steps: tuple[tuple[int, float], ...] = ((1, 1.0), (1, 0.5), (2, 0.5), (3, 0.5))
    # After this long at a step without falling behind the session tries
    # the step above; each failed try doubles the wait, up to the maximum,
    # so a busy machine does not make it flicker between steps.
    recover_after_s: float = 3.0
    max_recover_after_s: float = 48.0
    # Controls move the face over this long instead of jumping (emotion
    # onsets in video run 0.3-0.5 s).
    control_ramp_s: float = 0.4
    # The head follows how much of the last half second was speech (the
    # offline head stage's 0.5 s window, looking back only).
    talking_window_s: float = 0.5
    # The head's drift is smoothed over ~200 ms offline (a centred mean);
    # live, an exponential filter with this time constant looks back only.
    drift_smoothing_s: float = 0.1
    articulation: ArticulationConfig = field(default_factory=ArticulationConfig)
    blinks: BlinkConfig = field(default_factory=BlinkConfig)
    gaze: GazeConfig = field(default_factory=GazeConfig)
    head: HeadConfig = field(default_factory=HeadConfig)

    def __post_init__(self):
        if self.lookahead_s < self.analysis_margin_s + self.articulation.acoustic_lead_s:
            raise ValueError("lookahead_s must cover the analysis margin and the mouth's lead")
