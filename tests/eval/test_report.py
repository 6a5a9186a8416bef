"""The measurements, validated on real video."""

import numpy as np
import pytest

from talkface.audio.decode import decode_audio
from talkface.eval.report import evaluate_video
from talkface.media.read_video import read_frames

from ..conftest import shared_file, write_video

GRID = ("video", "lipnet_grid_pwij3p.mpg")


@pytest.fixture(scope="module")
def grid_report():
    path = shared_file(*GRID)
    return evaluate_video(path, reference_video=path, source_photo=None)


def test_a_real_video_against_itself(grid_report):
    assert grid_report.face_found == 1.0
    assert grid_report.mouth_reference.r0 == pytest.approx(1.0)
    assert grid_report.mouth_reference.lead == 0
    assert grid_report.closure_match == pytest.approx(1.0) or np.isnan(grid_report.closure_match)
    # A real speaker's mouth follows their own loudness.
    assert grid_report.mouth_audio.r0 > 0.4
    assert grid_report.delta_p_deg < 1.5


def test_audio_delayed_by_200_ms_is_reported_as_a_200_ms_offset(tmp_path, grid_report):
    frames = list(read_frames(shared_file(*GRID)))
    audio = decode_audio(shared_file(*GRID))
    delayed = np.r_[np.zeros(3200, np.float32), audio][:len(audio)]
    shifted = evaluate_video(write_video(tmp_path / "delayed.mp4", frames, delayed))
    change = shifted.mouth_audio.lead_ms - grid_report.mouth_audio.lead_ms
    assert change == pytest.approx(200, abs=40)


def test_a_reference_that_dropped_frames_is_compared_at_its_frames_times(tmp_path, grid_report):
    # Every third frame dropped, as some web recordings do: frame i of the
    # reference is no longer moment i / fps, and a frame-by-frame comparison
    # would slide further out of step with every drop.
    frames = list(read_frames(shared_file(*GRID)))
    kept = [i for i in range(len(frames)) if i % 3 != 1]
    dropped = write_video(tmp_path / "dropped.mp4", [frames[i] for i in kept], decode_audio(shared_file(*GRID)),
                     frame_numbers=kept)
    report = evaluate_video(shared_file(*GRID), reference_video=dropped)
    assert report.reference.frames == len(kept)
    assert report.reference.curves.times[:4] == pytest.approx([0.0, 0.08, 0.12, 0.2], abs=1e-3)
    # The real mouth against itself with a third of its frames filled in
    # between their neighbours: in step, and nearly the same curve.
    assert report.mouth_reference.lead == 0
    assert report.mouth_reference.r0 > 0.9


def test_a_still_frame_with_the_real_audio(tmp_path):
    frames = list(read_frames(shared_file(*GRID)))
    audio = decode_audio(shared_file(*GRID))
    still = evaluate_video(write_video(tmp_path / "still.mp4", [frames[0]] * len(frames), audio))
    assert abs(still.mouth_audio.r0) < 0.2
    assert still.delta_p_deg < 0.1
    assert still.blinks_per_minute == 0


def test_identity_against_the_first_frame(tmp_path):
    frames = list(read_frames(shared_file(*GRID)))
    photo = tmp_path / "frame0.png"
    from PIL import Image
    Image.fromarray(frames[0]).save(photo)
    report = evaluate_video(shared_file(*GRID), source_photo=photo)
    assert report.identity_mean < 0.35 and report.identity_max < 0.5
    assert 0.7 < report.sharpness_ratio < 1.3
    # A different person is far away.
    other = evaluate_video(shared_file("video", "deepavsr_lrs2_00001.mp4"), source_photo=photo)
    assert other.identity_mean > 0.6


def test_report_is_plain_json(grid_report):
    import json
    document = json.loads(json.dumps(grid_report.to_dict()))
    assert document["mouth_reference"]["r0"] == 1.0
    assert document["reference"]["face_found"] == 1.0


def test_a_three_quarter_face_is_its_own_identity():
    # The Vermeer is turned away: a descriptor taken from a tight box around
    # the landmarks put the unchanged painting 0.42 from itself.
    import cv2
    from talkface.eval.face_track import track_face
    from talkface.eval.report import against_photo
    from talkface.media.read_image import read_image
    painting = read_image(shared_file("images", "liveportrait_source_s10.jpg"))
    painting = cv2.resize(painting, None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
    figures = against_photo(track_face(iter([painting] * 2), fps=1.0), painting)
    assert figures["identity_max"] < 0.15
