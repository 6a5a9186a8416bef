"""Live sessions over a WebSocket, and the portraits they animate.

Protocol (one session per connection):
  client text  {"type": "start", "portrait": ID, "sample_rate": HZ, "controls": {...}}
  server text  {"type": "started", "fps": 25, "size": 512, "lookahead_ms": 120}
  client binary  16-bit little-endian mono PCM at HZ, chunks of any size
  server binary  a frame: uint32 index, float32 time (s), float32 delay (s), all
                 little-endian, then the JPEG
  client text  {"type": "controls", "controls": {...}}   (any time; answered with the new controls)
  server text  {"type": "notice", "fps": F, "size": S, "message": "..."}   (frame rate or size changed)
  client text  {"type": "stop"}   the last frames come, then {"type": "end"}
  server text  {"type": "error", "error": "..."}   a message it could not use; the session goes on
A message over ServerConfig.max_message_bytes closes the connection with
WebSocket code 1009 (message too big).
"""

import asyncio
import dataclasses
import json
import queue
import struct
import threading
import time
import uuid
from dataclasses import dataclass

import cv2
import numpy as np
from aiohttp import WSMsgType, web

from talkface.errors import InputError
from talkface.face.rig import FaceRig, analyse_photo
from talkface.media.read_image import read_image
from talkface.server.config import ServerConfig
from talkface.server.controls import parse_controls
from talkface.server.errors import json_error
from talkface.server.uploads import Upload
from talkface.stream import StreamFrame, StreamNotice, StreamSession

FRAME_HEADER = struct.Struct("<Iff")


@dataclass(frozen=True)
class Portrait:
    image: np.ndarray
    rig: FaceRig
    created: float


class Portraits:
    """Uploaded portraits, ready to animate: the newest ``max_portraits``,
    each for ``portrait_retention_s``."""

    def __init__(self, config: ServerConfig, folder):
        self.config = config
        self._folder = folder
        self._items: dict[str, Portrait] = {}
        self._lock = threading.Lock()

    def add(self, photo: Upload) -> tuple[str, FaceRig]:
        """Decode and analyse ``photo`` (blocking: run it off the event loop).

        Raises:
            InputError: not an image Pillow decodes, or no face in it.
        """
        path = self._folder / f"{uuid.uuid4().hex}{photo.suffix}"
        path.write_bytes(photo.data)
        try:
            image = read_image(path)
        finally:
            path.unlink(missing_ok=True)
        longest = max(image.shape[:2])
        if longest > self.config.max_portrait_side:
            scale = self.config.max_portrait_side / longest
            image = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)),
                               interpolation=cv2.INTER_AREA)
        rig = analyse_photo(image, size=self.config.size)
        portrait_id = uuid.uuid4().hex
        with self._lock:
            self._expire()
            self._items[portrait_id] = Portrait(image, rig, time.monotonic())
            while len(self._items) > self.config.max_portraits:
                del self._items[next(iter(self._items))]
        return portrait_id, rig

    def get(self, portrait_id) -> Portrait | None:
        with self._lock:
            self._expire()
            return self._items.get(portrait_id) if isinstance(portrait_id, str) else None

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [key for key, item in self._items.items()
                    if now - item.created > self.config.portrait_retention_s]:
            del self._items[key]


class LiveSessions:
    """Runs WebSocket sessions, at most ``config.max_sessions`` at once."""

    def __init__(self, config: ServerConfig, portraits: Portraits):
        self.config = config
        self.portraits = portraits
        self.active = 0

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=self.config.max_message_bytes, heartbeat=20.0)
        await ws.prepare(request)
        if self.active >= self.config.max_sessions:
            await _send_error(ws, f"too many live sessions (the limit is {self.config.max_sessions}); "
                                  f"try again later")
            await ws.close(code=1013, message=b"too many sessions")
            return ws
        self.active += 1
        connection = _Connection(ws, self)
        try:
            await connection.run()
        finally:
            self.active -= 1
            await connection.release()
        return ws


class _Connection:
    def __init__(self, ws: web.WebSocketResponse, owner: LiveSessions):
        self.ws = ws
        self.config = owner.config
        self.portraits = owner.portraits
        self.session: StreamSession | None = None
        self.sample_rate = 0
        self.pump: asyncio.Task | None = None

    async def run(self) -> None:
        ends = time.monotonic() + self.config.session_max_s
        while not self.ws.closed:
            timeout = min(self.config.session_idle_s, ends - time.monotonic())
            if timeout <= 0:
                await _send_error(self.ws, f"session ended: the limit is {self.config.session_max_s:.0f} s")
                break
            try:
                message = await self.ws.receive(timeout=timeout)
            except asyncio.TimeoutError:
                if time.monotonic() < ends:
                    await _send_error(self.ws, f"session closed after {self.config.session_idle_s:.0f} s "
                                               f"without audio or messages")
                    break
                continue
            if message.type == WSMsgType.TEXT:
                if await self._text(message.data):
                    break
            elif message.type == WSMsgType.BINARY:
                await self._audio(message.data)
            elif message.type == WSMsgType.ERROR:  # an oversized or broken frame ends the connection
                await _send_error(self.ws, f"unreadable message ({message.data}); the limit is "
                                           f"{self.config.max_message_bytes // 1024} kB a message")
                break
            else:  # closing or closed
                break
        await self.ws.close()

    async def _text(self, text: str) -> bool:
        """Handle a control message; True when the session is over."""
        try:
            message = json.loads(text)
        except ValueError:
            await _send_error(self.ws, "message is not JSON")
            return False
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await _send_error(self.ws, 'message must be a JSON object with a "type"')
            return False
        kind = message["type"]
        if kind == "start":
            await self._start(message)
        elif kind == "controls":
            if self.session is None:
                await _send_error(self.ws, "send a start message first")
                return False
            try:
                controls = parse_controls(_object(message.get("controls")), base=self.session.controls)
                self.session.set_controls(controls)
            except ValueError as error:
                await _send_error(self.ws, f"controls: {error}")
                return False
            await self.ws.send_json({"type": "controls", "controls": dataclasses.asdict(controls)})
        elif kind == "stop":
            if self.session is not None:
                self.session.finish()
                await self.pump
            return True
        else:
            await _send_error(self.ws, f"unknown message type {kind!r} (start, controls, stop)")
        return False

    async def _start(self, message: dict) -> None:
        if self.session is not None:
            await _send_error(self.ws, "the session has started already")
            return
        portrait = self.portraits.get(message.get("portrait"))
        if portrait is None:
            await _send_error(self.ws, "start: unknown or expired portrait (upload it to /api/portraits)")
            return
        rate = message.get("sample_rate")
        if not isinstance(rate, int) or not 8000 <= rate <= 192000:
            await _send_error(self.ws, "start: sample_rate must be a whole number of Hz from 8000 to 192000")
            return
        try:
            controls = parse_controls(_object(message.get("controls")))
        except ValueError as error:
            await _send_error(self.ws, f"controls: {error}")
            return
        loop = asyncio.get_running_loop()
        rig = portrait.rig
        try:
            if controls.head_distance != 1.0:
                rig = await loop.run_in_executor(None, lambda: analyse_photo(
                    portrait.image, size=self.config.size, zoom=controls.head_distance))
            self.session = await loop.run_in_executor(None, lambda: StreamSession(
                rig, controls=controls, config=self.config.stream, photo=portrait.image))
        except InputError as error:
            await _send_error(self.ws, f"start: {error.problem}")
            return
        self.sample_rate = rate
        await self.ws.send_json({"type": "started", "fps": self.config.stream.fps, "size": self.config.size,
                                 "lookahead_ms": round(self.config.stream.lookahead_s * 1000)})
        self.pump = asyncio.create_task(self._send_frames())

    async def _audio(self, data: bytes) -> None:
        if self.session is None:
            await _send_error(self.ws, "send a start message before audio")
            return
        if len(data) % 2:
            await _send_error(self.ws, "audio must be 16-bit PCM (an even number of bytes)")
            return
        try:
            self.session.push(np.frombuffer(data, dtype="<i2"), self.sample_rate)
        except RuntimeError as error:
            await _send_error(self.ws, str(error))

    async def _send_frames(self) -> None:
        loop = asyncio.get_running_loop()
        quality = self.config.jpeg_quality
        while True:
            try:
                event = await loop.run_in_executor(None, _next_event, self.session, quality)
            except RuntimeError as error:
                await _send_error(self.ws, f"{error}; session closed")
                await self.ws.close()
                return
            if event is _NOTHING_YET:
                continue
            if self.ws.closed:
                return
            if event is None:
                await self.ws.send_json({"type": "end"})
                return
            if isinstance(event, StreamNotice):
                await self.ws.send_json({"type": "notice", "fps": event.fps, "size": event.size,
                                         "message": event.message})
            else:
                await self.ws.send_bytes(event)

    async def release(self) -> None:
        if self.pump is not None and not self.pump.done():
            self.pump.cancel()
        if self.session is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.session.close)


_NOTHING_YET = object()


def _next_event(session: StreamSession, quality: int):
    """The next event, a frame encoded for the wire (runs off the event loop)."""
    try:
        event = session.next_event(timeout=0.5)
    except queue.Empty:
        return _NOTHING_YET
    if isinstance(event, StreamFrame):
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(event.image, cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, quality])
        return FRAME_HEADER.pack(event.index, event.time_s, event.delay_s) + jpeg.tobytes()
    return event


def _object(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    return value


async def _send_error(ws: web.WebSocketResponse, message: str) -> None:
    if not ws.closed:
        await ws.send_json({"type": "error", "error": message})


def portrait_error(error: InputError) -> web.HTTPException:
    return json_error(422, f"photo: {error.problem}")
