"""MotionTrack files: JSON, and the Live Link Face CSV layout.

Live Link Face CSV (Epic's iPhone capture app, read by Unreal, Blender and
Unity add-ons): ``Timecode,BlendShapeCount``, the 52 ARKit names capitalised,
then ``HeadYaw,HeadPitch,HeadRoll`` and eye rotations, one row per frame.
Head and eye angles are in radians there; talkface stores degrees and
converts. Timecode is ``HH:MM:SS:FF.mmm``.
"""

import csv
import json
import math
from pathlib import Path

import numpy as np

from talkface.errors import InputError
from talkface.media.output_path import write_atomically
from talkface.motion.arkit import ARKIT_NAMES
from talkface.motion.track import MotionTrack

_HEAD = ("HeadYaw", "HeadPitch", "HeadRoll")
_EYES = ("LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll", "RightEyeYaw", "RightEyePitch", "RightEyeRoll")
_CSV_NAMES = tuple(name[0].upper() + name[1:] for name in ARKIT_NAMES)
# Files larger than this are not motion tracks (an hour at 60 fps is ~100 MB of CSV).
_MAX_BYTES = 512 * 1024 * 1024


def save_motion(track: MotionTrack, path: str | Path) -> Path:
    """Write ``track`` as .json or .csv (Live Link Face), by the file's suffix.

    The file appears complete or not at all (written beside, then renamed).
    """
    path = Path(path)
    if path.suffix.lower() not in (".json", ".csv"):
        raise InputError(path, "motion files are .json or .csv")
    return write_atomically(path, lambda partial: _write(track, partial, path.suffix.lower()))


def _write(track: MotionTrack, path: Path, kind: str) -> None:
    if kind == ".json":
        document = {"format": "talkface-motion", "version": 1, "fps": track.fps,
                    "names": list(ARKIT_NAMES),
                    "weights": np.round(track.weights, 5).tolist(),
                    "head_rotation_deg": np.round(track.head_rotation, 4).tolist()}
        path.write_text(json.dumps(document), encoding="utf-8")
    else:
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["Timecode", "BlendShapeCount", *_CSV_NAMES, *_HEAD, *_EYES])
            radians = np.radians(track.head_rotation.astype(np.float64))
            for i in range(track.frame_count):
                writer.writerow([_timecode(i, track.fps), len(_CSV_NAMES) + len(_HEAD) + len(_EYES),
                                 *(f"{v:.5f}" for v in track.weights[i]),
                                 *(f"{v:.6f}" for v in radians[i]), *(["0.0"] * len(_EYES))])


def load_motion(path: str | Path, *, fps: float | None = None) -> MotionTrack:
    """Read a .json or Live Link Face .csv track.

    Args:
        fps: frame rate of a CSV whose timecodes do not say it (default 60,
            Live Link Face's capture rate).

    Raises:
        InputError: missing file, unknown layout, bad numbers.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.stat().st_size > _MAX_BYTES:
        raise InputError(path, "too large to be a motion file")
    try:
        if path.suffix.lower() == ".json":
            return _load_json(path)
        if path.suffix.lower() == ".csv":
            return _load_csv(path, fps)
    except UnicodeDecodeError:
        raise InputError(path, "not a text file") from None
    raise InputError(path, "motion files are .json or .csv")


def _load_json(path: Path) -> MotionTrack:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("format") != "talkface-motion":
            raise ValueError("not a talkface motion file")
        names = document["names"]
        weights = np.asarray(document["weights"], dtype=np.float64)
        rotation = np.asarray(document["head_rotation_deg"], dtype=np.float64)
        fps = float(document["fps"])
        if weights.ndim != 2 or weights.shape[1] != len(names) or rotation.shape != (len(weights), 3):
            raise ValueError("weights and head rotation do not match")
        columns = {name: i for i, name in enumerate(names)}
        ordered = np.zeros((len(weights), len(ARKIT_NAMES)))
        for j, name in enumerate(ARKIT_NAMES):
            if name in columns:
                ordered[:, j] = weights[:, columns[name]]
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        # OverflowError: integers beyond the range of a float.
        raise InputError(path, f"not a valid motion file ({error})") from None
    except RecursionError:
        raise InputError(path, "not a valid motion file (nested too deeply)") from None
    return _track(path, fps, ordered, rotation)


def _load_csv(path: Path, fps: float | None) -> MotionTrack:
    try:
        return _read_csv(path, fps)
    except csv.Error as error:  # e.g. a field longer than the csv module allows
        raise InputError(path, f"not a readable CSV ({error})") from None


def _read_csv(path: Path, fps: float | None) -> MotionTrack:
    with open(path, newline="", encoding="utf-8") as lines:
        reader = csv.reader(lines)
        header = next(reader, None)
        if not header or "Timecode" not in header:
            raise InputError(path, "not a Live Link Face CSV (no Timecode column)")
        index = {name.strip(): i for i, name in enumerate(header)}
        missing = [name for name in (*_CSV_NAMES[:1], "JawOpen") if name not in index]
        if missing:
            raise InputError(path, f"not a Live Link Face CSV (no {', '.join(missing)} column)")
        weights, rotation, timecodes = [], [], []
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                weights.append([float(row[index[name]]) if name in index else 0.0 for name in _CSV_NAMES])
                rotation.append([math.degrees(float(row[index[name]])) if name in index else 0.0
                                 for name in _HEAD])
                timecodes.append(row[index["Timecode"]])
            except (ValueError, IndexError):
                raise InputError(path, f"line {number}: not a row of numbers") from None
    if not weights:
        raise InputError(path, "has no frames")
    return _track(path, fps or _frame_rate(timecodes), np.array(weights), np.array(rotation))


def _track(path: Path, fps: float, weights: np.ndarray, rotation: np.ndarray) -> MotionTrack:
    if not (np.isfinite(weights).all() and np.isfinite(rotation).all()):
        raise InputError(path, "has values that are not numbers")
    if not 1 <= fps <= 240:
        raise InputError(path, f"frame rate {fps} is not between 1 and 240")
    if len(weights) == 0:
        raise InputError(path, "has no frames")
    return MotionTrack(fps=fps, weights=np.clip(weights, 0, 1).astype(np.float32),
                       head_rotation=np.clip(rotation, -90, 90).astype(np.float32))


def _timecode(frame: int, fps: float) -> str:
    seconds = frame / fps
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    whole = int(rest)
    return f"{int(hours):02d}:{int(minutes):02d}:{whole:02d}:{int(frame % max(round(fps), 1)):02d}.000"


def _frame_rate(timecodes: list[str]) -> float:
    """Frames per second from HH:MM:SS:FF timecodes: the largest frame number + 1, else 60."""
    frames = []
    for code in timecodes:
        parts = code.split(":")
        if len(parts) == 4:
            try:
                frames.append(int(float(parts[3])))
            except (ValueError, OverflowError):  # not a number, or infinite
                pass
    top = max(frames, default=0)
    return float(top + 1) if top >= 23 else 60.0
