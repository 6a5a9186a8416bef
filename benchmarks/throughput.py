"""Speed and memory of the whole path on the bundled sample.

Prints photo analysis time, audio analysis time (and its real-time factor),
motion time, render-only frames per second, end-to-end frames per second
with encoding, and peak memory.

    python benchmarks/throughput.py [--size 512] [--frames 500]
"""

import argparse
import resource
import tempfile
import time
from pathlib import Path

from talkface.api import demo_inputs, render_video
from talkface.audio.track import analyse_audio
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image
from talkface.motion.generate import motion_from_audio
from talkface.render.renderer import FrameRenderer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--frames", type=int, default=500, help="frames for the render-only figure")
    args = parser.parse_args()
    photo, audio, transcript = demo_inputs()

    started = time.perf_counter()
    rig = analyse_photo(read_image(photo), size=args.size)
    photo_cold = time.perf_counter() - started
    started = time.perf_counter()
    rig = analyse_photo(read_image(photo), size=args.size)
    photo_warm = time.perf_counter() - started

    started = time.perf_counter()
    track = analyse_audio(audio)
    audio_recognise = time.perf_counter() - started
    started = time.perf_counter()
    analyse_audio(audio, transcript=transcript)
    audio_align = time.perf_counter() - started

    started = time.perf_counter()
    motion = motion_from_audio(track, fps=25.0)
    motion_time = time.perf_counter() - started

    with FrameRenderer(rig) as renderer:
        renderer.render(motion.weights[0], motion.head_rotation[0])
        started = time.perf_counter()
        for i in range(args.frames):
            k = i % motion.frame_count
            renderer.render(motion.weights[k], motion.head_rotation[k])
        render_fps = args.frames / (time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        render_video(rig, motion, audio=audio, output=Path(folder) / "out.mp4")
        encode_time = time.perf_counter() - started
    # End to end as a user runs it: analysis, motion, render and encode.
    total = photo_warm + audio_recognise + motion_time + encode_time

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sample: {track.duration:.1f} s of audio, {motion.frame_count} frames at 25 fps, "
          f"{args.size}x{args.size}")
    print(f"photo analysis:           {photo_warm * 1000:7.0f} ms  (first call, loading models: "
          f"{photo_cold * 1000:.0f} ms)")
    print(f"audio analysis:           {audio_recognise * 1000:7.0f} ms  "
          f"(real-time factor {audio_recognise / track.duration:.3f}; with transcript "
          f"{audio_align * 1000:.0f} ms, {audio_align / track.duration:.3f})")
    print(f"motion:                   {motion_time * 1000:7.0f} ms")
    print(f"render only:              {render_fps:7.1f} fps")
    print(f"render + encode:          {motion.frame_count / encode_time:7.1f} fps")
    print(f"end to end:               {motion.frame_count / total:7.1f} fps  "
          f"({total:.2f} s for {track.duration:.1f} s of audio)")
    print(f"peak memory (RSS):        {peak_mb:7.0f} MB")

if __name__ == "__main__":
    main()
