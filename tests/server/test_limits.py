"""The limits a public service needs: each broken request gets one clear JSON
error, and the server goes on serving."""

import asyncio
import json

import aiohttp

from tests.conftest import shared_file
from tests.server.helpers import portrait, request


def _still_serving(url: str) -> None:
    status, answer, _ = request("GET", f"{url}/api/info")
    assert status == 200 and answer["size"] == 256


def test_oversize_photo_is_refused(small_server):
    big = shared_file("images", "sadtalker_art_3.png").read_bytes()  # 1.3 MB, the cap is 1 MB
    assert len(big) > 1024 * 1024
    status, answer, kind = request("POST", f"{small_server}/api/portraits", files={"photo": (big, "big.png")})
    assert (status, kind) == (413, "application/json")
    assert answer["error"] == "photo: larger than the 1 MB limit"
    _still_serving(small_server)


def test_types_are_judged_by_content_not_name(small_server):
    speech = shared_file("audio", "local_alsa_Front_Center.wav").read_bytes()
    photo = shared_file("images", "local_matplotlib_grace_hopper.jpg").read_bytes()
    status, answer, _ = request("POST", f"{small_server}/api/portraits", files={"photo": (speech, "face.jpg")})
    assert status == 415 and answer["error"].startswith("photo: not an image")
    status, answer, _ = request("POST", f"{small_server}/api/jobs",
                                files={"photo": (photo, "a.jpg"), "audio": (photo, "speech.wav")})
    assert status == 415 and answer["error"].startswith("audio: not audio")
    # A right name does not help a wrong content; a wrong name does not hurt a right one.
    status, answer, _ = request("POST", f"{small_server}/api/portraits", files={"photo": (photo, "voice.mp3")})
    assert status == 201 and answer["faces"] == 1
    _still_serving(small_server)


def test_content_that_only_looks_right_is_refused_when_decoded(small_server):
    fake = b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 100
    status, answer, _ = request("POST", f"{small_server}/api/portraits", files={"photo": (fake, "x.jpg")})
    assert status == 422 and answer["error"].startswith("photo: ")
    no_face = shared_file("images", "dlib_dogs.jpg").read_bytes()
    status, answer, _ = request("POST", f"{small_server}/api/portraits", files={"photo": (no_face, "dogs.jpg")})
    assert status == 422 and answer["error"] == "photo: no face found"


def test_malformed_requests_get_json_errors(small_server):
    cases = [
        ("POST", "/api/jobs", {"data": b"photo=x"}, 415, "expected multipart/form-data"),
        ("POST", "/api/jobs", {"files": {"audio": (b"fLaC", "a.flac")}, "fields": {"emotion": "happy"}},
         400, "photo: missing"),
        ("POST", "/api/jobs", {"files": {"photo": (b"\x89PNG\r\n\x1a\n", "p.png"),
                                         "audio": (b"fLaC", "a.flac")}, "fields": {"emotion": "bored"}},
         400, "controls: emotion must be one of"),
        ("GET", "/api/jobs/not-a-job", {}, 404, "no such job"),
        ("GET", "/static/..%2F..%2Fpyproject.toml", {}, 404, "no such file"),
        ("GET", "/api/nothing-here", {}, 404, "Not Found"),
    ]
    for method, path, options, expected_status, expected_error in cases:
        status, answer, kind = request(method, small_server + path, **options)
        assert (status, kind) == (expected_status, "application/json"), (path, answer)
        assert answer["error"].startswith(expected_error), (path, answer)
    _still_serving(small_server)


def test_sessions_are_capped_and_malformed_messages_answered(small_server):
    photo = shared_file("images", "local_matplotlib_grace_hopper.jpg").read_bytes()
    portrait_id = portrait(small_server, photo)
    live = small_server.replace("http", "ws") + "/api/live"

    async def scenario():
        async with aiohttp.ClientSession() as http:
            first = await http.ws_connect(live)
            # The cap is one session: a second connection is told so and closed.
            second = await http.ws_connect(live)
            refusal = await second.receive_json(timeout=10)
            assert refusal["type"] == "error" and refusal["error"].startswith("too many live sessions")
            await second.receive(timeout=10)
            assert second.closed and second.close_code == 1013

            answers = []
            for message in ["not json", json.dumps([1, 2]), json.dumps({"type": "dance"}),
                            json.dumps({"type": "controls", "controls": {}}),
                            json.dumps({"type": "start", "portrait": "nope", "sample_rate": 16000}),
                            json.dumps({"type": "start", "portrait": portrait_id, "sample_rate": "fast"}),
                            json.dumps({"type": "start", "portrait": portrait_id, "sample_rate": 16000,
                                        "controls": {"gaze": "sideways"}})]:
                await first.send_str(message)
                answers.append(await first.receive_json(timeout=10))
            await first.send_bytes(b"\x00\x01")
            answers.append(await first.receive_json(timeout=10))
            assert all(answer["type"] == "error" for answer in answers), answers
            assert [answer["error"].split(" ")[0] for answer in answers] == [
                "message", "message", "unknown", "send", "start:", "start:", "controls:", "send"]

            # The same connection still starts a session after all that.
            await first.send_json({"type": "start", "portrait": portrait_id, "sample_rate": 16000})
            started = await first.receive_json(timeout=30)
            assert started["type"] == "started" and started["size"] == 256
            await first.send_bytes(b"\x00\x00\x00")
            assert (await first.receive_json(timeout=10))["error"].startswith("audio must be 16-bit")
            await first.send_json({"type": "controls", "controls": {"emotion": "angry", "speed": 2}})
            assert (await first.receive_json(timeout=10))["error"].startswith("controls: unknown control 'speed'")
            # A message over the size limit ends the connection with "message too big".
            await first.send_bytes(bytes(2 * 1024 * 1024))
            closing = await first.receive(timeout=30)
            assert closing.type == aiohttp.WSMsgType.CLOSE and first.close_code == 1009
            await first.close()

            # With the first session gone there is room again.
            for _ in range(50):
                third = await http.ws_connect(live)
                await third.send_json({"type": "dance"})
                answer = await third.receive_json(timeout=10)
                await third.close()
                if not answer["error"].startswith("too many"):
                    break
                await asyncio.sleep(0.1)
            assert answer["error"].startswith("unknown message type")

    asyncio.run(scenario())
    _still_serving(small_server)
