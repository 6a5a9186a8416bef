"""Frames per second end to end at several sizes, time per stage, and peak
memory against the length of the audio.

    python benchmarks/speed.py                                  # sizes on the sample and a 60 s clip
    python benchmarks/speed.py --memory 10 60 600 3600 --size 256  # peak RSS for audio of these lengths

Long audio is made by concatenating the speech clips of the shared test data.
Each memory figure comes from a fresh process, so they do not mix; its RSS is
sampled every second to show memory over time. For audio of two minutes or
more the video is checked too: the audio-video offset at its end (stream
ends, from the container) and the identity distance (dlib) of the face to
the portrait in its first and in its last minute.
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
    """Render ``seconds`` of audio in a fresh process: its peak RSS, RSS over
    time, wall time and, for two minutes or more, the offset and identity figures."""
    with tempfile.TemporaryDirectory() as folder:
        audio = long_audio(seconds, Path(folder) / "long.wav")
        output = Path(folder) / "out.mp4"
        code = ("import json, resource, sys, time; from talkface.api import animate, demo_inputs; "
                "photo, _, _ = demo_inputs(); t = time.perf_counter(); "
                f"animate(photo, {str(audio)!r}, {str(output)!r}, size={size}); "
                "print(json.dumps({'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
                "'word_reader_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "
                "'wall_s': time.perf_counter() - t}))")
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        samples = []  # (seconds since start, RSS MB)
        started = time.perf_counter()
        while child.poll() is None:
            samples.append((time.perf_counter() - started, _rss_mb(child.pid)))
            time.sleep(1.0)
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"render of {seconds} s failed (exit {child.returncode})")
        figures = json.loads(out.strip().splitlines()[-1])
        result = {"seconds_of_audio": seconds, "size": size, "peak_rss_mb": round(figures["peak_mb"]),
                  # The process that reads recognised words runs beside it; its RSS
                  # counts the pages it shares with this one since the fork.
                  "word_reader_peak_rss_mb": round(figures["word_reader_mb"]),
                  "wall_s": round(figures["wall_s"], 1), "rss_over_time_mb": _over_time(samples)}
        if seconds >= 120:
            result.update(av_offset(output, seconds))
            result.update(identity_first_last_minute(output, demo_inputs()[0]))
    return result


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:  # the process just ended
        pass
    return float("nan")


def _over_time(samples: list[tuple[float, float]], points: int = 12) -> list[tuple[int, int]]:
    """(seconds, highest RSS MB) for ``points`` equal stretches of the run."""
    if not samples:
        return []
    stretches = np.array_split(np.array(samples), min(points, len(samples)))
    return [(int(part[-1, 0]), int(np.nanmax(part[:, 1]))) for part in stretches
            if np.isfinite(part[:, 1]).any()]


def av_offset(video: Path, audio_seconds: float) -> dict:
    """Where the video and audio streams of ``video`` end (from packet
    timestamps), their difference, and how far each is from the input audio."""
    ends = {}
    with av.open(str(video)) as container:
        for packet in container.demux():
            if packet.pts is None or packet.duration is None:
                continue
            kind = packet.stream.type
            end = float((packet.pts + packet.duration) * packet.stream.time_base)
            ends[kind] = max(ends.get(kind, 0.0), end)
        fps = float(container.streams.video[0].average_rate)
    return {"video_end_s": round(ends["video"], 3), "audio_end_s": round(ends["audio"], 3),
            "av_offset_ms": round(1000 * (ends["video"] - ends["audio"]), 1),
            "frame_ms": round(1000 / fps, 1),
            "audio_end_vs_input_ms": round(1000 * (ends["audio"] - audio_seconds), 1)}


def identity_first_last_minute(video: Path, photo: Path, per_minute: int = 30) -> dict:
    """Mean dlib identity distance (under 0.6: the same person) between the
    portrait and ``per_minute`` frames spread over the first and the last minute."""
    from talkface.eval import dlib_models
    portrait = read_image(photo)
    reference = dlib_models.face_descriptor(portrait, dlib_models.detect_face(portrait, upsample=1))
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        duration = float(stream.frames / stream.average_rate) if stream.frames else float(
            container.duration / av.time_base)
    distances = {}
    for name, start in (("first", 0.0), ("last", max(0.0, duration - 60.0))):
        wanted = start + np.arange(per_minute) * (60.0 / per_minute)
        found = []
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            container.seek(int(start / stream.time_base), stream=stream, backward=True)
            for frame in container.decode(stream):
                if frame.time is None or frame.time < wanted[len(found)] - 1e-6:
                    continue
                image = np.ascontiguousarray(frame.to_ndarray(format="rgb24"))
                box = dlib_models.detect_face(image) or dlib_models.detect_face(image, upsample=1)
                found.append(np.nan if box is None else
                             float(np.linalg.norm(dlib_models.face_descriptor(image, box) - reference)))
                if len(found) == per_minute:
                    break
        distances[name] = found
    return {f"identity_{name}_minute": round(float(np.nanmean(values)), 3) for name, values in distances.items()} | \
           {f"face_found_{name}_minute": f"{int(np.isfinite(values).sum())}/{len(values)}"
            for name, values in distances.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[256, 512, 1024])
    parser.add_argument("--memory", type=float, nargs="*", metavar="SECONDS",
                        help="measure peak memory for audio of these lengths instead")
    parser.add_argument("--size", type=int, default=512, help="output size for --memory")
    args = parser.parse_args()
    if args.memory:
        for seconds in args.memory:
            print(json.dumps(peak_memory_mb(seconds, args.size)), flush=True)
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
