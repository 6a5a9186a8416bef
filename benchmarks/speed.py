"""Frames per second end to end at several sizes, time per stage, and peak
memory against the length of the audio.

    python benchmarks/speed.py                      # sizes on the sample and a 60 s clip
    python benchmarks/speed.py --memory 10 60 600   # peak RSS for audio of these many seconds

Long audio is made by concatenating the speech clips of the shared test data.
Each memory figure comes from a fresh process, so they do not mix.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from talkface.api import demo_inputs, render_video
from talkface.audio.decode import decode_audio
from talkface.audio.track import analyse_audio
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image
from talkface.motion.generate import motion_from_audio

SHARED_AUDIO = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "audio"


def stages(photo: Path, audio: Path, size: int) -> dict:
    """Seconds per stage and frames per second end to end for one run."""
    times = {}
    started = time.perf_counter()
    rig = analyse_photo(read_image(photo), size=size)
    times["photo"] = time.perf_counter() - started
    started = time.perf_counter()
    track = analyse_audio(audio)
    times["audio"] = time.perf_counter() - started
    started = time.perf_counter()
    motion = motion_from_audio(track, fps=25.0)
    times["motion"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        render_video(rig, motion, audio=audio, output=Path(folder) / "out.mp4")
        times["render+encode"] = time.perf_counter() - started
    total = sum(times.values())
    return {"size": size, "seconds_of_audio": track.duration, "frames": motion.frame_count,
            "stages_s": {k: round(v, 3) for k, v in times.items()},
            "audio_rtf": round(times["audio"] / track.duration, 4),
            "fps_end_to_end": round(motion.frame_count / total, 1),
            "fps_render_encode": round(motion.frame_count / times["render+encode"], 1)}


def long_audio(seconds: float, out: Path) -> Path:
    """A 16 kHz mono WAV of ``seconds`` made of the shared speech clips, repeated."""
    clips = [decode_audio(p) for p in sorted(SHARED_AUDIO.iterdir())
             if p.suffix in (".wav", ".flac", ".mp3", ".m4a") and "Noise" not in p.name]
    needed = int(seconds * 16000)
    with av.open(str(out), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=16000)
        stream.layout = "mono"
        written, k = 0, 0
        while written < needed:
            piece = clips[k % len(clips)][:needed - written]
            frame = av.AudioFrame.from_ndarray((piece * 32767).astype(np.int16).reshape(1, -1),
                                               format="s16", layout="mono")
            frame.rate, frame.pts = 16000, written
            for packet in stream.encode(frame):
                container.mux(packet)
            written += len(piece)
            k += 1
        for packet in stream.encode(None):
            container.mux(packet)
    return out


def peak_memory_mb(seconds: float, size: int) -> dict:
    """Render ``seconds`` of audio in a fresh process; its peak RSS and wall time."""
    with tempfile.TemporaryDirectory() as folder:
        audio = long_audio(seconds, Path(folder) / "long.wav")
        code = ("import json, resource, sys, time; from talkface.api import animate, demo_inputs; "
                "photo, _, _ = demo_inputs(); t = time.perf_counter(); "
                f"animate(photo, {str(audio)!r}, {str(Path(folder) / 'out.mp4')!r}, size={size}); "
                "print(json.dumps({'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
                "'wall_s': time.perf_counter() - t}))")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {"seconds_of_audio": seconds, "peak_rss_mb": round(figures["peak_mb"]),
            "wall_s": round(figures["wall_s"], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[256, 512, 1024])
    parser.add_argument("--memory", type=float, nargs="*", metavar="SECONDS",
                        help="measure peak memory for audio of these lengths instead")
    args = parser.parse_args()
    if args.memory:
        for seconds in args.memory:
            print(json.dumps(peak_memory_mb(seconds, 512)), flush=True)
        return
    photo, sample, _ = demo_inputs()
    with tempfile.TemporaryDirectory() as folder:
        minute = long_audio(60, Path(folder) / "minute.wav")
        for audio, name in ((sample, "sample (11 s)"), (minute, "60 s clip")):
            for size in args.sizes:
                figures = stages(photo, audio, size)
                print(f"{name:>14} {size:>5}px: {figures['fps_end_to_end']:6.1f} fps end to end, "
                      f"{figures['fps_render_encode']:6.1f} fps render+encode, audio RTF "
                      f"{figures['audio_rtf']:.3f}, stages {figures['stages_s']}", flush=True)
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
