"""Batches from job files: locally and on a real Ray cluster started here."""

import json
import os
import socket
import subprocess
import sys

import av
import numpy as np
import pytest

from talkface.batch import read_jobs, run_batch
from talkface.errors import InputError
from talkface.media.read_video import read_frames
from tests.conftest import shared_file

SPEECH_S = 1.4  # local_alsa_Front_Center.wav: "front centre"


def _jobs_file(tmp_path, *, broken: bool = True):
    """Two good jobs sharing one portrait and, if ``broken``, one whose photo
    has no face (found while analysing portraits) and one whose sound is
    only noise (found while making the video)."""
    grace = str(shared_file("images", "local_matplotlib_grace_hopper.jpg"))
    speech = str(shared_file("audio", "local_alsa_Front_Center.wav"))
    lines = [{"photo": grace, "audio": speech, "size": 96, "output": "plain.mp4", "label": False},
             {"photo": grace, "audio": speech, "size": 96, "output": "happy.mp4", "emotion": "happy",
              "seed": 3}]
    if broken:
        lines.append({"photo": str(shared_file("images", "dlib_dogs.jpg")), "audio": speech, "size": 96,
                      "output": "dogs.mp4"})
        lines.append({"photo": grace, "audio": str(shared_file("audio", "local_alsa_Noise.wav")), "size": 96,
                      "output": "noise.mp4"})
    path = tmp_path / "jobs.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def _frames(video) -> np.ndarray:
    return np.stack(list(read_frames(video)))


def _check_video(video) -> None:
    with av.open(str(video)) as container:
        kinds = sorted(stream.type for stream in container.streams)
        picture = container.streams.video[0]
        seconds = float(picture.duration * picture.time_base)
    assert kinds == ["audio", "video"]
    assert abs(seconds - SPEECH_S) < 0.1


def test_job_files_in_both_formats_with_relative_paths(tmp_path):
    (tmp_path / "words.txt").write_text("front centre", encoding="utf-8")
    (tmp_path / "jobs.csv").write_text(
        "photo,audio,output,size,emotion,transcript,label\n"
        "me.jpg,talk.wav,,256,happy,words.txt,no\n"
        "/abs/me.jpg,talk.wav,second,,,,\n", encoding="utf-8")
    first, second = read_jobs(tmp_path / "jobs.csv")
    assert first.photo == tmp_path / "me.jpg" and first.output == "me-talk.mp4"
    assert first.options == {"size": 256, "emotion": "happy"} and not first.label
    assert first.transcript == str(tmp_path / "words.txt")
    assert second.output == "second.mp4" and second.options == {} and second.label and second.line == 3
    (tmp_path / "jobs.jsonl").write_text('{"photo": "me.jpg", "audio": "talk.wav", "gaze": "left"}\n\n'
                                         '# a comment\n{"photo": "b.png", "audio": "x.mp3", "seed": 2}\n')
    jobs = read_jobs(tmp_path / "jobs.jsonl")
    assert [job.line for job in jobs] == [1, 4] and jobs[1].options == {"seed": 2}


@pytest.mark.parametrize("content, problem", [
    ('{"photo": "a.jpg", "audio": "b.wav"}\n{"photo": "a.jpg", "audio"\n', "jobs.jsonl:2: not valid JSON"),
    ('{"photo": "a.jpg"}\n', "jobs.jsonl:1: needs 'audio'"),
    ('{"photo": "a.jpg", "audio": "b.wav", "colour": "red"}\n', "unknown field 'colour'"),
    ('{"photo": "a.jpg", "audio": "b.wav", "output": "../up.mp4"}\n', "must be a file name"),
    ('{"photo": "a.jpg", "audio": "b.wav", "size": "big"}\n', "size must be int"),
    ('{"photo": "a.jpg", "audio": "b.wav"}\n{"photo": "a.jpg", "audio": "b.wav"}\n', "also made by line 1"),
    ('[1, 2]\n', "must be a JSON object"),
    ('', "has no jobs"),
])
def test_bad_job_files_name_the_line_and_the_problem(tmp_path, content, problem):
    path = tmp_path / "jobs.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem.replace("(", r"\(")):
        read_jobs(path)


def test_local_batch_makes_each_video_a_broken_job_fails_alone_and_a_rerun_resumes(tmp_path):
    jobs = read_jobs(_jobs_file(tmp_path))
    out = tmp_path / "out"
    summary = run_batch(jobs, out, workers=2)
    assert [o.status for o in summary.outcomes] == ["made", "made", "failed", "failed"]
    assert "dlib_dogs.jpg: no face found" in summary.failures[0].reason
    assert "local_alsa_Noise.wav: no voice found" in summary.failures[1].reason
    for name in ("plain.mp4", "happy.mp4"):
        _check_video(out / name)
    assert sorted(p.name for p in out.iterdir()) == ["happy.mp4", "plain.mp4"]  # nothing half-written
    plain, happy = _frames(out / "plain.mp4"), _frames(out / "happy.mp4")
    assert np.abs(plain.astype(int) - happy.astype(int)).mean() > 1.0  # each job kept its own options

    # A stopped batch resumes: finished videos are kept, not made again, and
    # a file of the user's under an output's name is never overwritten.
    (out / "happy.mp4").rename(out / "kept.mp4")
    (out / "happy.mp4").write_bytes(b"the user's own file")
    again = run_batch(jobs, out, workers=1)
    assert [o.status for o in again.outcomes] == ["skipped", "failed", "failed", "failed"]
    assert "not a finished talkface video" in again.outcomes[1].reason
    assert (out / "happy.mp4").read_bytes() == b"the user's own file"


def test_batch_command_lists_failures_and_exits_1(tmp_path):
    result = subprocess.run([sys.executable, "-m", "talkface.cli", "batch", str(_jobs_file(tmp_path)),
                             "-o", str(tmp_path / "out"), "--workers", "2"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert "2 made, 0 already finished, 2 failed" in result.stdout
    assert "line 3 (dogs.mp4):" in result.stderr and "no face found" in result.stderr
    assert "line 4 (noise.mp4):" in result.stderr and "no voice found" in result.stderr


@pytest.fixture
def ray_cluster(monkeypatch):
    """A Ray head on this machine's loopback address, stopped afterwards."""
    # A one-machine cluster: keep every Ray service on 127.0.0.1 (by
    # default Ray swaps a loopback address for the machine's network one).
    # Ray reads this when it is imported, so it is set first.
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    pytest.importorskip("ray")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ray = [sys.executable, "-m", "ray.scripts.scripts"]
    started = subprocess.run(ray + ["start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
                                    "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats",
                                    "--object-store-memory=200000000"],
                             capture_output=True, text=True, timeout=180, env=os.environ.copy())
    assert started.returncode == 0, started.stderr[-2000:]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(ray + ["stop", "--force"], capture_output=True, timeout=120)


def test_ray_batch_makes_the_same_videos_as_the_local_run(tmp_path, ray_cluster):
    jobs = read_jobs(_jobs_file(tmp_path))
    local = run_batch(jobs[:1], tmp_path / "local", workers=1)
    assert local.outcomes[0].status == "made"
    summary = run_batch(jobs, tmp_path / "ray", ray_address=ray_cluster)
    assert [o.status for o in summary.outcomes] == ["made", "made", "failed", "failed"]
    assert "no face found" in summary.failures[0].reason
    # Failed inside a Ray task, named as the user knows the file (not the shipped copy).
    assert str(shared_file("audio", "local_alsa_Noise.wav")) + ": no voice found" in summary.failures[1].reason
    _check_video(tmp_path / "ray" / "happy.mp4")
    assert np.array_equal(_frames(tmp_path / "ray" / "plain.mp4"), _frames(tmp_path / "local" / "plain.mp4"))
