"""A real server on a free local port, in a background thread."""

import asyncio
import contextlib
import threading

import pytest

pytest.importorskip("aiohttp", reason="talkface[server] is not installed")

from aiohttp import web  # noqa: E402

from talkface.server.app import create_app  # noqa: E402
from talkface.server.config import ServerConfig  # noqa: E402


@contextlib.contextmanager
def running_server(config: ServerConfig):
    """Yields the base URL of a server with ``config``; stops it afterwards."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state = {}

    async def start():
        runner = web.AppRunner(create_app(config))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        state["port"] = runner.addresses[0][1]
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True)
    thread.start()
    assert started.wait(30), "server did not start"
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        asyncio.run_coroutine_threadsafe(state["runner"].cleanup(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture(scope="module")
def small_server():
    """256² frames, tight limits: 1 MB photos, one job and one live session at a time."""
    config = ServerConfig(size=256, max_photo_bytes=1024 * 1024, max_audio_bytes=2 * 1024 * 1024,
                          max_jobs=1, max_sessions=1, session_idle_s=20.0)
    with running_server(config) as url:
        yield url
