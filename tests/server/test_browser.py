"""End to end in a real browser: Debian's Chromium, its fake microphone
playing a speech file, the page streaming it to the server and drawing the
frames that come back."""

import base64
import io
import os
import shutil
import time
import wave

import numpy as np
import pytest
from PIL import Image

from talkface.audio.decode import decode_audio
from talkface.face import landmark_indices as idx
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image
from talkface.server.config import ServerConfig
from tests.conftest import shared_file
from tests.server.conftest import running_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _browser_or_skip():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    return playwright


def _fake_microphone_file(folder) -> str:
    """Chromium's fake capture device plays 16-bit PCM WAV only."""
    samples = decode_audio(shared_file("audio", "whisper_jfk.flac"), sample_rate=48000)
    path = folder / "speech.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return str(path)


def test_page_streams_the_microphone_and_the_face_talks(tmp_path):
    playwright = _browser_or_skip()
    photo = shared_file("images", "local_matplotlib_grace_hopper.jpg")
    rig = analyse_photo(read_image(photo), size=512)   # the framing the server gives the frames
    lips = rig.landmarks[np.r_[idx.LIPS_INNER_UPPER, idx.LIPS_INNER_LOWER], :2]
    (left, top), (right, bottom) = lips.min(axis=0).astype(int) - 6, lips.max(axis=0).astype(int) + 12
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
             "--use-fake-device-for-media-stream",
             f"--use-file-for-fake-audio-capture={_fake_microphone_file(tmp_path)}",
             "--disable-background-networking", "--disable-component-update", "--no-first-run"]
    with running_server(ServerConfig(max_sessions=1)) as url, playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=flags)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            assert page.title().startswith("talkface")
            page.set_input_files("#portrait-input", str(photo))
            page.wait_for_function("!document.getElementById('mic-button').disabled", timeout=60_000)
            assert page.inner_text("#portrait-status") == "Ready: face found"
            page.click("#mic-button")
            page.wait_for_function("window.talkface.frames > 0", timeout=60_000)

            darkness = []
            for _ in range(40):   # four seconds of the preview, as the canvas shows it
                snapshot = page.evaluate("document.getElementById('screen').toDataURL('image/png')")
                image = np.asarray(Image.open(io.BytesIO(base64.b64decode(snapshot.split(",", 1)[1]))).convert("RGB"))
                darkness.append(np.mean(image[top:bottom, left:right].mean(axis=2) < 70))
                time.sleep(0.1)
            frames = page.evaluate("window.talkface.frames")
            page.click("#mic-button")   # stop
            page.wait_for_function("document.getElementById('mic-label').textContent === 'Start talking'",
                                   timeout=30_000)
        finally:
            browser.close()
    assert not errors, errors
    # Frames keep arriving (the session may lower its rate on a busy machine)...
    assert frames >= 20
    # ...and in them the mouth opens and closes with the speech.
    assert max(darkness) - min(darkness) > 0.1, darkness
