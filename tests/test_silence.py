"""A pause in the speech: the mouth rests and stays still."""

import av
import numpy as np

import talkface.api as api
from talkface.audio.decode import decode_audio
from talkface.eval.report import evaluate_video

from .conftest import shared_file


def test_mouth_is_closed_and_still_through_a_long_silence(tmp_path):
    speech = decode_audio(shared_file("audio", "local_alsa_Front_Center.wav"))
    audio = np.r_[speech, np.zeros(16000 * 3, np.float32), speech]
    path = tmp_path / "pause.wav"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=16000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray((audio * 32767).astype(np.int16).reshape(1, -1),
                                           format="s16", layout="mono")
        frame.rate = 16000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    video = tmp_path / "pause.mp4"
    api.animate(shared_file("images", "local_matplotlib_grace_hopper.jpg"), path, video, size=256, label=None)
    report = evaluate_video(video)
    mouth = report.curves.mouth
    start = len(speech) / 16000
    silent = mouth[int((start + 0.5) * 25):int((start + 2.5) * 25)]
    talking = np.r_[mouth[:int(start * 25)], mouth[-int(start * 25):]]
    assert np.nanmax(talking) > np.nanmax(silent) + 0.1
    # Still: no chatter beyond the measurement's own noise.
    assert np.nanstd(silent) < 0.01
