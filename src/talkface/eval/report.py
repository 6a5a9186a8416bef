"""Measure a talking-head video: lip sync, identity, head motion, blinks,
jitter, sharpness, face presence."""

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy.ndimage import median_filter

from talkface.audio.decode import ANALYSIS_RATE, decode_audio
from talkface.eval import dlib_models
from talkface.eval.blinks import detect_blinks
from talkface.eval.face_track import EvalConfig, FaceTrack, face_sharpness, track_face
from talkface.eval.lip_sync import Correlation, closure_match, lagged_correlation
from talkface.eval.signals import (eye_aspect_ratio, head_pose, loudness_envelope, mouth_opening,
                                   rigid_jitter)
from talkface.media.read_image import read_image
from talkface.media.read_video import read_timed_frames, video_info

# Speech frames for closure matching: within this many dB of the clip's loud frames.
_SPEECH_RANGE_DB = 25.0


@dataclass(frozen=True)
class Curves:
    """Per frame: times (F,) seconds, each frame's presentation time;
    mouth (F,) opening; envelope (F,) loudness dB; pose (F, 3) yaw, pitch,
    roll degrees; ear (F,) eye aspect ratio."""

    times: np.ndarray
    mouth: np.ndarray
    envelope: np.ndarray
    pose: np.ndarray
    ear: np.ndarray

    def at(self, times: np.ndarray) -> "Curves":
        """These curves read at ``times`` ((T,) seconds, another video's
        frames), linearly between this video's frames (NaN next to a frame
        without a face; NaN outside this video). Recordings that drop
        frames compare with a rendering frame by frame only this way."""
        def read(values: np.ndarray) -> np.ndarray:
            if len(self.times) == 0:
                return np.full(len(times), np.nan)
            return np.interp(times, self.times, values, left=np.nan, right=np.nan)
        return Curves(times=np.asarray(times, dtype=np.float64), mouth=read(self.mouth),
                      envelope=read(self.envelope), pose=np.stack([read(axis) for axis in self.pose.T], axis=1),
                      ear=read(self.ear))


@dataclass(frozen=True)
class VideoReport:
    """What was measured. Correlations follow ``lip_sync.Correlation``;
    ``mouth_audio.lead_ms`` > 0 means the mouth moves before the sound."""

    video: str
    fps: float
    frames: int
    face_found: float
    mouth_audio: Correlation | None
    delta_p_deg: float
    pose_std_deg: tuple[float, float, float]
    blinks_per_minute: float
    blink_duration_s: float
    jitter: float
    identity_mean: float | None = None
    identity_max: float | None = None
    sharpness_ratio: float | None = None
    mouth_reference: Correlation | None = None
    closure_match: float | None = None
    reference: "VideoReport | None" = None
    curves: Curves | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The figures as plain JSON values (NaN as None, no curves)."""
        out = asdict(self)
        out.pop("curves")
        if self.reference is not None:
            out["reference"] = self.reference.to_dict()
        return _clean(out)


def evaluate_video(video: str | Path, *, source_photo: str | Path | None = None,
                   reference_video: str | Path | None = None,
                   config: EvalConfig = EvalConfig()) -> VideoReport:
    """Measure ``video``; with ``source_photo``, identity and sharpness against
    it; with ``reference_video`` (a real recording of the same speech), mouth
    correlation, closures and the reference's own figures."""
    track, curves, size = _measure(video, config)
    report = _summarise(str(video), track, curves)
    extras = {}
    if source_photo is not None:
        extras.update(against_photo(track, read_image(source_photo)))
    if reference_video is not None:
        reference_track, reference_curves, _ = _measure(reference_video, config)
        reference = _summarise(str(reference_video), reference_track, reference_curves)
        # The reference at this video's frame times: frame i of each is the same moment.
        theirs = reference_curves.at(curves.times)
        loud = np.nanpercentile(theirs.envelope, 90)
        speaking = theirs.envelope > loud - _SPEECH_RANGE_DB
        share, _ = closure_match(curves.mouth, theirs.mouth, speaking)
        extras.update(mouth_reference=lagged_correlation(curves.mouth, theirs.mouth, fps=track.fps),
                      closure_match=share, reference=reference)
    return VideoReport(**{**asdict_shallow(report), **extras})


def asdict_shallow(report: VideoReport) -> dict:
    return {name: getattr(report, name) for name in report.__dataclass_fields__}


def _measure(video, config: EvalConfig) -> tuple[FaceTrack, Curves, tuple[int, int]]:
    info = video_info(video)
    times = []
    track = track_face(_frames_noting_times(video, times), fps=info.fps, config=config)
    times = np.array(times, dtype=np.float64)
    envelope = np.full(len(times), np.nan)
    if info.has_audio:
        samples = decode_audio(video)
        envelope = loudness_envelope(samples, sample_rate=ANALYSIS_RATE, times=times, window_s=1.0 / info.fps)
    # A 3-frame median takes out single-frame landmark noise (a still video
    # re-encoded measures ~0.2 degrees of frame-to-frame "motion" without
    # it); head motion lasts far longer than 3 frames.
    pose = median_filter(head_pose(track.landmarks, frame_size=info.size), size=(3, 1), mode="nearest")
    curves = Curves(times=times, mouth=mouth_opening(track.landmarks), envelope=envelope, pose=pose,
                    ear=eye_aspect_ratio(track.landmarks))
    return track, curves, info.size


def _frames_noting_times(video, times: list):
    """The frames of ``video``, appending each one's time (seconds) to ``times``."""
    for seconds, frame in read_timed_frames(video):
        times.append(seconds)
        yield frame


def _summarise(name: str, track: FaceTrack, curves: Curves) -> VideoReport:
    pose = curves.pose
    steps = np.abs(np.diff(pose, axis=0))
    blinks = detect_blinks(curves.ear, fps=track.fps)
    audible = np.isfinite(curves.envelope).any()
    return VideoReport(
        video=name, fps=track.fps, frames=len(track.landmarks),
        face_found=float(track.found.mean()) if len(track.found) else 0.0,
        mouth_audio=lagged_correlation(curves.mouth, curves.envelope, fps=track.fps) if audible else None,
        delta_p_deg=float(np.nanmean(steps)) if np.isfinite(steps).any() else float("nan"),
        pose_std_deg=tuple(float(v) for v in np.nanstd(pose, axis=0)),
        blinks_per_minute=blinks.per_minute,
        blink_duration_s=float(blinks.durations_s.mean()) if blinks.durations_s.size else float("nan"),
        jitter=rigid_jitter(track.landmarks),
        curves=curves)


def against_photo(track: FaceTrack, photo: np.ndarray) -> dict:
    """Identity distances (mean, max) and sharpness ratio of the tracked face
    against the largest face dlib finds in ``photo`` (empty when it finds none)."""
    box = dlib_models.detect_face(photo) or dlib_models.detect_face(photo, upsample=1)
    if box is None or not len(track.descriptors):
        return {}
    source = dlib_models.face_descriptor(photo, box)
    distances = np.linalg.norm(track.descriptors - source, axis=1)
    source_sharpness = face_sharpness(photo, dlib_models.landmarks68(photo, box))
    return dict(identity_mean=float(distances.mean()), identity_max=float(distances.max()),
                sharpness_ratio=float(np.nanmedian(track.sharpness) / source_sharpness))


def _clean(value):
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else round(float(value), 4)
    if isinstance(value, np.integer):
        return int(value)
    return value
