"""The ``talkface`` command."""

import argparse
import contextlib
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
    if hasattr(signal, "SIGPIPE"):  # `talkface phones x.wav | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
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
    _add_render_options(animate)
    animate.set_defaults(run=_run_animate)

    motion = commands.add_parser(
        "motion", help="make the motion for an audio file without rendering (CSV or JSON)",
        description="Generate the face's motion for AUDIO and save it: a .csv in the Live Link Face "
                    "layout (ARKit 52 weights and head rotation per frame, for Blender, Unreal, Unity) "
                    "or a .json.",
        epilog="example: talkface motion speech.wav -o track.csv")
    motion.add_argument("audio", type=Path, help="speech: WAV, FLAC, MP3, M4A, OGG, or a video with sound")
    motion.add_argument("-o", "--output", type=Path, required=True, help="the .csv or .json to write")
    motion.add_argument("--transcript", metavar="TEXT_OR_FILE", help="what is said (text, or a .txt file)")
    motion.add_argument("--fps", type=float, default=25.0, help="frames per second (default: 25)")
    _add_language_option(motion)
    motion.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    _add_motion_options(motion)
    motion.set_defaults(run=_run_motion)

    render = commands.add_parser(
        "render", help="render a saved or edited motion file on a photo",
        description="Render the motion in a .csv (Live Link Face layout) or .json file on the face in "
                    "PHOTO, with AUDIO as the sound.",
        epilog="example: talkface render portrait.jpg --motion track.csv --audio speech.wav -o out.mp4")
    render.add_argument("photo", type=Path, help="portrait (the largest face is used)")
    render.add_argument("--motion", type=Path, required=True, help="the motion file (.csv or .json)")
    render.add_argument("--audio", type=Path, required=True, help="the sound track")
    _add_output_options(render)
    render.set_defaults(run=_run_render)

    reenact = commands.add_parser(
        "reenact", help="drive a photo with the head and face motion of a real video",
        description="Measure the head pose and expressions of the face in DRIVING_VIDEO frame by frame "
                    "and drive the face in PHOTO with them, keeping the video's sound. With "
                    "--mouth-audio, the mouth speaks that audio instead (head and eyes stay the video's).",
        epilog="example: talkface reenact portrait.jpg driver.mp4 -o out.mp4")
    reenact.add_argument("photo", type=Path, help="portrait (the largest face is used)")
    reenact.add_argument("driving_video", type=Path, help="a video of a face")
    reenact.add_argument("--mouth-audio", type=Path, metavar="AUDIO",
                         help="take the mouth (and the sound) from this speech")
    reenact.add_argument("--transcript", metavar="TEXT_OR_FILE", help="what --mouth-audio says")
    _add_output_options(reenact)
    reenact.set_defaults(run=_run_reenact)

    phones = commands.add_parser(
        "phones", help="print or save the phone timeline the lips follow",
        description="Recognise the phones in AUDIO (or align them to --transcript) and print them with "
                    "their times, so you can check and correct them. Save with -o as .tsv "
                    "(start, end, phone per line).",
        epilog="example: talkface phones speech.wav --transcript 'ask not what your country' -o phones.tsv")
    phones.add_argument("audio", type=Path, help="speech: WAV, FLAC, MP3, M4A, OGG, or a video with sound")
    phones.add_argument("--transcript", metavar="TEXT_OR_FILE", help="what is said (text, or a .txt file)")
    phones.add_argument("-o", "--output", type=Path, help="write a .tsv instead of printing")
    phones.set_defaults(run=_run_phones)

    evaluate = commands.add_parser(
        "eval", help="measure a talking-head video (any system's) the way the field does",
        description="Measure lip sync, identity, head motion, blinks, jitter and sharpness of a "
                    "talking-head video with detectors independent of talkface's (dlib; install "
                    "talkface[eval]). With --suite, run the reproduction protocol over a folder of real "
                    "talking videos: frame 0 becomes the portrait, the sound the input, and talkface's "
                    "rendering is measured against the real video.",
        epilog="examples: talkface eval out.mp4 --source portrait.jpg --plots plots/\n"
               "          talkface eval --suite real_videos/ --report suite_report/",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    evaluate.add_argument("video", type=Path, nargs="?", help="the video to measure")
    evaluate.add_argument("--source", type=Path, metavar="PHOTO", help="the portrait it was made from")
    evaluate.add_argument("--reference", type=Path, metavar="REAL_VIDEO",
                          help="a real recording of the same speech to compare the mouth with")
    evaluate.add_argument("--json", type=Path, metavar="OUT", help="write the figures as JSON")
    evaluate.add_argument("--plots", type=Path, metavar="DIR", help="write mouth and pose plots and a contact sheet")
    evaluate.add_argument("--suite", type=Path, metavar="DIR", help="run the protocol over a folder of videos")
    evaluate.add_argument("--report", type=Path, metavar="OUT_DIR", default=Path("eval-report"),
                          help="where --suite writes its tables, renders and plots (default: eval-report)")
    evaluate.set_defaults(run=_run_eval)

    verify = commands.add_parser(
        "verify", help="check whether a video or image was made by talkface",
        description="Look for talkface's invisible watermark in a video or image (it survives "
                    "re-encoding, scaling, cropping and brightness changes) and show the file's "
                    "provenance metadata. Exit status: 0 watermark found, 3 not found, 1 unreadable file.",
        epilog="example: talkface verify suspicious.mp4")
    verify.add_argument("file", type=Path, help="a video or an image")
    verify.set_defaults(run=_run_verify)

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

    serve = commands.add_parser(
        "serve", help="run the web page and HTTP API: file jobs, live microphone sessions, verify",
        description="Serve the talkface web page and its API: upload a photo and audio and download "
                    "the video, or talk into the microphone and watch the face talk live. Binds to "
                    "this computer only unless --host says otherwise. Needs talkface[server].",
        epilog="example: talkface serve --port 8000   (then open http://127.0.0.1:8000/)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1; 0.0.0.0 opens it to the network)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.set_defaults(run=_run_serve)

    batch = commands.add_parser(
        "batch", help="make many videos from a job file, on this computer's cores or a Ray cluster",
        description="Make one video per line of JOBS, a .jsonl file (one JSON object a line) or a\n"
                    ".csv with a header row. Fields: photo, audio (required), output (a file name;\n"
                    "default PHOTO-AUDIO.mp4), transcript, label (true/false), and any animate option:\n"
                    "size, fps, seed, face, motion_intensity, gaze, emotion, emotion_intensity,\n"
                    "head_distance, language. Relative paths start from the job file's folder.\n\n"
                    "Videos already finished in OUT_DIR are skipped, so a stopped batch resumes; a\n"
                    "failing job does not stop the others, and the failures are listed at the end\n"
                    "(exit status 1 if any). Each photo is analysed once for all its jobs.",
        epilog='example line: {"photo": "anna.jpg", "audio": "lesson1.wav", "emotion": "happy"}\n'
               "example: talkface batch jobs.jsonl -o videos/ --workers 2",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    batch.add_argument("jobs", type=Path, help="the job file (.jsonl or .csv)")
    batch.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR",
                       help="folder for the videos (created if missing)")
    batch.add_argument("--workers", type=int, default=None,
                       help="videos made at once on this computer (default: one per core)")
    batch.add_argument("--ray", metavar="ADDRESS",
                       help="run the jobs on a running Ray cluster instead: its address (host:port) or "
                            "'auto'; inputs and videos travel through Ray. Needs talkface[ray].")
    batch.set_defaults(run=_run_batch)
    return parser


def _add_render_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--transcript", metavar="TEXT_OR_FILE",
                        help="what is said (text, or a .txt file): exact lip timing for English")
    parser.add_argument("--fps", type=float, default=25.0, help="frames per second (default: 25)")
    _add_language_option(parser)
    _add_motion_options(parser)
    _add_output_options(parser)


def _add_language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--language", choices=("auto", "en", "any"), default="auto",
                        help="lip sync from recognised English phones as far as they agree with "
                             "the sound (auto), from the phones (en), or from the sound alone "
                             "(any: every language, singing)")


def _add_motion_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0,
                        help="another number gives another take of blinks, gaze and head motion (default: 0)")
    parser.add_argument("--motion-intensity", type=float, default=1.0, metavar="X",
                        help="head motion: 0 still, 1 natural (default), 2 animated")
    parser.add_argument("--gaze", default="camera", metavar="DIR",
                        help="where the eyes rest: camera (default), left, right, up, down, "
                             "or YAW,PITCH in degrees")
    parser.add_argument("--emotion", default="neutral",
                        choices=("neutral", "happy", "sad", "angry", "surprised"),
                        help="expression and style of motion (default: neutral)")
    parser.add_argument("--emotion-intensity", type=float, default=0.6, metavar="X",
                        help="how strong the emotion is, 0 to 1 (default: 0.6)")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    """Where the video goes and how the photo is framed, for commands that render."""
    parser.add_argument("-o", "--output", type=Path, required=True, help="the MP4 file to write")
    parser.add_argument("--size", type=int, default=512, help="output side in pixels (default: 512)")
    parser.add_argument("--face", type=int, metavar="N",
                        help="which face in a group photo, counted from the left starting at 1")
    parser.add_argument("--head-distance", type=float, default=1.0, metavar="X",
                        help="framing: 1.2 shows the face 20%% larger (closer), 0.8 smaller (default: 1)")
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
    label.add_argument("--sign-cert", type=Path, metavar="PEM",
                       help="certificate chain that signs the C2PA manifest (default: TALKFACE_SIGN_CERT, "
                            "else a test credential made for this video)")
    label.add_argument("--sign-key", type=Path, metavar="PEM",
                       help="private key of --sign-cert (default: TALKFACE_SIGN_KEY)")


def _marks(args) -> dict:
    """The visible label and the manifest's signing credential, as API options."""
    from talkface.errors import InputError
    from talkface.media.visible_label import LabelStyle
    signing = dict(sign_cert=args.sign_cert, sign_key=args.sign_key)
    if args.no_label:
        return dict(label=None, **signing)
    try:
        return dict(label=LabelStyle(position=args.label_position, opacity=args.label_opacity), **signing)
    except ValueError as error:
        raise InputError("--label-opacity", str(error)) from None


def _run_animate(args) -> int:
    return _animate(args.photo, args.audio, args.output, transcript=args.transcript, size=args.size,
                    fps=args.fps, face=args.face, **_marks(args), head_distance=args.head_distance,
                    language=args.language, overwrite=args.overwrite, **_motion_options(args))


def _motion_options(args) -> dict:
    return dict(seed=args.seed, motion_intensity=args.motion_intensity, gaze=args.gaze,
                emotion=args.emotion, emotion_intensity=args.emotion_intensity)


def _run_motion(args) -> int:
    from talkface.api import motion
    track = motion(args.audio, args.output, transcript=args.transcript, fps=args.fps,
                   language=args.language, overwrite=args.overwrite, **_motion_options(args))
    print(f"talkface: wrote {args.output} ({track.frame_count} frames at {track.fps:g} fps)")
    return 0


def _run_render(args) -> int:
    from talkface.api import render
    with _progress_bar() as progress:
        result = render(args.photo, args.motion, args.audio, args.output, size=args.size, face=args.face,
                        head_distance=args.head_distance, **_marks(args),
                        overwrite=args.overwrite, progress=progress)
    _report(result)
    return 0


def _run_reenact(args) -> int:
    from talkface.api import reenact
    print(f"talkface: measuring the face in {args.driving_video}", file=sys.stderr)
    with _progress_bar() as progress:
        result = reenact(args.photo, args.driving_video, args.output, mouth_audio=args.mouth_audio,
                         transcript=args.transcript, size=args.size, face=args.face,
                         head_distance=args.head_distance, **_marks(args),
                         overwrite=args.overwrite, progress=progress)
    _report(result)
    return 0


# `talkface verify` exit status when no watermark is found (0 = found, 1 = bad input).
NOT_FOUND = 3


def _run_verify(args) -> int:
    from talkface.api import verify
    result = verify(args.file)
    print(result.summary())
    return 0 if result.detection.found else NOT_FOUND


def _run_batch(args) -> int:
    from tqdm import tqdm

    from talkface.api import batch
    if args.workers is not None and args.workers < 1:
        from talkface.errors import InputError
        raise InputError("--workers", "must be at least 1")
    with tqdm(unit="video", desc="batch", file=sys.stderr, disable=None) as bar:
        def progress(outcome, done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
        summary = batch(args.jobs, args.output, workers=args.workers, ray_address=args.ray, progress=progress)
    print(f"talkface: {summary.count('made')} made, {summary.count('skipped')} already finished, "
          f"{summary.count('failed')} failed; videos in {summary.out_dir}")
    for failure in summary.failures:
        print(f"  line {failure.job.line} ({failure.job.output}): {failure.reason}", file=sys.stderr)
    return 1 if summary.failures else 0


def _run_serve(args) -> int:
    from talkface.errors import InputError
    if not 0 < args.port < 65536:
        raise InputError(f"port {args.port}", "must be from 1 to 65535")
    try:
        from talkface.server.app import serve
    except ImportError as error:
        raise InputError("serve", f"needs the server extra: pip install 'talkface[server]' ({error})") from None
    try:
        serve(host=args.host, port=args.port)
    except OSError as error:
        raise InputError(f"{args.host}:{args.port}", f"cannot listen ({error.strerror or error})") from None
    return 0


def _run_phones(args) -> int:
    from talkface.api import phone_timeline
    timeline = phone_timeline(args.audio, transcript=args.transcript)
    lines = ["start\tend\tphone"] + [f"{start:.3f}\t{end:.3f}\t{label}" for label, start, end
                                       in zip(timeline.labels, timeline.starts, timeline.ends)]
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"talkface: wrote {args.output} ({len(timeline.labels)} phones, "
              f"{'aligned to the transcript' if timeline.confidence >= 0.9 else 'recognised'})")
    else:
        print("\n".join(lines))
    return 0


def _run_eval(args) -> int:
    import json

    from talkface.errors import InputError
    if args.suite is not None:
        return _run_suite(args)
    if args.video is None:
        raise InputError("eval", "give a VIDEO to measure, or --suite DIR")
    from talkface.eval.report import evaluate_video
    report = evaluate_video(args.video, source_photo=args.source, reference_video=args.reference)
    figures = report.to_dict()
    print(_describe(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
        print(f"talkface: wrote {args.json}")
    if args.plots:
        from talkface.eval.plots import write_plots
        for path in write_plots(report, args.plots, name=args.video.stem):
            print(f"talkface: wrote {path}")
    return 0


def _describe(figures: dict) -> str:
    def number(value, digits=2):
        return "n/a" if value is None else f"{value:.{digits}f}"
    lines = [f"{figures['video']}: {figures['frames']} frames at {figures['fps']:g} fps",
             f"  face found in {number(figures['face_found'] * 100, 0)} % of frames"]
    sync = figures["mouth_audio"]
    if sync:
        lines.append(f"  mouth vs loudness: r {number(sync['r0'])} at zero lag, best {number(sync['best'])} "
                     f"with the mouth {sync['lead_ms']:+.0f} ms ahead of the sound")
    if figures["mouth_reference"]:
        ref = figures["mouth_reference"]
        lines.append(f"  mouth vs the reference's: r {number(ref['r0'])}, best {number(ref['best'])} "
                     f"at {ref['lead_ms']:+.0f} ms; closures matched {number(figures['closure_match'])}")
    if figures["identity_mean"] is not None:
        lines.append(f"  identity distance to the source: mean {number(figures['identity_mean'])}, "
                     f"max {number(figures['identity_max'])} (same person below 0.6); "
                     f"sharpness {number(figures['sharpness_ratio'])} x the source's")
    lines.append(f"  head: dP {number(figures['delta_p_deg'])} deg/frame, std yaw/pitch/roll "
                 + "/".join(number(v, 1) for v in figures["pose_std_deg"]) + " deg")
    lines.append(f"  blinks: {number(figures['blinks_per_minute'], 1)} a minute, "
                 f"{number(figures['blink_duration_s'])} s each; jitter {number(figures['jitter'], 3)}")
    return "\n".join(lines)


def _run_suite(args) -> int:
    from talkface.api import animate
    from talkface.eval.suite import run_suite

    def render(photo, audio, output, fps):
        animate(photo, audio, output, fps=fps, overwrite=True, label=None)

    result = run_suite(args.suite, args.report, render=render,
                       progress=lambda name: print(f"talkface: rendering and measuring {name}", file=sys.stderr))
    print(result.markdown.read_text(encoding="utf-8"))
    print(f"talkface: wrote {result.markdown}, {result.json} and plots in {args.report / 'plots'}")
    return 0


def _run_demo(args) -> int:
    from talkface.api import demo_inputs
    photo, audio, transcript = demo_inputs()
    return _animate(photo, audio, args.output, transcript=transcript, size=args.size,
                    fps=args.fps, seed=args.seed, **_marks(args), overwrite=True)


def _animate(photo, audio, output, **options) -> int:
    from talkface.api import animate
    print(f"talkface: analysing {photo} and {audio}", file=sys.stderr)
    with _progress_bar() as progress:
        result = animate(photo, audio, output, progress=progress, **options)
    _report(result)
    return 0


@contextlib.contextmanager
def _progress_bar():
    """A progress callback drawing a bar on stderr (when it is a terminal)."""
    from tqdm import tqdm
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="frame", desc="rendering", file=sys.stderr,
                       disable=None, leave=False)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


def _report(result) -> None:
    if result.face_count > 1:
        print(f"talkface: the photo has {result.face_count} faces; animated face {result.face_number} "
              f"(counted from the left); choose another with --face N", file=sys.stderr)
    print(f"talkface: wrote {result.output} ({result.duration:.1f} s, {result.frames} frames)")


if __name__ == "__main__":
    sys.exit(main())
