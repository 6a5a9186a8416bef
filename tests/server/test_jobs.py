"""File jobs through the HTTP API, and verify."""

import io
import time

import av

from tests.conftest import shared_file
from tests.server.helpers import request


def _wait(url: str, job_id: str) -> dict:
    for _ in range(600):
        status, job, _ = request("GET", f"{url}/api/jobs/{job_id}")
        assert status == 200
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job still {job['state']}")


def test_file_job_returns_a_valid_mp4_and_it_verifies(small_server):
    photo = shared_file("images", "local_matplotlib_grace_hopper.jpg").read_bytes()
    speech_file = shared_file("audio", "local_alsa_Front_Center.wav")  # 1.4 s
    status, job, _ = request("POST", f"{small_server}/api/jobs",
                             files={"photo": (photo, "p.jpg"), "audio": (speech_file.read_bytes(), "s.wav")},
                             fields={"emotion": "happy", "gaze": "left", "head_distance": "1.1"})
    assert status == 202 and job["state"] in ("queued", "analysing")
    # The cap is one job at a time: a second one while it runs is refused.
    status, answer, _ = request("POST", f"{small_server}/api/jobs",
                                files={"photo": (photo, "p.jpg"), "audio": (speech_file.read_bytes(), "s.wav")})
    assert status == 429 and answer["error"].startswith("1 jobs are running")
    status, answer, _ = request("GET", f"{small_server}/api/jobs/{job['id']}/video")
    assert status == 409 and answer["error"].startswith("the video is not ready")

    job = _wait(small_server, job["id"])
    assert job["state"] == "done" and job["progress"] == 1.0, job
    status, video, kind = request("GET", small_server + job["video"])
    assert status == 200 and kind == "video/mp4"
    with av.open(io.BytesIO(video)) as container:
        picture, sound = container.streams.video[0], container.streams.audio[0]
        assert (picture.codec_context.name, picture.width, picture.height) == ("h264", 256, 256)
        assert sound.codec_context.name == "aac"
        duration = container.duration / 1e6
        frames = sum(1 for _ in container.decode(picture))
    with av.open(str(speech_file)) as source:
        expected = source.duration / 1e6
    assert abs(duration - expected) < 0.15 and abs(frames - expected * 25) <= 2

    status, verdict, _ = request("POST", f"{small_server}/api/verify", files={"video": (video, "clip.mp4")})
    assert status == 200 and verdict["synthetic"] is True
    assert verdict["metadata"]["synthetic"] == "true" and "source" not in verdict


def test_failed_job_says_why(small_server):
    photo = shared_file("images", "local_matplotlib_grace_hopper.jpg").read_bytes()
    noise = shared_file("audio", "local_alsa_Noise.wav").read_bytes()
    status, job, _ = request("POST", f"{small_server}/api/jobs",
                             files={"photo": (photo, "p.jpg"), "audio": (noise, "noise.wav")})
    assert status == 202
    job = _wait(small_server, job["id"])
    assert job["state"] == "failed"
    assert job["error"] == "audio: no voice found in the audio (only noise or silence)"


def test_verify_refuses_what_is_not_a_video(small_server):
    status, answer, _ = request("POST", f"{small_server}/api/verify", files={"video": (b"hello world" * 10, "v.mp4")})
    assert status == 415 and answer["error"].startswith("video: not a video")
