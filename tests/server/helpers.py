"""HTTP and WebSocket calls for the server tests (aiohttp's client, run to completion)."""

import asyncio

import aiohttp


def request(method: str, url: str, *, files: dict[str, tuple[bytes, str]] | None = None,
            fields: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, dict | bytes, str]:
    """(status, JSON answer or raw body, content type)."""
    async def call():
        body = data
        if files is not None or fields is not None:
            body = aiohttp.FormData()
            for name, (content, filename) in (files or {}).items():
                body.add_field(name, content, filename=filename)
            for name, value in (fields or {}).items():
                body.add_field(name, value)
        async with aiohttp.ClientSession() as session:
            async with session.request(method, url, data=body) as response:
                raw = await response.read()
                kind = response.content_type
                return response.status, (await response.json() if kind == "application/json" else raw), kind
    return asyncio.run(call())


def portrait(url: str, photo: bytes) -> str:
    status, answer, _ = request("POST", f"{url}/api/portraits", files={"photo": (photo, "p.jpg")})
    assert status == 201, answer
    return answer["portrait"]
