"""Contact sheets of poses and expressions for every test portrait, and with
--clips, figures of a 10 s talking clip per portrait.

For each portrait with a usable face the renderer is driven directly with
one motion frame per tile (neutral, head turns to the limits, open jaw,
blink, gaze, smile, pucker, jaw forward, surprise) and the tiles are saved
as one labelled PNG, full frames in ``<name>.png`` and the face enlarged in
``<name>_face.png``.
Portraits without a usable face are skipped with the reason.

--clips also renders each portrait with the motion of the first 10 s of a
speech recording (encoded as the animate command does) and measures the
video with the evaluation tools (dlib): mean identity distance to the photo
(target < 0.3), share of frames with a face (target 1.0) and face sharpness
against the photo's (target >= 0.9), also before encoding ("raw").

    python benchmarks/render_sheets.py [OUT_DIR] [--size 512] [--clips] [--clip-size 256]
"""

import argparse
import tempfile
from pathlib import Path

import cv2
import numpy as np

from talkface import api
from talkface.errors import InputError
from talkface.face import landmark_indices as idx
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image
from talkface.motion.arkit import ARKIT_INDEX
from talkface.motion.config import EMOTION_STYLES
from talkface.motion.gaze import gaze_weights
from talkface.motion.track import GAZE_DIRECTIONS, MotionTrack
from talkface.render.renderer import FrameRenderer

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
CLIP_SECONDS = 10.0
TILE = 320          # pixels per full-frame tile in the sheet
COLUMNS = 5


def _weights(**named: float) -> np.ndarray:
    weights = np.zeros(len(ARKIT_INDEX))
    for name, value in named.items():
        weights[ARKIT_INDEX[name]] = value
    return weights


def _gaze(direction: str) -> np.ndarray:
    return _weights(**{name: float(value[0]) for name, value in
                       gaze_weights(np.array([GAZE_DIRECTIONS[direction]])).items()})


def _emotion(name: str) -> np.ndarray:
    return _weights(**dict(EMOTION_STYLES[name].expression))


# (label, ARKit weights, head rotation yaw/pitch/roll in degrees; pitch > 0 is chin down)
POSES = [
    ("neutral", _weights(), (0, 0, 0)),
    ("yaw -20", _weights(), (-20, 0, 0)),
    ("yaw +20", _weights(), (20, 0, 0)),
    ("pitch -15 (up)", _weights(), (0, -15, 0)),
    ("pitch +15 (down)", _weights(), (0, 15, 0)),
    ("roll -10", _weights(), (0, 0, -10)),
    ("roll +10", _weights(), (0, 0, 10)),
    ("jawOpen 1", _weights(jawOpen=1.0), (0, 0, 0)),
    ("blink", _weights(eyeBlinkLeft=1.0, eyeBlinkRight=1.0), (0, 0, 0)),
    ("gaze left", _gaze("left"), (0, 0, 0)),
    ("gaze right", _gaze("right"), (0, 0, 0)),
    ("gaze up", _gaze("up"), (0, 0, 0)),
    ("smile", _emotion("happy"), (0, 0, 0)),
    ("pucker", _weights(mouthPucker=1.0), (0, 0, 0)),
    ("jaw forward, open .3", _weights(jawForward=1.0, jawOpen=0.3), (0, 0, 0)),
    ("surprise", _emotion("surprised"), (0, 0, 0)),
    ("talk, yaw +12", _weights(jawOpen=0.6, mouthFunnel=0.3), (12, 6, -4)),
]


def render_tiles(rig) -> list[np.ndarray]:
    with FrameRenderer(rig) as renderer:
        return [renderer.render(weights, np.array(rotation, dtype=float)) for _, weights, rotation in POSES]


def _face_box(rig) -> tuple[int, int, int]:
    """(x0, y0, side) of a square around the face with room for turns."""
    points = rig.landmarks[idx.FACE_OVAL, :2]
    centre = points.mean(axis=0)
    side = min(int(1.5 * np.ptp(points, axis=0).max()), rig.size)
    x0, y0 = (np.clip(centre - side / 2, 0, rig.size - side)).astype(int)
    return int(x0), int(y0), side


def contact_sheet(tiles: list[np.ndarray], labels: list[str]) -> np.ndarray:
    rows = -(-len(tiles) // COLUMNS)
    sheet = np.full((rows * TILE, COLUMNS * TILE, 3), 255, np.uint8)
    for i, (tile, label) in enumerate(zip(tiles, labels)):
        small = cv2.resize(tile, (TILE, TILE), interpolation=cv2.INTER_AREA if tile.shape[0] > TILE
                           else cv2.INTER_CUBIC)
        # A dark outline from copies of the same stroke: a thicker stroke
        # also sets wider letters in this OpenCV and the two would not line up.
        for dx, dy in ((-1, -1), (1, -1), (-1, 1), (1, 1), (0, 2)):
            cv2.putText(small, label, (6 + dx, 22 + dy), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.putText(small, label, (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 0), 1, cv2.LINE_AA)
        row, column = divmod(i, COLUMNS)
        sheet[row * TILE:(row + 1) * TILE, column * TILE:(column + 1) * TILE] = small
    return sheet


def clip_figures(photo: Path, motion_track: MotionTrack, *, size: int, work: Path) -> dict:
    """Identity, face presence and sharpness of a clip of ``motion_track``,
    against the photo as framed at the video's size (what the renderer
    starts from: a 256 px video cannot hold a 1000 px photo's detail) and
    against the whole photo (in a group photo its largest face, which may
    not be the one animated). Sharpness is measured on the encoded video and
    on the rendered frames before encoding (every 5th)."""
    from talkface.eval import dlib_models
    from talkface.eval.face_track import face_sharpness, track_face
    from talkface.eval.report import against_photo
    from talkface.media.read_video import read_frames

    rig = analyse_photo(read_image(photo), size=size)
    video = work / f"{photo.stem}.mp4"
    api.render_video(rig, motion_track, audio=None, output=video, label=None)
    frames = list(read_frames(video))
    cv2.imwrite(str(work / f"{photo.stem}_frames.png"),
                cv2.cvtColor(np.hstack(frames[::len(frames) // 5][:5]), cv2.COLOR_RGB2BGR))
    track = track_face(iter(frames), fps=motion_track.fps)
    against_framed = against_photo(track, rig.texture)
    against_photo = against_photo(track, read_image(photo))

    box = dlib_models.detect_face(rig.texture) or dlib_models.detect_face(rig.texture, upsample=1)
    source = face_sharpness(rig.texture, dlib_models.landmarks68(rig.texture, box)) if box else np.nan
    with FrameRenderer(rig) as renderer:
        raw = [face_sharpness(renderer.render(motion_track.weights[i], motion_track.head_rotation[i]),
                              track.landmarks[i])
               for i in range(0, motion_track.frame_count, 5) if track.found[i]]
    return dict(identity=against_framed.get("identity_mean"), identity_max=against_framed.get("identity_max"),
                face_found=float(track.found.mean()), sharpness=against_framed.get("sharpness_ratio"),
                sharpness_raw=float(np.nanmedian(raw) / source) if raw else None,
                identity_photo=against_photo.get("identity_mean"),
                sharpness_photo=against_photo.get("sharpness_ratio"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="out/render_sheets", type=Path)
    parser.add_argument("--images", type=Path, default=TESTDATA / "images")
    parser.add_argument("--only", nargs="*", help="portrait file names to use (default: all)")
    parser.add_argument("--size", type=int, default=512, help="render size of the sheets")
    parser.add_argument("--clips", action="store_true", help="also render and measure a 10 s clip each")
    parser.add_argument("--clip-size", type=int, default=256)
    parser.add_argument("--audio", type=Path, default=TESTDATA / "audio" / "whisper_jfk.flac")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)

    photos = sorted(p for p in args.images.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if args.only:
        photos = [p for p in photos if p.name in args.only]
    usable = []
    for photo in photos:
        try:
            rig = analyse_photo(read_image(photo), size=args.size, source=photo.name)
        except InputError as error:
            print(f"skip {photo.name}: {error}")
            continue
        if rig.face_count > 1:
            note = f" ({rig.face_count} faces; face {rig.face_number} used)"
        else:
            note = ""
        tiles = render_tiles(rig)
        labels = [label for label, _, _ in POSES]
        cv2.imwrite(str(args.out_dir / f"{photo.stem}.png"),
                    cv2.cvtColor(contact_sheet(tiles, labels), cv2.COLOR_RGB2BGR))
        x0, y0, side = _face_box(rig)
        faces = [tile[y0:y0 + side, x0:x0 + side] for tile in tiles]
        cv2.imwrite(str(args.out_dir / f"{photo.stem}_face.png"),
                    cv2.cvtColor(contact_sheet(faces, labels), cv2.COLOR_RGB2BGR))
        print(f"sheet {photo.name}: yaw {rig.head_pose[0]:+.0f} pitch {rig.head_pose[1]:+.0f}, "
              f"{rig.interocular:.0f} px between the eyes{note}")
        usable.append(photo)

    if not args.clips:
        return
    from talkface.audio.track import analyse_audio
    from talkface.motion.generate import motion_from_audio

    full_track = motion_from_audio(analyse_audio(args.audio), fps=25.0)
    frames = int(CLIP_SECONDS * full_track.fps)
    motion_track = MotionTrack(fps=full_track.fps, weights=full_track.weights[:frames],
                               head_rotation=full_track.head_rotation[:frames])
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for photo in usable:
            figures = clip_figures(photo, motion_track, size=args.clip_size, work=Path(scratch))
            (Path(scratch) / f"{photo.stem}_frames.png").replace(args.out_dir / f"{photo.stem}_frames.png")
            rows.append((photo.name, figures))
            print(f"clip {photo.name}: {figures}", flush=True)
    print(f"\n{CLIP_SECONDS:.0f} s clips at {args.clip_size} px, motion from {args.audio.name}; "
          f"against the photo framed at the video's size (and the whole photo)")
    print(f"{'portrait':40s} {'identity':>8s} {'max':>6s} {'found':>6s} {'sharp':>6s} {'raw':>6s}  pass "
          f"{'id(photo)':>9s} {'sharp(photo)':>12s}")
    for name, f in rows:
        ok = (f["identity"] is not None and f["identity"] < 0.3 and f["face_found"] == 1.0
              and f["sharpness"] is not None and f["sharpness"] >= 0.9)
        print(f"{name:40s} {_fmt(f['identity']):>8s} {_fmt(f['identity_max']):>6s} "
              f"{f['face_found']:6.3f} {_fmt(f['sharpness']):>6s} {_fmt(f['sharpness_raw']):>6s}  "
              f"{'yes' if ok else 'NO ':4s} {_fmt(f['identity_photo']):>9s} {_fmt(f['sharpness_photo']):>12s}",
              flush=True)


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
