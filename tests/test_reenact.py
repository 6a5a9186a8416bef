"""Reenactment: a photo driven by a real video follows its head."""

import shutil

import numpy as np
import pytest

import talkface.api as api
from talkface.eval.lip_sync import lagged_correlation, pearson
from talkface.eval.report import evaluate_video

from .conftest import shared_file, write_video

DRIVER = ("video", "liveportrait_driving_d11.mp4")


@pytest.fixture(scope="module")
def reenacted(tmp_path_factory):
    out = tmp_path_factory.mktemp("reenact") / "einstein.mp4"
    api.reenact(shared_file("images", "liveportrait_source_s12.jpg"), shared_file(*DRIVER), out,
                size=384, label=None)
    return out


def test_reenactment_reproduces_the_drivers_head_pose(reenacted):
    ours = evaluate_video(reenacted, reference_video=shared_file(*DRIVER))
    real = ours.reference
    assert ours.frames == real.frames
    for axis, name in ((0, "yaw"), (1, "pitch")):
        r = pearson(ours.curves.pose[:, axis], real.curves.pose[:, axis])
        assert r >= 0.8, f"{name}: r = {r:.2f}"
    # ...and keeps the driver's sound.
    assert ours.mouth_audio is not None


def test_mouth_from_another_audio_with_head_from_the_video(tmp_path):
    out = tmp_path / "mixed.mp4"
    api.reenact(shared_file("images", "liveportrait_source_s12.jpg"), shared_file(*DRIVER), out,
                mouth_audio=shared_file("audio", "whisper_jfk.flac"), size=256, label=None)
    report = evaluate_video(out)
    # The sound and the mouth are JFK's: the mouth follows that loudness.
    assert report.mouth_audio.best > 0.4


def test_a_driver_that_dropped_frames_is_measured_at_their_times(tmp_path):
    from talkface.audio.decode import decode_audio
    from talkface.media.read_video import read_frames
    from talkface.motion.from_video import motion_from_video
    grid = shared_file("video", "lipnet_grid_pwij3p.mpg")
    frames = list(read_frames(grid))
    # Every other frame dropped for the first 1.6 s, as phones and web
    # recordings do when busy: no steady rate matches these frames' times.
    # The first frame comes 0.12 s after the sound starts, as in some web
    # recordings.
    kept = [i for i in range(3, len(frames)) if i >= 40 or i % 2 == 0]
    dropped = write_video(tmp_path / "dropped.mp4", [frames[i] for i in kept], decode_audio(grid), frame_numbers=kept)
    whole, thinned = motion_from_video(grid), motion_from_video(dropped)
    # Frame k of both tracks is the same moment: the jaw moves in step.
    n = thinned.frame_count
    steady = np.arange(n) / thinned.fps
    jaw = np.interp(steady, np.arange(whole.frame_count) / whole.fps, whole.weight("jawOpen"))
    # (Before the first frame the track holds it: compared from there on.)
    seen = steady >= kept[0] / whole.fps
    assert pearson(thinned.weight("jawOpen")[seen], jaw[seen]) > 0.9
    assert lagged_correlation(thinned.weight("jawOpen")[seen], jaw[seen], fps=thinned.fps, max_lag=5).lead == 0


def test_a_video_without_a_face_is_refused(tmp_path):
    from talkface.errors import InputError
    with pytest.raises(InputError, match="no face"):
        api.reenact(shared_file("images", "liveportrait_source_s12.jpg"),
                    _faceless_video(tmp_path), tmp_path / "out.mp4", size=128)
    assert not (tmp_path / "out.mp4").exists()


def _faceless_video(tmp_path):
    import av
    path = tmp_path / "grass.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width = stream.height = 128
        stream.pix_fmt = "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((128, 128, 3), 60 + i, np.uint8), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
