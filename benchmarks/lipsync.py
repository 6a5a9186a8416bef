"""Lip sync against real speakers: print the table of issue "lip sync that reads the speech".

For each real talking video in a folder: frame 0 becomes the portrait, the
clip's own sound the input; talkface renders it in each mode and dlib's
68-point mouth opening of the rendering is compared with the real speaker's.

Modes: ``auto`` (recognised English phones, the default), ``transcript``
(forced alignment; GRID clips, whose file names encode what is said) and
``any`` (acoustics only, for any language). Figures per clip:

- ``r real``: Pearson r at zero lag, our mouth against the real speaker's;
- ``lag``: our mouth-vs-loudness best lag minus the real speaker's own
  (ms, > 0: ours moves earlier), both searched within ±200 ms; ``lag vs
  real``: the best lag of our mouth against the real mouth (0 = in step);
- ``closures``: share of the real speaker's lip closures during speech that
  ours match within one frame;
- ``still``: in silences of 300 ms or more, the spread of our mouth opening
  over its spread during speech (0 = still);
- ``chatter``: there, its frame-to-frame change over that during speech
  (a slow breath hardly counts, twitching does);
- ``opening``: how far our lips travel (10th to 90th percentile of the
  opening) over how far the real speaker's do (1 = as much);
- ``loudness r``: the baseline, the loudness envelope itself as the mouth.

    python benchmarks/lipsync.py [--videos DIR] [--out DIR] [--modes auto,transcript,any]
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from talkface import api
from talkface.eval.lip_sync import lagged_correlation, pearson
from talkface.eval.report import evaluate_video
from talkface.media.read_video import read_frames, video_info

SHARED = Path(__file__).resolve().parents[2] / "shared" / "testdata"

# The GRID corpus grammar: each file name spells its sentence, one letter per
# word (command, colour, preposition, letter, digit, adverb).
_GRID_WORDS = (
    {"b": "bin", "l": "lay", "p": "place", "s": "set"},
    {"b": "blue", "g": "green", "r": "red", "w": "white"},
    {"a": "at", "b": "by", "i": "in", "w": "with"},
    None,  # the letter itself
    {"z": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
     "7": "seven", "8": "eight", "9": "nine"},
    {"a": "again", "n": "now", "p": "please", "s": "soon"},
)
# Language of each clip (the INVENTORY's descriptions); unlisted clips are English.
_LANGUAGE = {"mimictalk_German_20s": "German"}
# Lags are searched within this range: a real face's mouth and sound are
# never further apart; beyond it a correlation peak is a neighbouring syllable.
_MAX_LAG_S = 0.2
# Silences at least this long must leave the mouth still.
_LONG_SILENCE_S = 0.3
# Frames within this many dB of the clip's loud frames are speech.
_SPEECH_RANGE_DB = 25.0


def grid_transcript(stem: str) -> str | None:
    """'bbaf2n' -> 'bin blue at f two now'; None when the name is not a GRID sentence."""
    code = stem.rsplit("_", 1)[-1]
    if len(code) != 6:
        return None
    words = []
    for table, letter in zip(_GRID_WORDS, code):
        if table is None:
            words.append(letter)
        elif letter in table:
            words.append(table[letter])
        else:
            return None
    return " ".join(words)


def _silences(envelope: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """(F,) bool each: the inside of silences of 300 ms or more (their first
    and last 100 ms left out: the mouth is still closing or opening there),
    and speech."""
    loud = np.nanpercentile(envelope, 90)
    quiet = envelope < loud - _SPEECH_RANGE_DB
    run_min = int(round(_LONG_SILENCE_S * fps))
    edge = int(round(0.1 * fps))
    inside = np.zeros(len(quiet), dtype=bool)
    padded = np.r_[False, quiet, False].astype(np.int8)
    starts, ends = np.flatnonzero(np.diff(padded) == 1), np.flatnonzero(np.diff(padded) == -1)
    for start, end in zip(starts, ends):
        if end - start >= run_min:
            inside[start + edge:end - edge] = True
    return inside, ~quiet


def stillness(mouth: np.ndarray, envelope: np.ndarray, fps: float) -> float:
    """Spread of ``mouth`` inside long silences over its spread in speech
    (NaN when the clip has no long silence)."""
    inside, speech = _silences(envelope, fps)
    ok = np.isfinite(mouth)
    if (inside & ok).sum() < 3:
        return float("nan")
    return float(np.std(mouth[inside & ok]) / max(np.std(mouth[speech & ok]), 1e-9))


def chatter(mouth: np.ndarray, envelope: np.ndarray, fps: float) -> float:
    """Frame-to-frame motion of ``mouth`` inside long silences over that in
    speech (median absolute change; NaN without a long silence). Unlike
    ``stillness`` it leaves out a slow breath and catches twitching."""
    inside, speech = _silences(envelope, fps)
    step = np.abs(np.diff(mouth))
    quiet_steps = step[inside[1:] & inside[:-1] & np.isfinite(step)]
    speech_steps = step[speech[1:] & speech[:-1] & np.isfinite(step)]
    if len(quiet_steps) < 3 or len(speech_steps) < 3:
        return float("nan")
    return float(np.median(quiet_steps) / max(np.median(speech_steps), 1e-9))


def measure_clip(video: Path, mode: str, work: Path, *, size: int) -> dict | None:
    info = video_info(video)
    transcript = grid_transcript(video.stem) if mode == "transcript" else None
    if mode == "transcript" and transcript is None:
        return None
    photo = work / f"{video.stem}-frame0.png"
    if not photo.exists():
        Image.fromarray(next(iter(read_frames(video)))).save(photo)
    ours = work / f"{video.stem}-{mode}.mp4"
    started = time.perf_counter()
    api.animate(photo, video, ours, transcript=transcript, fps=info.fps, size=size,
                language="auto" if mode == "transcript" else mode, label=None, overwrite=True)
    report = evaluate_video(ours, reference_video=video)
    # The real video at our frames' times (one of the clips drops frames).
    real = report.reference.curves.at(report.curves.times)
    ours_mouth, real_mouth, envelope = report.curves.mouth, real.mouth, real.envelope
    reach = int(round(_MAX_LAG_S * report.fps))
    ours_lag = lagged_correlation(ours_mouth, envelope, fps=report.fps, max_lag=reach).lead_ms
    real_lag = lagged_correlation(real_mouth, envelope, fps=report.fps, max_lag=reach).lead_ms
    return {
        "clip": video.stem, "mode": mode, "language": _LANGUAGE.get(video.stem, "English"),
        "r_real": report.mouth_reference.r0,
        "lag_ms": ours_lag - real_lag,
        "lag_vs_real_ms": lagged_correlation(ours_mouth, real_mouth, fps=report.fps, max_lag=reach).lead_ms,
        "closures": report.closure_match,
        "still": stillness(ours_mouth, envelope, report.fps),
        "real_still": stillness(real_mouth, envelope, report.fps),
        "chatter": chatter(ours_mouth, envelope, report.fps),
        "real_chatter": chatter(real_mouth, envelope, report.fps),
        "loudness_r": pearson(envelope, real_mouth),
        "opening_ratio": _spread(ours_mouth) / _spread(real_mouth),
        "seconds": time.perf_counter() - started,
        "curves": (ours_mouth, real_mouth, envelope, report.fps),
    }


def _spread(mouth: np.ndarray) -> float:
    """How far the lips travel: 90th minus 10th percentile of the opening."""
    return float(np.nanpercentile(mouth, 90) - np.nanpercentile(mouth, 10))


def plot_clip(row: dict, out: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    ours, real, envelope, fps = row["curves"]
    seconds = np.arange(len(ours)) / fps
    figure, axis = plt.subplots(figsize=(11, 3.2))
    axis.plot(seconds, real, color="tab:gray", label="real speaker's mouth")
    axis.plot(seconds, ours, color="tab:red", label="talkface's mouth")
    axis.set_ylabel("inner-lip gap / interocular")
    axis.set_xlabel("seconds")
    loudness = axis.twinx()
    loudness.plot(seconds, envelope, color="tab:blue", alpha=0.3)
    loudness.set_ylabel("loudness (dB)")
    axis.set_title(f"{row['clip']} ({row['mode']}): r with the real mouth {row['r_real']:.2f}")
    axis.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    path = out / f"{row['clip']}-{row['mode']}-mouth.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def table(rows: list[dict]) -> str:
    lines = ["| clip | language | mode | r real | lag ms | lag vs real ms | closures | still (real) | "
             "chatter (real) | opening | loudness r | s |", "|" + "---|" * 12]
    for row in rows:
        lines.append(f"| {row['clip']} | {row['language']} | {row['mode']} | {row['r_real']:.2f} | "
                     f"{row['lag_ms']:+.0f} | {row['lag_vs_real_ms']:+.0f} | {_f(row['closures'])} | "
                     f"{_f(row['still'])} ({_f(row['real_still'])}) | "
                     f"{_f(row['chatter'])} ({_f(row['real_chatter'])}) | {row['opening_ratio']:.2f} | "
                     f"{row['loudness_r']:.2f} | "
                     f"{row['seconds']:.1f} |")
    lines.append("")
    lines.append("| mode | clips | median r real | median |lag| ms | median closures | median still | "
                 "median chatter | median opening | median loudness r |")
    lines.append("|" + "---|" * 9)
    groups = {}
    for row in rows:
        groups.setdefault(row["mode"], []).append(row)
        groups.setdefault(f"{row['mode']} ({row['language']})", []).append(row)
    for name, group in groups.items():
        lines.append(f"| {name} | {len(group)} | {_median(r['r_real'] for r in group):.2f} | "
                     f"{_median(abs(r['lag_ms']) for r in group):.0f} | "
                     f"{_f(_median(r['closures'] for r in group))} | {_f(_median(r['still'] for r in group))} | "
                     f"{_f(_median(r['chatter'] for r in group))} | "
                     f"{_median(r['opening_ratio'] for r in group):.2f} | "
                     f"{_median(r['loudness_r'] for r in group):.2f} |")
    return "\n".join(lines)


def _median(values) -> float:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.median(values)) if values else float("nan")


def _f(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.2f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=Path, default=SHARED / "video", help="folder of real talking videos")
    parser.add_argument("--out", type=Path, default=Path("out/lipsync"), help="renders, plots and JSON go here")
    parser.add_argument("--modes", default="auto,transcript,any", help="comma-separated: auto, transcript, any")
    parser.add_argument("--size", type=int, default=256, help="side of the rendered video in pixels")
    parser.add_argument("--plot", default="lipnet_grid_pwij3p,deepavsr_lrs2_00001",
                        help="clips whose curves are plotted")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    videos = sorted(p for p in args.videos.iterdir() if p.suffix.lower() in (".mp4", ".mpg"))
    rows = []
    for mode in args.modes.split(","):
        for video in videos:
            row = measure_clip(video, mode, args.out, size=args.size)
            if row is None:
                continue
            rows.append(row)
            print(f"{video.stem:32s} {mode:10s} r real {row['r_real']:.2f}", file=sys.stderr)
            if video.stem in args.plot.split(","):
                plot_clip(row, args.out)
    text = table(rows)
    print(text)
    (args.out / "lipsync.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "lipsync.json").write_text(json.dumps(
        [{k: v for k, v in row.items() if k != "curves"} for row in rows], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
