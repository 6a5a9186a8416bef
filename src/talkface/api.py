"""The Python API: what the ``talkface`` command calls."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from talkface import __version__
from talkface.audio.track import analyse_audio
from talkface.errors import InputError
from talkface.face.rig import FaceRig, analyse_photo
from talkface.media.output_path import check_output_path
from talkface.media.read_image import read_image
from talkface.media.visible_label import LabelStyle, VisibleLabel
from talkface.media.video_writer import VideoWriter
from talkface.motion.generate import motion_from_audio
from talkface.motion.track import Controls
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
            label: LabelStyle | None = LabelStyle(), overwrite: bool = False,
            progress: Callable[[int, int], None] | None = None) -> Animation:
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
        label: the visible "AI-generated" mark; None leaves it off (the
            metadata still says the video is synthetic).
        overwrite: replace ``output`` if it exists.
        progress: called with (frames done, frames in all) while rendering.

    Raises:
        InputError: a problem with an input, named in one line.
    """
    if not 64 <= size <= 2048 or size % 2:
        raise InputError(f"size {size}", "must be an even number of pixels from 64 to 2048")
    if not 1 <= fps <= 120:
        raise InputError(f"fps {fps}", "must be between 1 and 120")
    output = check_output_path(output, overwrite=overwrite)
    controls = Controls(seed=seed, motion_intensity=motion_intensity)
    rig = analyse_photo(read_image(photo), size=size, face=face, source=photo)
    track = analyse_audio(audio, transcript=read_transcript(transcript))
    motion = motion_from_audio(track, fps=fps, controls=controls)
    render_video(rig, motion, audio=audio, output=output, label=label, progress=progress)
    return Animation(output=output, frames=motion.frame_count, duration=motion.frame_count / fps,
                     face_number=rig.face_number, face_count=rig.face_count)


def render_video(rig: FaceRig, motion, *, audio: str | Path, output: Path,
                 label: LabelStyle | None = LabelStyle(),
                 progress: Callable[[int, int], None] | None = None) -> None:
    """Render ``motion`` on ``rig`` and write it with ``audio`` to ``output``."""
    stamp = VisibleLabel((rig.size, rig.size), label).apply if label else (lambda frame: frame)
    with FrameRenderer(rig) as renderer, VideoWriter(
            output, fps=motion.fps, size=(rig.size, rig.size), audio=audio,
            metadata={"comment": SYNTHETIC_NOTICE, "encoder": f"talkface {__version__}"}) as writer:
        for i in range(motion.frame_count):
            writer.write(stamp(renderer.render(motion.weights[i], motion.head_rotation[i])))
            if progress:
                progress(i + 1, motion.frame_count)


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
