"""The reproduction protocol and the eval command, on a real clip."""

import json
import shutil
import subprocess
import sys

from ..conftest import shared_file


def test_suite_renders_measures_and_tabulates(tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copy(shared_file("video", "lipnet_grid_pwij3p.mpg"), folder)
    (folder / "notes.txt").write_text("not a video")
    report_dir = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "talkface.cli", "eval", "--suite", str(folder),
                             "--report", str(report_dir)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads((report_dir / "summary.json").read_text())
    clip = figures["lipnet_grid_pwij3p.mpg"]
    # Our rendering of frame 0 speaking the clip's audio: the same person,
    # a mouth that follows the real speaker's, measured beside the real video.
    assert clip["identity_mean"] < 0.4
    assert clip["mouth_reference"]["r0"] > 0.3
    assert clip["reference"]["mouth_reference"] is None
    assert clip["reference"]["face_found"] == 1.0
    table = (report_dir / "summary.md").read_text()
    assert "lipnet_grid_pwij3p.mpg" in table and "| real |" in table and "**median**" in table
    for kind in ("mouth", "pose", "sheet"):
        assert (report_dir / "plots" / f"lipnet_grid_pwij3p-{kind}.png").stat().st_size > 10_000


def test_eval_command_prints_figures_and_writes_json(tmp_path):
    video = shared_file("video", "pcavs_Audio_Source_00086.mp4")
    out = tmp_path / "figures.json"
    result = subprocess.run([sys.executable, "-m", "talkface.cli", "eval", str(video), "--json", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "mouth vs loudness" in result.stdout and "head: dP" in result.stdout
    assert json.loads(out.read_text())["face_found"] == 1.0
    missing = subprocess.run([sys.executable, "-m", "talkface.cli", "eval", str(tmp_path / "none.mp4")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "file not found" in missing.stderr
