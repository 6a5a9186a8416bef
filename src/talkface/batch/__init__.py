"""Many videos from a job file: on local worker processes, or on a Ray cluster."""

from talkface.batch.jobs import BatchJob, read_jobs
from talkface.batch.run_batch import BatchSummary, JobOutcome, is_finished, run_batch

__all__ = ["BatchJob", "BatchSummary", "JobOutcome", "is_finished", "read_jobs", "run_batch"]
