"""A live session over the WebSocket: PCM up, timed JPEG frames down, controls on the way."""

import asyncio
import io
import time

import aiohttp
import numpy as np
from PIL import Image

from talkface.audio.decode import decode_audio
from talkface.server.live import FRAME_HEADER
from tests.conftest import shared_file
from tests.server.helpers import portrait


def test_live_session_streams_frames_and_takes_controls(small_server):
    portrait_id = portrait(small_server, shared_file("images", "local_matplotlib_grace_hopper.jpg").read_bytes())
    pcm = (decode_audio(shared_file("audio", "whisper_jfk.flac"), sample_rate=48000)[:48000 * 2] * 32767)
    pcm = pcm.astype("<i2")
    chunk = 48000 * 30 // 1000

    async def scenario():
        frames, texts = [], []
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(small_server.replace("http", "ws") + "/api/live")
            await ws.send_json({"type": "start", "portrait": portrait_id, "sample_rate": 48000,
                                "controls": {"gaze": "right"}})
            assert (await ws.receive_json(timeout=30))["type"] == "started"

            async def receive():
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        frames.append(message.data)
                    else:
                        texts.append(message.json())
                        if texts[-1]["type"] == "end":
                            return

            receiving = asyncio.create_task(receive())
            start = time.monotonic()
            for first in range(0, len(pcm), chunk):   # at the pace a microphone delivers
                await asyncio.sleep(max(0.0, start + (first + chunk) / 48000 - time.monotonic()))
                await ws.send_bytes(pcm[first:first + chunk].tobytes())
                if first == chunk * 30:
                    await ws.send_json({"type": "controls", "controls": {"emotion": "happy"}})
            await ws.send_json({"type": "stop"})
            await asyncio.wait_for(receiving, 60)
            await ws.close()
        return frames, texts

    frames, texts = asyncio.run(scenario())
    acknowledged = [text["controls"] for text in texts if text["type"] == "controls"]
    assert acknowledged and acknowledged[0]["emotion"] == "happy" and acknowledged[0]["gaze"] == [15.0, 0.0]
    assert texts[-1] == {"type": "end"}
    assert not [text for text in texts if text["type"] == "error"]
    headers = [FRAME_HEADER.unpack(frame[:FRAME_HEADER.size]) for frame in frames]
    times = [time_s for _, time_s, _ in headers]
    # Frames for the whole two seconds (fewer if the machine is busy), in order.
    assert len(frames) >= 10 and times == sorted(times) and times[-1] > 1.8
    images = [Image.open(io.BytesIO(frame[FRAME_HEADER.size:])) for frame in frames]
    assert {image.format for image in images} == {"JPEG"}
    assert {image.size for image in images} <= {(256, 256), (128, 128)}
    assert np.asarray(images[-1]).std() > 20   # a picture, not a blank
