"""Run a batch: each job on a local worker process, or as a Ray task on a cluster."""

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import av

from talkface.batch.jobs import BatchJob
from talkface.errors import InputError
from talkface.media.output_path import write_atomically
from talkface.media.visible_label import LabelStyle


@dataclass(frozen=True)
class JobOutcome:
    """What became of a job: status "made", "skipped" (a finished video was
    already there) or "failed" (with the reason); seconds it took."""

    job: BatchJob
    status: str
    reason: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class BatchSummary:
    """Every job's outcome, in the order of the job file."""

    out_dir: Path
    outcomes: tuple[JobOutcome, ...]

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    @property
    def failures(self) -> list[JobOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


def run_batch(jobs: Iterable[BatchJob], out_dir: str | Path, *, workers: int | None = None,
              ray_address: str | None = None,
              progress: Callable[[JobOutcome, int, int], None] | None = None) -> BatchSummary:
    """Make every job's video in ``out_dir``.

    Finished videos already there are skipped, so a stopped batch resumes
    where it was; a job that fails does not stop the others. Each portrait
    is analysed once for all the jobs that use it.

    Args:
        jobs: from ``read_jobs``.
        out_dir: the folder for the videos (created if missing).
        workers: local worker processes (default: one per core).
        ray_address: run the jobs as tasks on this Ray cluster instead
            ("auto" finds a running one); inputs are shipped to the
            workers and the videos brought back, so no storage needs sharing.
        progress: called with each outcome and (outcomes so far, jobs in all).

    Raises:
        InputError: ``out_dir`` cannot be made, or Ray is missing or unreachable.
    """
    jobs = list(jobs)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(out_dir, f"cannot create the output folder ({error.strerror})") from None
    outcomes: dict[int, JobOutcome] = {}

    def settle(index: int, outcome: JobOutcome) -> None:
        outcomes[index] = outcome
        if progress:
            progress(outcome, len(outcomes), len(jobs))

    pending = []
    for index, job in enumerate(jobs):
        target = out_dir / job.output
        if not target.exists():
            pending.append(index)
        elif is_finished(target):
            settle(index, JobOutcome(job, "skipped", "finished earlier"))
        else:
            settle(index, JobOutcome(job, "failed", f"{target.name} exists and is not a finished talkface video; "
                                                    "remove it or name another output"))
    rigs = _analyse_portraits([jobs[i] for i in pending])
    runnable = []
    for index in pending:
        rig = rigs[jobs[index].rig_key]
        if isinstance(rig, str):
            settle(index, JobOutcome(jobs[index], "failed", rig))
        else:
            runnable.append(index)
    if runnable:
        run = _run_on_ray if ray_address else _run_locally
        run(jobs, runnable, rigs, out_dir, settle, workers=workers, ray_address=ray_address)
    return BatchSummary(out_dir=out_dir, outcomes=tuple(outcomes[i] for i in range(len(jobs))))


def is_finished(video: Path) -> bool:
    """Whether ``video`` is a complete talkface video: it opens, says in its
    metadata that talkface made it, and its picture lasts as long as its
    sound (to within a frame). Videos are renamed into place only when
    complete, so this guards against other files under the same name."""
    try:
        with av.open(str(video)) as container:
            if not container.metadata.get("generator", "").startswith("talkface"):
                return False
            picture = next(s for s in container.streams if s.type == "video")
            sound = [s for s in container.streams if s.type == "audio"]
            if not sound or picture.frames < 1:
                return False
            seconds = lambda stream: float(stream.duration * stream.time_base) if stream.duration else 0.0
            return abs(seconds(picture) - seconds(sound[0])) <= 1.5 / float(picture.average_rate)
    except (av.FFmpegError, OSError, StopIteration, ValueError):
        return False


def _analyse_portraits(jobs: list[BatchJob]) -> dict:
    """Each distinct portrait (with its size, face and framing) analysed once:
    key -> FaceRig, or the reason it cannot be used."""
    from talkface.api import analyse_portrait
    rigs = {}
    for job in jobs:
        if job.rig_key in rigs:
            continue
        try:
            rigs[job.rig_key] = analyse_portrait(job.photo, size=job.options.get("size", 512),
                                                 face=job.options.get("face"),
                                                 head_distance=job.options.get("head_distance", 1.0))
        except InputError as error:
            rigs[job.rig_key] = str(error)
    return rigs


def render_job(job: BatchJob, rig, *, audio: Path | None = None, output: Path) -> float:
    """Make one job's video at ``output`` from its analysed portrait; returns
    the seconds it took. ``audio`` stands in for the job's own file (a
    shipped copy).

    Raises:
        InputError: a problem with one of the job's inputs or options.
    """
    from talkface.api import animate
    started = time.perf_counter()
    options = {key: value for key, value in job.options.items() if key not in ("size", "face")}
    animate(job.photo, audio or job.audio, output, transcript=job.transcript, rig=rig,
            label=LabelStyle() if job.label else None, **options)
    return time.perf_counter() - started


def _job_in_worker(job: BatchJob, rig, output: Path, audio: Path | None = None) -> tuple[str, str, float]:
    """(status, reason, seconds) of one job; its failure is returned, not raised."""
    try:
        return "made", "", render_job(job, rig, audio=audio, output=output)
    except InputError as error:
        # A shipped copy of the audio is named as the user knows it.
        return "failed", str(error).replace(str(audio), str(job.audio)) if audio else str(error), 0.0
    except Exception as error:  # one job's bug must not stop the batch
        return "failed", f"{type(error).__name__}: {error}", 0.0


def _run_locally(jobs, runnable, rigs, out_dir, settle, *, workers, ray_address) -> None:
    # Fresh interpreters, not forks: MediaPipe and OpenGL hold threads and
    # contexts that do not survive a fork.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=context) as pool:
        running = {pool.submit(_job_in_worker, jobs[i], rigs[jobs[i].rig_key], out_dir / jobs[i].output): i
                   for i in runnable}
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    try:
                        status, reason, seconds = future.result()
                    except Exception as error:  # the worker process itself died
                        status, reason, seconds = "failed", f"worker stopped: {error}", 0.0
                    settle(index, JobOutcome(jobs[index], status, reason, seconds))
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _job_on_ray(job: BatchJob, rig, audio_bytes: bytes) -> tuple[str, str, float, bytes]:
    """A Ray task: the inputs arrive as values, the video goes back as bytes."""
    with tempfile.TemporaryDirectory(prefix="talkface-") as scratch:
        audio = Path(scratch) / f"audio{job.audio.suffix}"
        audio.write_bytes(audio_bytes)
        output = Path(scratch) / job.output
        status, reason, seconds = _job_in_worker(job, rig, output, audio)
        return status, reason, seconds, output.read_bytes() if status == "made" else b""


def _run_on_ray(jobs, runnable, rigs, out_dir, settle, *, workers, ray_address) -> None:
    try:
        import ray
    except ImportError:
        raise InputError("--ray", "Ray is not installed: pip install 'talkface[ray]'") from None
    try:
        ray.init(address=ray_address, logging_level="ERROR", log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise InputError(f"Ray cluster {ray_address!r}", f"cannot connect ({error})") from None
    try:
        task = ray.remote(num_cpus=1, max_retries=1)(_job_on_ray)
        shared_rigs = {}
        running = {}
        for index in runnable:
            job = jobs[index]
            if job.rig_key not in shared_rigs:
                shared_rigs[job.rig_key] = ray.put(rigs[job.rig_key])
            try:
                sound = job.audio.read_bytes()
            except OSError as error:
                settle(index, JobOutcome(job, "failed", f"{job.audio}: cannot read ({error.strerror})"))
                continue
            running[task.remote(job, shared_rigs[job.rig_key], sound)] = index
        while running:
            done, _ = ray.wait(list(running), num_returns=1)
            index = running.pop(done[0])
            try:
                status, reason, seconds, video = ray.get(done[0])
            except ray.exceptions.RayError as error:
                status, reason, seconds, video = "failed", f"Ray task failed: {error}", 0.0, b""
            if status == "made":
                write_atomically(out_dir / jobs[index].output, lambda partial: partial.write_bytes(video))
            settle(index, JobOutcome(jobs[index], status, reason, seconds))
    finally:
        ray.shutdown()
