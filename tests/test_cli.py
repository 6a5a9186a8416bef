"""The talkface command, end to end, on real inputs."""

import signal
import subprocess
import sys
import time

import av
import pytest

from .conftest import shared_file


def _talkface(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "talkface.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout)


def _streams(path):
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        frames = sum(1 for _ in container.decode(video))
        return video, audio, frames, dict(container.metadata)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "grace.mp4"
    result = _talkface("animate", shared_file("images", "local_matplotlib_grace_hopper.jpg"),
                       shared_file("audio", "whisper_jfk.flac"), "-o", out, "--size", 256)
    assert result.returncode == 0, result.stderr
    return out, result


def test_animate_writes_one_video_and_one_audio_stream_as_long_as_the_audio(rendered):
    out, result = rendered
    assert str(out) in result.stdout
    video, audio, frames, metadata = _streams(out)
    assert video.codec_context.name == "h264" and audio.codec_context.name == "aac"
    assert (video.width, video.height) == (256, 256)
    assert abs(frames / 25.0 - 11.0) <= 1 / 25.0
    with av.open(str(out)) as container:
        audio_seconds = float(container.streams.audio[0].duration * container.streams.audio[0].time_base)
    assert abs(audio_seconds - 11.0) < 0.05
    assert "synthetic" in metadata.get("comment", "").lower()


def test_no_temporary_files_left_beside_the_output(rendered):
    out, _ = rendered
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


@pytest.mark.parametrize("photo, audio, message", [
    (("images", "dlib_dogs.jpg"), ("audio", "whisper_jfk.flac"), "no face found"),
    (("images", "facealignment_grass_noface.jpg"), ("audio", "whisper_jfk.flac"), "no face found"),
    (("images", "local_matplotlib_grace_hopper.jpg"), ("audio", "local_alsa_Noise.wav"), "no voice found"),
])
def test_bad_inputs_give_one_line_a_nonzero_exit_and_no_file(tmp_path, photo, audio, message):
    out = tmp_path / "out.mp4"
    result = _talkface("animate", shared_file(*photo), shared_file(*audio), "-o", out)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("talkface: error:")]
    assert len(errors) == 1 and message in errors[0]
    assert shared_file(*photo).name in errors[0] or shared_file(*audio).name in errors[0]
    assert list(tmp_path.iterdir()) == []


def test_two_faces_note_and_face_choice(tmp_path):
    photo = shared_file("images", "facerecognition_two_people.jpg")
    audio = shared_file("audio", "local_alsa_Front_Center.wav")
    result = _talkface("animate", photo, audio, "-o", tmp_path / "a.mp4", "--size", 128)
    assert result.returncode == 0, result.stderr
    assert "2 faces" in result.stderr and "--face" in result.stderr
    missing = _talkface("animate", photo, audio, "-o", tmp_path / "b.mp4", "--face", 3)
    assert missing.returncode == 1 and "--face 3 does not exist" in missing.stderr
    assert not (tmp_path / "b.mp4").exists()


def test_existing_output_is_kept_unless_overwrite(tmp_path):
    out = tmp_path / "mine.mp4"
    out.write_bytes(b"precious")
    photo = shared_file("images", "local_matplotlib_grace_hopper.jpg")
    audio = shared_file("audio", "local_alsa_Front_Center.wav")
    refused = _talkface("animate", photo, audio, "-o", out, "--size", 128)
    assert refused.returncode == 1 and "already exists" in refused.stderr
    assert out.read_bytes() == b"precious"
    replaced = _talkface("animate", photo, audio, "-o", out, "--size", 128, "--overwrite")
    assert replaced.returncode == 0 and out.read_bytes() != b"precious"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_mid_render_leaves_nothing(tmp_path, stop):
    out = tmp_path / "long.mp4"
    process = subprocess.Popen(
        [sys.executable, "-m", "talkface.cli", "animate",
         str(shared_file("images", "local_matplotlib_grace_hopper.jpg")),
         str(shared_file("audio", "musetalk_eng.wav")), "-o", str(out), "--size", "1024"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until rendering has started (a temporary file exists), then interrupt.
    deadline = time.time() + 120
    while time.time() < deadline and not any(tmp_path.iterdir()):
        time.sleep(0.05)
    assert any(tmp_path.iterdir()), "rendering never started"
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr
    assert list(tmp_path.iterdir()) == []


def test_help_explains_the_commands():
    result = _talkface("--help")
    assert result.returncode == 0
    assert "animate" in result.stdout and "demo" in result.stdout
    animate_help = _talkface("animate", "--help").stdout
    for option in ("--transcript", "--size", "--fps", "--seed", "--face", "--output"):
        assert option in animate_help


def test_the_video_keeps_the_face_identity_and_speaks_with_the_audio(rendered):
    from talkface.eval.report import evaluate_video
    out, _ = rendered
    report = evaluate_video(out, source_photo=shared_file("images", "local_matplotlib_grace_hopper.jpg"))
    # An independent detector (dlib) finds the face in every frame...
    assert report.face_found == 1.0
    # ...the same person (dlib's same-person threshold is 0.6)...
    assert report.identity_mean < 0.4
    # ...whose mouth opens with the loudness of the speech (real speakers: ~0.4),
    # the picture leading the sound by at most two frames, never trailing by more than one.
    assert report.mouth_audio.best > 0.45
    assert -40 <= report.mouth_audio.lead_ms <= 80


# s0's closed lids used to be her lid, crease and lashes stretched down, a
# dark smear dlib read as open eyes (no blinks counted); behind Grace
# Hopper's glasses dlib counts 1 of the 4 either way, so she is not used.
@pytest.mark.parametrize("portrait", ["liveportrait_source_s0.jpg", "liveportrait_source_s3.jpg"])
def test_an_independent_detector_counts_the_blinks(portrait, tmp_path):
    from talkface.eval.report import evaluate_video
    out = tmp_path / "blinks.mp4"
    result = _talkface("animate", shared_file("images", portrait), shared_file("audio", "whisper_jfk.flac"),
                       "-o", out, "--size", 256)
    assert result.returncode == 0, result.stderr
    # The motion blinks four times in the 11 s (22 a minute).
    assert 5 <= evaluate_video(out).blinks_per_minute <= 40


def test_verify_exit_status_tells_scripts_what_was_found(rendered, tmp_path):
    out, _ = rendered
    found = _talkface("verify", out)
    assert found.returncode == 0 and found.stdout.startswith("synthetic: talkface watermark found")
    real = _talkface("verify", shared_file("video", "lipnet_grid_pwij3p.mpg"))
    assert real.returncode == 3 and real.stdout.startswith("no talkface watermark found")
    missing = _talkface("verify", tmp_path / "nothing.mp4")
    assert missing.returncode == 1 and "file not found" in missing.stderr


def test_an_unusable_signing_key_fails_before_rendering(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    out = tmp_path / "signed.mp4"
    result = _talkface("animate", shared_file("images", "local_matplotlib_grace_hopper.jpg"),
                       shared_file("audio", "local_alsa_Front_Center.wav"), "-o", out, "--size", 128,
                       "--sign-cert", cert, "--sign-key", key)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("talkface: error:")]
    assert len(errors) == 1 and "cert.pem: not a PEM certificate chain" in errors[0]
    assert sorted(tmp_path.iterdir()) == sorted([cert, key])  # no video, no temporary file
