"""The ``talkface`` command."""

import argparse
import signal
import sys
from pathlib import Path

from talkface import __version__

_DESCRIPTION = """\
Make a video of a face talking from one portrait photo and one voice recording.
Lips follow the speech, the eyes blink, the head moves with the voice.
Everything runs on this computer; nothing is uploaded or downloaded.

Start with `talkface demo`, then try `talkface animate PHOTO AUDIO -o out.mp4`.
Every video made is labelled as synthetic in its metadata."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from talkface.errors import InputError
    # A terminated run cleans up exactly like an interrupted one.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.run(args)
    except InputError as error:
        print(f"talkface: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ntalkface: interrupted; no output written", file=sys.stderr)
        return 130


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talkface", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"talkface {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    animate = commands.add_parser(
        "animate", help="make a talking video from a photo and an audio file",
        description="Make a video of the face in PHOTO speaking AUDIO.",
        epilog="example: talkface animate portrait.jpg speech.wav -o talking.mp4")
    animate.add_argument("photo", type=Path, help="portrait: JPEG, PNG, WebP, ... (the largest face is used)")
    animate.add_argument("audio", type=Path, help="speech: WAV, FLAC, MP3, M4A, OGG, or a video with sound")
    _add_render_options(animate, default_output=None)
    animate.set_defaults(run=_run_animate)

    demo = commands.add_parser(
        "demo", help="render the bundled sample (Grace Hopper speaking JFK's words)",
        description="Render the bundled sample portrait speaking the bundled speech clip.")
    demo.add_argument("-o", "--output", type=Path, default=Path("demo.mp4"),
                      help="where to write the video (default: demo.mp4)")
    demo.add_argument("--size", type=int, default=512, help="output side in pixels (default: 512)")
    demo.add_argument("--fps", type=float, default=25.0, help="frames per second (default: 25)")
    demo.add_argument("--seed", type=int, default=0, help="another number gives another take (default: 0)")
    _add_label_options(demo)
    demo.set_defaults(run=_run_demo)
    return parser


def _add_render_options(parser: argparse.ArgumentParser, default_output) -> None:
    parser.add_argument("-o", "--output", type=Path, required=default_output is None,
                        help="the MP4 file to write")
    parser.add_argument("--transcript", metavar="TEXT_OR_FILE",
                        help="what is said (text, or a .txt file): exact lip timing for English")
    parser.add_argument("--size", type=int, default=512, help="output side in pixels (default: 512)")
    parser.add_argument("--fps", type=float, default=25.0, help="frames per second (default: 25)")
    parser.add_argument("--seed", type=int, default=0,
                        help="another number gives another take of blinks and head motion (default: 0)")
    parser.add_argument("--face", type=int, metavar="N",
                        help="which face in a group photo, counted from the left starting at 1")
    parser.add_argument("--motion-intensity", type=float, default=1.0, metavar="X",
                        help="head motion: 0 still, 1 natural (default), 2 animated")
    parser.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    _add_label_options(parser)


def _add_label_options(parser: argparse.ArgumentParser) -> None:
    from talkface.media.visible_label import POSITIONS
    label = parser.add_argument_group("synthetic-media label")
    label.add_argument("--label-position", choices=POSITIONS, default="bottom-right",
                       help="corner of the visible 'AI-generated' mark (default: bottom-right)")
    label.add_argument("--label-opacity", type=float, default=0.75, metavar="X",
                       help="opacity of the mark, above 0 up to 1 (default: 0.75)")
    label.add_argument("--no-label", action="store_true",
                       help="leave the visible mark off (the file's metadata still says it is synthetic)")


def _label(args):
    from talkface.errors import InputError
    from talkface.media.visible_label import LabelStyle
    if args.no_label:
        return None
    try:
        return LabelStyle(position=args.label_position, opacity=args.label_opacity)
    except ValueError as error:
        raise InputError("--label-opacity", str(error)) from None


def _run_animate(args) -> int:
    return _animate(args.photo, args.audio, args.output, transcript=args.transcript, size=args.size,
                    fps=args.fps, seed=args.seed, face=args.face, label=_label(args),
                    motion_intensity=args.motion_intensity, overwrite=args.overwrite)


def _run_demo(args) -> int:
    from talkface.api import demo_inputs
    photo, audio, transcript = demo_inputs()
    return _animate(photo, audio, args.output, transcript=transcript, size=args.size,
                    fps=args.fps, seed=args.seed, label=_label(args), overwrite=True,
                    motion_intensity=1.0)


def _animate(photo, audio, output, **options) -> int:
    from tqdm import tqdm

    from talkface.api import animate
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="frame", desc="rendering", file=sys.stderr,
                       disable=None, leave=False)
        bar.update(done - bar.n)

    if not 0 <= options["motion_intensity"] <= 2:
        from talkface.errors import InputError
        raise InputError(f"--motion-intensity {options['motion_intensity']}", "must be between 0 and 2")
    print(f"talkface: analysing {photo} and {audio}", file=sys.stderr)
    try:
        result = animate(photo, audio, output, progress=progress, **options)
    finally:
        if bar is not None:
            bar.close()
    if result.face_count > 1:
        print(f"talkface: the photo has {result.face_count} faces; animated face {result.face_number} "
              f"(counted from the left); choose another with --face N", file=sys.stderr)
    print(f"talkface: wrote {result.output} ({result.duration:.1f} s, {result.frames} frames)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
