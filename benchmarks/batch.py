"""Throughput of a batch: a 20-job batch with 1 and with 2 local workers.

Jobs pair three portraits with speech clips from the shared test data
(cycled), at the given size. Prints wall time, videos a minute, and seconds
of video made per second of wall time, for each worker count.

    python benchmarks/batch.py [--jobs 20] [--workers 1,2] [--size 256]
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import av

from talkface.batch import read_jobs, run_batch

SHARED = Path(__file__).resolve().parents[2] / "shared" / "testdata"
PORTRAITS = ("local_matplotlib_grace_hopper.jpg", "liveportrait_source_s12.jpg", "sadtalker_happy.png")
SPEECH = ("whisper_jfk.flac", "dreamtalk_German1.wav", "sadtalker_RD_Radio31_000.wav", "dreamtalk_french1.wav",
          "sadtalker_chinese_poem1.wav", "local_alsa_Front_Center.wav")


def seconds_of(video: Path) -> float:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=20, help="jobs in the batch")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts to time")
    parser.add_argument("--size", type=int, default=256, help="side of the videos in pixels")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="talkface-batch-") as scratch:
        scratch = Path(scratch)
        lines = [{"photo": str(SHARED / "images" / PORTRAITS[i % len(PORTRAITS)]),
                  "audio": str(SHARED / "audio" / SPEECH[i % len(SPEECH)]),
                  "size": args.size, "seed": i, "output": f"video{i:02d}.mp4"} for i in range(args.jobs)]
        job_file = scratch / "jobs.jsonl"
        job_file.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
        jobs = read_jobs(job_file)
        print(f"{args.jobs} jobs, {len(PORTRAITS)} portraits, {args.size}x{args.size}")
        print("| workers | wall s | videos/min | video s per wall s | failed |")
        print("|---|---|---|---|---|")
        for workers in (int(w) for w in args.workers.split(",")):
            out = scratch / f"out{workers}"
            started = time.perf_counter()
            summary = run_batch(jobs, out, workers=workers)
            wall = time.perf_counter() - started
            made = sum(seconds_of(out / o.job.output) for o in summary.outcomes if o.status == "made")
            print(f"| {workers} | {wall:.1f} | {60 * summary.count('made') / wall:.1f} | {made / wall:.1f} | "
                  f"{summary.count('failed')} |", flush=True)
            for failure in summary.failures:
                print(f"  failed: {failure.job.output}: {failure.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
