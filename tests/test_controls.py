"""Each control does what it says, measured on rendered frames."""

import av
import numpy as np
import pytest

import talkface.api as api
from talkface.face import landmark_indices as idx
from talkface.face.face_landmarks import face_landmarks

from .conftest import shared_file

PHOTO = ("images", "local_skimage_astronaut.png")
AUDIO = ("audio", "local_alsa_Front_Center.wav")


def _frames(path):
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def _landmarks(frames):
    return np.stack([face_landmarks(frame, None) for frame in frames])


def _render(tmp_path, name, **options):
    out = tmp_path / f"{name}.mp4"
    api.animate(shared_file(*PHOTO), shared_file(*AUDIO), out, size=256, label=None, **options)
    return _frames(out)


@pytest.fixture(scope="module")
def neutral(tmp_path_factory):
    return _render(tmp_path_factory.mktemp("controls"), "neutral", motion_intensity=0.0)


def test_gaze_left_moves_the_irises_left(tmp_path, neutral):
    left = _landmarks(_render(tmp_path, "left", gaze="left", motion_intensity=0.0)[::6])
    ahead = _landmarks(neutral[::6])
    def iris_offset(points):  # iris centre relative to the eye corners, in eye widths
        out = []
        for upper, iris in ((idx.RIGHT_EYE_UPPER, idx.RIGHT_IRIS), (idx.LEFT_EYE_UPPER, idx.LEFT_IRIS)):
            width = points[:, upper[-1], 0] - points[:, upper[0], 0]
            middle = (points[:, upper[-1], 0] + points[:, upper[0], 0]) / 2
            out.append((points[:, iris[0], 0] - middle) / np.abs(width))
        return np.mean(out, axis=0)
    # 15 degrees to the left: the irises move a clear share of the eye's width
    # (frame-to-frame noise of the measurement is about 0.01).
    assert np.median(iris_offset(left)) < np.median(iris_offset(ahead)) - 0.03


def test_head_distance_scales_the_face(tmp_path, neutral):
    closer = _landmarks(_render(tmp_path, "closer", head_distance=1.2, motion_intensity=0.0)[:1])
    normal = _landmarks(neutral[:1])
    def face_height(points):
        return np.linalg.norm(points[0, idx.CHIN, :2] - points[0, idx.FOREHEAD, :2])
    assert face_height(closer) / face_height(normal) == pytest.approx(1.2, abs=0.06)


def test_happy_raises_the_mouth_corners(tmp_path, neutral):
    happy = _landmarks(_render(tmp_path, "happy", emotion="happy", emotion_intensity=1.0,
                               motion_intensity=0.0)[::5])
    normal = _landmarks(neutral[::5])
    def corner_lift(points):  # mouth corners above the lip centre, interocular units, per frame
        eyes = np.linalg.norm(points[:, 468, :2] - points[:, 473, :2], axis=1)
        corners = points[:, [61, 291], 1].mean(axis=1)
        return (points[:, 13, 1] - corners) / eyes
    # Measurement noise of a frame is about 0.01.
    assert np.median(corner_lift(happy)) > np.median(corner_lift(normal)) + 0.015


def test_motion_intensity_zero_keeps_the_head_still(tmp_path):
    def hair_motion(name, intensity):
        frames = _render(tmp_path, name, motion_intensity=intensity)
        points = face_landmarks(frames[0], None)
        # Forehead and hair: everything above the brows, which only the
        # head's own motion moves (lips, lids and gaze do not reach it).
        top = int(points[idx.BROWS_INNER, 1].min()) - 4
        band = np.stack(frames)[:, :top].astype(float)
        return np.abs(band - band[0]).mean(axis=(1, 2, 3)).max()
    still, lively = hair_motion("still", 0.0), hair_motion("lively", 2.0)
    assert still < 1.0          # encoding noise only
    assert lively > 3.0


def test_a_motion_file_round_trip_renders_the_same_video(tmp_path):
    track = api.motion(shared_file(*AUDIO), tmp_path / "track.csv")
    direct = tmp_path / "direct.mp4"
    api.render(shared_file(*PHOTO), track, shared_file(*AUDIO), direct, size=256, label=None)
    loaded = tmp_path / "loaded.mp4"
    api.render(shared_file(*PHOTO), tmp_path / "track.csv", shared_file(*AUDIO), loaded, size=256, label=None)
    a, b = _frames(direct), _frames(loaded)
    assert len(a) == len(b) == track.frame_count
    # The file keeps 5 decimals: the frames before encoding differ by ~1e-4
    # levels; the encoder's choices spread that to under a level.
    worst = max(np.abs(x.astype(int) - y.astype(int)).mean() for x, y in zip(a, b))
    assert worst < 1.0


def test_bad_control_values_are_input_errors(tmp_path):
    with pytest.raises(api.InputError, match="emotion"):
        api.animate(shared_file(*PHOTO), shared_file(*AUDIO), tmp_path / "x.mp4", emotion="bored")
    with pytest.raises(api.InputError, match="gaze"):
        api.animate(shared_file(*PHOTO), shared_file(*AUDIO), tmp_path / "x.mp4", gaze="sideways")
    assert list(tmp_path.iterdir()) == []
