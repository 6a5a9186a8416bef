"""A batch job file: one video to make per line, JSON lines or CSV."""

import csv
import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from talkface.errors import InputError

# Job fields that are passed to the animation as they are, with their types.
_OPTIONS = {"size": int, "fps": float, "seed": int, "face": int, "motion_intensity": float, "gaze": str,
            "emotion": str, "emotion_intensity": float, "head_distance": float, "language": str}


@dataclass(frozen=True)
class BatchJob:
    """One video of a batch.

    photo, audio: absolute paths; output: a file name inside the batch's
    output folder; transcript: text or a .txt path (or None); label: whether
    the visible "AI-generated" mark is drawn; options: keyword arguments of
    ``talkface.api.animate`` (size, fps, seed, face, motion_intensity, gaze,
    emotion, emotion_intensity, head_distance, language); line: where the
    job stands in its file (1-based), for messages.
    """

    photo: Path
    audio: Path
    output: str
    transcript: str | None = None
    label: bool = True
    options: dict = field(default_factory=dict)
    line: int = 0

    @property
    def rig_key(self) -> tuple:
        """Jobs with the same key share one analysis of their photo."""
        return (str(self.photo), self.options.get("size", 512), self.options.get("face"),
                self.options.get("head_distance", 1.0))


def read_jobs(path: str | Path) -> list[BatchJob]:
    """The jobs in ``path``: ``.jsonl`` (one JSON object a line) or ``.csv``
    (a header row naming the fields). Fields: photo, audio (required),
    output, transcript, label, and the animation options; relative paths
    are taken from the job file's folder.

    Raises:
        InputError: the file cannot be read, or a line is not a valid job
            (the message names the line and the problem).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read the job file ({getattr(error, 'strerror', None) or error})") \
            from None
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        records = list(_json_lines(path, text))
    elif suffix == ".csv":
        records = list(_csv_rows(path, text))
    else:
        raise InputError(path, "job file must be .jsonl (JSON lines) or .csv")
    if not records:
        raise InputError(path, "has no jobs")
    jobs = [_job(path, line, record) for line, record in records]
    seen = {}
    for job in jobs:
        if job.output in seen:
            raise InputError(f"{path}:{job.line}", f"output {job.output!r} is also made by line {seen[job.output]}")
        seen[job.output] = job.line
    return jobs


def _json_lines(path: Path, text: str):
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}", f"not valid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}", "each line must be a JSON object")
        yield number, record


def _csv_rows(path: Path, text: str):
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "photo" not in reader.fieldnames or "audio" not in reader.fieldnames:
        raise InputError(path, "CSV needs a header row with at least the columns photo and audio")
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise InputError(f"{path}:{number}", "more cells than header columns")
        # Empty cells take the defaults.
        yield number, {key: value for key, value in row.items() if value not in (None, "")}


def _job(path: Path, line: int, record: dict) -> BatchJob:
    where = f"{path}:{line}"
    known = {f.name for f in fields(BatchJob)} - {"options", "line"} | set(_OPTIONS)
    unknown = sorted(set(record) - known)
    if unknown:
        raise InputError(where, f"unknown field {unknown[0]!r} (known: {', '.join(sorted(known))})")
    for required in ("photo", "audio"):
        if not isinstance(record.get(required), str) or not record[required].strip():
            raise InputError(where, f"needs {required!r}, the path of a file")
    photo, audio = (_input_path(path, where, record[name]) for name in ("photo", "audio"))
    output = record.get("output") or f"{photo.stem}-{audio.stem}.mp4"
    if not isinstance(output, str) or Path(output).name != output or output in (".", ".."):
        raise InputError(where, f"output {output!r} must be a file name, without folders")
    if not output.lower().endswith(".mp4"):
        output += ".mp4"
    options = {}
    for name, kind in _OPTIONS.items():
        if name in record and record[name] is not None:
            try:
                options[name] = kind(record[name])
            except (TypeError, ValueError):
                raise InputError(where, f"{name} must be {kind.__name__}, not {record[name]!r}") from None
    transcript = record.get("transcript")
    if transcript is not None and not isinstance(transcript, str):
        raise InputError(where, "transcript must be text or the path of a .txt file")
    if transcript is not None and transcript.endswith(".txt") and not Path(transcript).is_absolute():
        transcript = str(path.parent / transcript)
    return BatchJob(photo=photo, audio=audio, output=output, transcript=transcript,
                    label=_flag(where, record.get("label", True)), options=options, line=line)


def _input_path(job_file: Path, where: str, value: str) -> Path:
    candidate = Path(value).expanduser()
    return (candidate if candidate.is_absolute() else job_file.parent / candidate).resolve()


def _flag(where: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise InputError(where, f"label must be true or false, not {value!r}")
