"""The Python API: what the ``talkface`` command calls."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from talkface import __version__
from talkface.audio.phones import PhoneTimeline
from talkface.audio.track import analyse_audio
from talkface.errors import InputError
from talkface.face.rig import FaceRig, analyse_photo
from talkface.media.frame_marks import frame_marks
from talkface.media.output_path import check_output_path
from talkface.media.provenance import Provenance, SigningCredential, signing_credential
from talkface.media.read_image import read_image
from talkface.media.verify import Verification
from talkface.media.verify import verify as verify_file
from talkface.media.visible_label import LabelStyle
from talkface.media.video_writer import BackgroundWriter, VideoWriter
from talkface.motion.from_video import motion_from_video, replace_mouth
from talkface.motion.generate import motion_from_audio
from talkface.motion.motion_file import load_motion, save_motion
from talkface.motion.track import Controls, MotionTrack, parse_gaze
from talkface.render.renderer import FrameRenderer

# Every video says what it is, in its container metadata.
SYNTHETIC_NOTICE = f"Synthetic video: AI-generated talking face made by talkface {__version__}"


@dataclass(frozen=True)
class Animation:
    """What ``animate`` made: the file, its frame count and duration (seconds),
    and which face of how many in the photo was animated (1 = leftmost)."""

    output: Path
    frames: int
    duration: float
    face_number: int
    face_count: int


def animate(photo: str | Path, audio: str | Path, output: str | Path, *,
            transcript: str | None = None, size: int = 512, fps: float = 25.0,
            seed: int = 0, face: int | None = None, motion_intensity: float = 1.0,
            gaze: tuple[float, float] | str = (0.0, 0.0), emotion: str = "neutral",
            emotion_intensity: float = 0.6, head_distance: float = 1.0, language: str = "auto",
            label: LabelStyle | None = LabelStyle(), overwrite: bool = False,
            progress: Callable[[int, int], None] | None = None, rig: FaceRig | None = None,
            sign_cert: str | Path | None = None, sign_key: str | Path | None = None) -> Animation:
    """Make a video of the face in ``photo`` speaking ``audio``.

    Args:
        photo: a portrait (any image Pillow reads).
        audio: speech (any audio PyAV reads, or a video's audio track).
        output: the MP4 to write; it appears only when complete.
        transcript: what is said, as text or the path of a text file; gives
            exact phone timing (English).
        size: side of the square output in pixels.
        fps: frames per second.
        seed: another seed gives another take of blinks and head motion.
        face: which face in a group photo, 1-based from the left; default the largest.
        motion_intensity: 0 still head, 1 natural, 2 animated.
        gaze: where the eyes rest: "camera", "left", "right", "up", "down",
            or (yaw, pitch) in degrees (yaw > 0 toward the image's right, pitch > 0 up).
        emotion: "neutral", "happy", "sad", "angry" or "surprised".
        emotion_intensity: 0 to 1.
        head_distance: 1.2 frames the face 20 % larger (closer), 0.8 smaller.
        language: "en" reads English phones; "auto" reads them as far as
            they agree with the sound and the acoustics for the rest; "any"
            reads the acoustics only (formants and voicing), for any
            language and singing.
        label: the visible "AI-generated" mark; None leaves it off (the
            metadata still says the video is synthetic).
        overwrite: replace ``output`` if it exists.
        progress: called with (frames done, frames in all) while rendering.
        rig: ``photo`` already analysed by ``analyse_portrait`` with the same
            size, face and head distance (many videos of one photo analyse it once).
        sign_cert, sign_key: PEM certificate chain and private key that sign
            the C2PA manifest; default TALKFACE_SIGN_CERT and TALKFACE_SIGN_KEY,
            else a test credential made for this video (it proves nothing
            about who made it).

    Raises:
        InputError: a problem with an input, named in one line.
    """
    _check_fps(fps)
    output = check_output_path(output, overwrite=overwrite)
    credential = signing_credential(certificate=sign_cert, private_key=sign_key)
    controls = make_controls(seed=seed, motion_intensity=motion_intensity, gaze=gaze, emotion=emotion,
                             emotion_intensity=emotion_intensity, head_distance=head_distance)
    if rig is None:
        rig = analyse_portrait(photo, size=size, face=face, head_distance=head_distance)
    audio_track = analyse_audio(audio, transcript=read_transcript(transcript), language=language)
    motion_track = motion_from_audio(audio_track, fps=fps, controls=controls)
    render_video(rig, motion_track, audio=audio, output=output, label=label, progress=progress,
                 credential=credential)
    return Animation(output=output, frames=motion_track.frame_count, duration=motion_track.frame_count / fps,
                     face_number=rig.face_number, face_count=rig.face_count)


def motion(audio: str | Path, output: str | Path | None = None, *, transcript: str | None = None,
           fps: float = 25.0, seed: int = 0, motion_intensity: float = 1.0,
           gaze: tuple[float, float] | str = (0.0, 0.0), emotion: str = "neutral",
           emotion_intensity: float = 0.6, language: str = "auto", overwrite: bool = False) -> MotionTrack:
    """The motion for ``audio`` without rendering; saved to ``output`` (.csv in
    the Live Link Face layout, or .json) when given. Options as in ``animate``."""
    _check_fps(fps)
    if output is not None:
        output = check_output_path(output, overwrite=overwrite)
    controls = make_controls(seed=seed, motion_intensity=motion_intensity, gaze=gaze, emotion=emotion,
                             emotion_intensity=emotion_intensity)
    track = motion_from_audio(analyse_audio(audio, transcript=read_transcript(transcript), language=language),
                              fps=fps, controls=controls)
    if output is not None:
        save_motion(track, output)
    return track


def render(photo: str | Path, motion_track: MotionTrack | str | Path, audio: str | Path,
           output: str | Path, *, size: int = 512, face: int | None = None, head_distance: float = 1.0,
           label: LabelStyle | None = LabelStyle(), overwrite: bool = False,
           progress: Callable[[int, int], None] | None = None, sign_cert: str | Path | None = None,
           sign_key: str | Path | None = None) -> Animation:
    """Render a given motion (a MotionTrack, or a .csv/.json motion file) on
    ``photo``, with ``audio`` as the sound track. Options as in ``animate``."""
    output = check_output_path(output, overwrite=overwrite)
    credential = signing_credential(certificate=sign_cert, private_key=sign_key)
    track = motion_track if isinstance(motion_track, MotionTrack) else load_motion(motion_track)
    rig = analyse_portrait(photo, size=size, face=face, head_distance=head_distance)
    render_video(rig, track, audio=audio, output=output, label=label, progress=progress, credential=credential)
    return Animation(output=output, frames=track.frame_count, duration=track.frame_count / track.fps,
                     face_number=rig.face_number, face_count=rig.face_count)


def reenact(photo: str | Path, driving_video: str | Path, output: str | Path, *,
            mouth_audio: str | Path | None = None, transcript: str | None = None, size: int = 512,
            face: int | None = None, head_distance: float = 1.0, label: LabelStyle | None = LabelStyle(),
            overwrite: bool = False, progress: Callable[[int, int], None] | None = None,
            sign_cert: str | Path | None = None, sign_key: str | Path | None = None) -> Animation:
    """Drive ``photo`` with the head pose and expressions of the face in
    ``driving_video``, keeping its sound. With ``mouth_audio``, the mouth
    follows that speech instead (and it becomes the sound). Options as in ``animate``."""
    output = check_output_path(output, overwrite=overwrite)
    credential = signing_credential(certificate=sign_cert, private_key=sign_key)
    rig = analyse_portrait(photo, size=size, face=face, head_distance=head_distance)
    track = motion_from_video(driving_video)
    sound = driving_video
    if mouth_audio is not None:
        speech = analyse_audio(mouth_audio, transcript=read_transcript(transcript))
        track = replace_mouth(track, motion_from_audio(speech, fps=track.fps))
        sound = mouth_audio
    render_video(rig, track, audio=sound if _has_audio(sound) else None, output=output,
                 label=label, progress=progress, credential=credential)
    return Animation(output=output, frames=track.frame_count, duration=track.frame_count / track.fps,
                     face_number=rig.face_number, face_count=rig.face_count)


def batch(jobs: str | Path, out_dir: str | Path, *, workers: int | None = None, ray_address: str | None = None,
          progress=None):
    """Make every video of the job file ``jobs`` (.jsonl or .csv) in ``out_dir``;
    see ``talkface.batch.run_batch`` for the options. Returns a ``BatchSummary``."""
    from talkface.batch import read_jobs, run_batch
    return run_batch(read_jobs(jobs), out_dir, workers=workers, ray_address=ray_address, progress=progress)


def analyse_portrait(photo: str | Path, *, size: int = 512, face: int | None = None,
                     head_distance: float = 1.0) -> FaceRig:
    """Read and analyse the portrait once for any number of videos of ``size``
    pixels framed at ``head_distance`` (options as in ``animate``)."""
    _check_size(size)
    controls = make_controls(head_distance=head_distance)
    return analyse_photo(read_image(photo), size=size, face=face, zoom=controls.head_distance, source=photo)


def _has_audio(path: str | Path) -> bool:
    import av
    with av.open(str(path)) as container:
        return bool(container.streams.audio)


def _check_size(size: int) -> None:
    if not 64 <= size <= 2048 or size % 2:
        raise InputError(f"size {size}", "must be an even number of pixels from 64 to 2048")


def _check_fps(fps: float) -> None:
    if not 1 <= fps <= 120:
        raise InputError(f"fps {fps}", "must be between 1 and 120")


def phone_timeline(audio: str | Path, *, transcript: str | None = None) -> PhoneTimeline:
    """The phones of ``audio`` with their times: aligned to ``transcript``
    (text or a file) when given, recognised otherwise."""
    return analyse_audio(audio, transcript=read_transcript(transcript)).phones


def verify(path: str | Path) -> Verification:
    """Whether the video or image at ``path`` carries talkface's watermark."""
    return verify_file(path)


def make_controls(*, gaze: tuple[float, float] | str = (0.0, 0.0), **values) -> Controls:
    """Controls from user values, with a bad value reported as an InputError."""
    try:
        return Controls(gaze=parse_gaze(gaze) if isinstance(gaze, str) else tuple(gaze), **values)
    except ValueError as error:
        raise InputError("controls", str(error)) from None


def render_video(rig: FaceRig, motion_track: MotionTrack, *, audio: str | Path | None, output: Path,
                 label: LabelStyle | None = LabelStyle(),
                 progress: Callable[[int, int], None] | None = None,
                 credential: SigningCredential | None = None) -> None:
    """Render ``motion_track`` on ``rig`` and write it with ``audio`` to ``output``.

    Every frame carries the invisible watermark with an id for this video
    (also in the metadata), drawn from its portrait, sound and length so the
    same inputs still give the same id; the visible label is added unless
    ``label`` is None. The file gets a signed C2PA manifest (see
    ``signing_credential`` for the key)."""
    size = (rig.size, rig.size)
    video_id = _video_id(rig, audio, motion_track)
    metadata = {"comment": SYNTHETIC_NOTICE, "synthetic": "true",
                "generator": f"talkface {__version__}", "talkface_video_id": f"{video_id:04x}"}
    provenance = Provenance(credential=credential or signing_credential(), version=__version__,
                            video_id=f"{video_id:04x}")
    # The second core labels, marks and encodes a frame while the first draws the next.
    with FrameRenderer(rig) as renderer, VideoWriter(output, fps=motion_track.fps, size=size, audio=audio,
                                                     metadata=metadata, provenance=provenance) as writer, \
            BackgroundWriter(writer, frame_marks(size, video_id=video_id, label=label)) as frames:
        for i in range(motion_track.frame_count):
            frames.write(renderer.render(motion_track.weights[i], motion_track.head_rotation[i]))
            if progress:
                progress(i + 1, motion_track.frame_count)


def _video_id(rig: FaceRig, audio: str | Path | None, motion_track: MotionTrack) -> int:
    """16 bits identifying a video by its portrait, sound and length."""
    fingerprint = hashlib.sha256(rig.texture.tobytes())
    fingerprint.update(f"{motion_track.frame_count}/{motion_track.fps}".encode())
    if audio is not None:
        with open(audio, "rb") as sound:
            fingerprint.update(sound.read(1 << 24))  # the first 16 MB say which recording it is
    return int.from_bytes(fingerprint.digest()[:2], "big")


def read_transcript(transcript: str | Path | None) -> str | None:
    """The transcript text: ``transcript`` itself, or the file it names."""
    if transcript is None:
        return None
    candidate = Path(transcript)
    if len(str(transcript)) < 1024 and candidate.suffix and candidate.is_file():
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(candidate, f"cannot read transcript ({error})") from None
    else:
        text = str(transcript)
    if not text.strip():
        raise InputError("transcript", "is empty")
    return text


def demo_inputs() -> tuple[Path, Path, str]:
    """The embedded default: a portrait, a speech clip and its transcript."""
    from matplotlib import cbook  # MediaPipe depends on matplotlib, whose sample data has the portrait
    photo = Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    data = resources.files("talkface") / "data"
    return photo, Path(str(data / "jfk.flac")), (data / "jfk.txt").read_text(encoding="utf-8")
