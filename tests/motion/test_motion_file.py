import numpy as np
import pytest

from talkface.errors import InputError
from talkface.motion.arkit import ARKIT_NAMES
from talkface.motion.motion_file import load_motion, save_motion
from talkface.motion.track import MotionTrack


@pytest.fixture
def track():
    rng = np.random.default_rng(1)
    return MotionTrack(fps=25.0, weights=rng.random((60, 52)).astype(np.float32),
                       head_rotation=rng.normal(0, 5, (60, 3)).astype(np.float32))


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_round_trip(tmp_path, track, suffix):
    loaded = load_motion(save_motion(track, tmp_path / f"track{suffix}"))
    assert loaded.fps == 25.0 and loaded.frame_count == 60
    assert np.abs(loaded.weights - track.weights).max() < 1e-4
    assert np.abs(loaded.head_rotation - track.head_rotation).max() < 1e-3


def test_csv_is_the_live_link_face_layout(tmp_path, track):
    path = save_motion(track, tmp_path / "track.csv")
    header, first = path.read_text().splitlines()[:2]
    columns = header.split(",")
    assert columns[:3] == ["Timecode", "BlendShapeCount", "EyeBlinkLeft"]
    assert columns[2 + 52 - 1] == "TongueOut" and columns[54:57] == ["HeadYaw", "HeadPitch", "HeadRoll"]
    assert first.split(",")[0] == "00:00:00:00.000"
    # Head angles are radians in the file.
    assert float(first.split(",")[54]) == pytest.approx(np.radians(track.head_rotation[0, 0]), abs=1e-5)
    assert len(ARKIT_NAMES) == 52


@pytest.mark.parametrize("name, content, problem", [
    ("a.csv", "hello,world\n1,2\n", "Timecode"),
    ("b.csv", "Timecode,BlendShapeCount,EyeBlinkLeft,JawOpen\n00:00:00:00.000,61,zero,0\n", "line 2"),
    ("c.json", "{\"format\": \"talkface-motion\", \"fps\": 25}", "not a valid motion file"),
    ("d.json", "[1, 2", "not a valid motion file"),
    ("e.txt", "whatever", ".json or .csv"),
    ("f.csv", "Timecode,BlendShapeCount,EyeBlinkLeft,JawOpen\n", "no frames"),
])
def test_bad_files_give_clear_errors(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=problem):
        load_motion(path)


def test_save_refuses_other_suffixes_and_leaves_nothing(tmp_path, track):
    with pytest.raises(InputError):
        save_motion(track, tmp_path / "track.txt")
    assert list(tmp_path.iterdir()) == []
