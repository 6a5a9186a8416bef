"""File jobs: a photo and audio in, an MP4 out, rendered in the background."""

import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from talkface import api
from talkface.audio.decode import decode_audio
from talkface.errors import InputError
from talkface.server.config import ServerConfig
from talkface.server.uploads import Upload


class JobStopped(Exception):
    """A job ran past its time limit or the server is shutting down."""


@dataclass
class Job:
    """state: "queued", "analysing", "rendering", "done" or "failed";
    progress: 0 to 1; error: why it failed."""

    id: str
    folder: Path
    options: dict
    state: str = "queued"
    progress: float = 0.0
    error: str | None = None
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def video(self) -> Path:
        return self.folder / "talkface.mp4"

    def describe(self) -> dict:
        answer = {"id": self.id, "state": self.state, "progress": round(self.progress, 3)}
        if self.error:
            answer["error"] = self.error
        if self.state == "done":
            answer["video"] = f"/api/jobs/{self.id}/video"
        return answer


class JobQueue:
    """At most ``config.max_jobs`` jobs at a time; finished ones are deleted
    after ``config.job_retention_s``."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self._root = Path(tempfile.mkdtemp(prefix="talkface-jobs-"))
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=config.max_jobs, thread_name_prefix="talkface-job")
        self._stopping = False

    def submit(self, photo: Upload, audio: Upload, options: dict) -> Job:
        """Start a job; None-free options are passed to ``api.animate``.

        Raises:
            OverflowError: ``max_jobs`` are queued or running already.
        """
        self._expire()
        with self._lock:
            active = sum(job.state not in ("done", "failed") for job in self._jobs.values())
            if active >= self.config.max_jobs:
                raise OverflowError(f"{active} jobs are running (the limit is {self.config.max_jobs}); "
                                    f"try again when one has finished")
            job_id = uuid.uuid4().hex
            folder = self._root / job_id
            folder.mkdir()
            (folder / f"photo{photo.suffix}").write_bytes(photo.data)
            (folder / f"audio{audio.suffix}").write_bytes(audio.data)
            job = self._jobs[job_id] = Job(id=job_id, folder=folder, options=options)
        self._pool.submit(self._run, job, folder / f"photo{photo.suffix}", folder / f"audio{audio.suffix}")
        return job

    def get(self, job_id: str) -> Job | None:
        self._expire()
        with self._lock:
            return self._jobs.get(job_id)

    def close(self) -> None:
        self._stopping = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._root, ignore_errors=True)

    def _run(self, job: Job, photo: Path, audio: Path) -> None:
        started = time.monotonic()
        job.state = "analysing"

        def progress(done: int, total: int) -> None:
            if self._stopping or time.monotonic() - started > self.config.job_timeout_s:
                raise JobStopped()
            job.state = "rendering"
            job.progress = done / total

        try:
            seconds = len(decode_audio(audio)) / 16000
            if seconds > self.config.max_audio_s:
                raise InputError(audio, f"{seconds:.0f} s long; the limit is {self.config.max_audio_s:.0f} s")
            api.animate(photo, audio, job.video, size=self.config.size, progress=progress, **job.options)
            job.state, job.progress = "done", 1.0
        except InputError as error:
            field = "photo" if Path(error.source) == photo else "audio" if Path(error.source) == audio else None
            job.state, job.error = "failed", f"{field}: {error.problem}" if field else str(error)
        except JobStopped:
            job.state, job.error = "failed", (f"stopped after the {self.config.job_timeout_s:.0f} s time limit"
                                              if not self._stopping else "the server is shutting down")
        except Exception as error:  # reported to the client; the worker stays up
            job.state, job.error = "failed", f"internal error ({type(error).__name__})"
        finally:
            job.finished = time.monotonic()
            for upload in (photo, audio):
                upload.unlink(missing_ok=True)

    def _expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            old = [job for job in self._jobs.values()
                   if job.finished is not None and now - job.finished > self.config.job_retention_s]
            for job in old:
                del self._jobs[job.id]
                shutil.rmtree(job.folder, ignore_errors=True)
