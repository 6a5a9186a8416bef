"""Latency and frame rate of a live session at real-time pace.

    python benchmarks/stream_latency.py                     # 512², 30 ms chunks, the RD_Radio clip
    python benchmarks/stream_latency.py --chunk-ms 20 --size 256 --audio speech.wav
    python benchmarks/stream_latency.py --full-quality-only   # 512² throughout, late frames dropped

A speech file is pushed into a StreamSession in chunks at the pace a
microphone delivers them. Two latencies per frame:
  - sound to face: from the moment the chunk holding the frame's instant
    was pushed to the frame coming out (what a listener sees: the
    look-ahead plus the processing);
  - processing: from the moment the audio that completed the frame (its
    look-ahead included) was pushed to the frame coming out.
"""

import argparse
import json
import os
import threading
import time
from pathlib import Path

import numpy as np

from talkface.api import demo_inputs
from talkface.audio.decode import decode_audio
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image
from talkface.stream import StreamConfig, StreamFrame, StreamNotice, StreamSession

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "testdata"
DEFAULT_AUDIO = SHARED / "audio" / "sadtalker_RD_Radio31_000.wav"
RATE = 48000  # what a browser's microphone delivers


def run(photo: Path, audio: Path, *, size: int, chunk_ms: float, config: StreamConfig) -> dict:
    rig = analyse_photo(read_image(photo), size=size)
    samples = (decode_audio(audio, sample_rate=RATE) * 32767).astype(np.int16)
    chunk = int(RATE * chunk_ms / 1000)
    pushes = []  # (audio end in seconds, wall time pushed)
    with StreamSession(rig, config=config) as session:
        def feed():
            start = time.monotonic()
            for first in range(0, len(samples), chunk):
                end = min(first + chunk, len(samples))
                # A microphone hands over a chunk once its last sample is recorded.
                time.sleep(max(0.0, start + end / RATE - time.monotonic()))
                session.push(samples[first:end], RATE)
                pushes.append((end / RATE, time.monotonic()))
            session.finish()

        feeder = threading.Thread(target=feed)
        feeder.start()
        frames, notices, sizes = [], [], {}
        while (event := session.next_event(timeout=30)) is not None:
            now = time.monotonic()
            if isinstance(event, StreamFrame):
                frames.append((event.time_s, now, event.delay_s))
                sizes[event.image.shape[0]] = sizes.get(event.image.shape[0], 0) + 1
            elif isinstance(event, StreamNotice):
                notices.append(event.message)
        feeder.join()
    push_ends = np.array([p[0] for p in pushes])
    push_walls = np.array([p[1] for p in pushes])
    duration = len(samples) / RATE
    live = [(t, wall, delay) for t, wall, delay in frames if t < duration - config.lookahead_s]
    holding = np.searchsorted(push_ends, [t for t, _, _ in live])  # the chunk that carried instant t
    sound_to_face = np.array([wall - push_walls[min(i, len(pushes) - 1)]
                              for (t, wall, _), i in zip(live, holding)])
    processing = np.array([delay for _, _, delay in live])
    walls = np.array([wall for _, wall, _ in live])
    return {
        "audio": audio.name, "size": size, "chunk_ms": chunk_ms, "audio_s": round(duration, 2),
        "lookahead_ms": config.lookahead_s * 1000,
        "frames": len(frames), "frames_expected": int(duration * config.fps), "frames_by_size": sizes,
        "sustained_fps": round((len(live) - 1) / (walls[-1] - walls[0]), 1),
        "sound_to_face_ms": {"median": round(float(np.median(sound_to_face)) * 1000),
                             "p95": round(float(np.percentile(sound_to_face, 95)) * 1000)},
        "processing_ms": {"median": round(float(np.median(processing)) * 1000),
                          "p95": round(float(np.percentile(processing, 95)) * 1000)},
        "notices": notices,
        # Other work on the machine slows drawing; the figures mean most beside it.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photo", type=Path, default=None, help="portrait (default: the bundled sample)")
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--chunk-ms", type=float, nargs="+", default=[20.0, 40.0])
    parser.add_argument("--full-quality-only", action="store_true",
                        help="never draw smaller or fewer frames (late frames are still dropped)")
    args = parser.parse_args()
    photo = args.photo or demo_inputs()[0]
    config = StreamConfig(quality_steps=((1, 1.0),)) if args.full_quality_only else StreamConfig()
    for chunk_ms in args.chunk_ms:
        print(json.dumps(run(photo, args.audio, size=args.size, chunk_ms=chunk_ms, config=config)))


if __name__ == "__main__":
    main()
