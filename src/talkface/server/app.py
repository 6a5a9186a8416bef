"""The web application: file jobs, live sessions, verification and the page."""

import asyncio
import dataclasses
import shutil
import tempfile
import uuid
from importlib import resources
from pathlib import Path

from aiohttp import web

from talkface import __version__, api
from talkface.errors import InputError
from talkface.server.config import ServerConfig
from talkface.server.controls import animate_options, parse_controls
from talkface.server.errors import json_error, json_errors
from talkface.server.jobs import JobQueue
from talkface.server.live import LiveSessions, Portraits, portrait_error
from talkface.server.uploads import read_form

_STATIC = resources.files("talkface.server") / "static"
CONFIG = web.AppKey("config", ServerConfig)
JOBS = web.AppKey("jobs", JobQueue)
PORTRAITS = web.AppKey("portraits", Portraits)
LIVE = web.AppKey("live", LiveSessions)
FOLDER = web.AppKey("folder", Path)
# Portrait analyses and verifications keep a core busy each: as many run at
# once as jobs may, the rest wait their turn.
ANALYSES = web.AppKey("analyses", asyncio.Semaphore)


def create_app(config: ServerConfig = ServerConfig()) -> web.Application:
    """The aiohttp application; its jobs and files are cleaned up when it stops."""
    app = web.Application(middlewares=[json_errors],
                          client_max_size=config.max_video_bytes + config.max_audio_bytes)
    folder = Path(tempfile.mkdtemp(prefix="talkface-server-"))
    app[CONFIG] = config
    app[JOBS] = JobQueue(config)
    app[PORTRAITS] = Portraits(config, folder)
    app[LIVE] = LiveSessions(config, app[PORTRAITS])
    app[FOLDER] = folder
    app[ANALYSES] = asyncio.Semaphore(config.max_jobs)

    async def cleanup(app: web.Application) -> None:
        await asyncio.get_running_loop().run_in_executor(None, app[JOBS].close)
        shutil.rmtree(folder, ignore_errors=True)

    app.on_cleanup.append(cleanup)
    app.router.add_get("/", _index)
    app.router.add_get("/static/{name}", _static)
    app.router.add_get("/api/info", _info)
    app.router.add_post("/api/jobs", _submit_job)
    app.router.add_get("/api/jobs/{job_id}", _job_status)
    app.router.add_get("/api/jobs/{job_id}/video", _job_video)
    app.router.add_post("/api/portraits", _add_portrait)
    app.router.add_get("/api/live", app[LIVE].handle)
    app.router.add_post("/api/verify", _verify)
    return app


async def _index(request: web.Request) -> web.Response:
    return web.Response(text=(_STATIC / "index.html").read_text(encoding="utf-8"), content_type="text/html")


_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    suffix = Path(name).suffix
    # Only the package's own files, looked up by exact name: no path from the client reaches the disk.
    available = {entry.name: entry for entry in _STATIC.iterdir()}
    if suffix not in _STATIC_TYPES or name not in available:
        raise json_error(404, f"no such file: {name}")
    return web.Response(body=available[name].read_bytes(), content_type=_STATIC_TYPES[suffix])


async def _info(request: web.Request) -> web.Response:
    config: ServerConfig = request.app[CONFIG]
    return web.json_response({
        "version": __version__, "size": config.size, "fps": config.stream.fps,
        "lookahead_ms": round(config.stream.lookahead_s * 1000),
        "limits": {"photo_bytes": config.max_photo_bytes, "audio_bytes": config.max_audio_bytes,
                   "video_bytes": config.max_video_bytes, "audio_seconds": config.max_audio_s,
                   "jobs": config.max_jobs, "sessions": config.max_sessions},
    })


async def _submit_job(request: web.Request) -> web.Response:
    config: ServerConfig = request.app[CONFIG]
    files, texts = await read_form(request, {"photo": config.max_photo_bytes, "audio": config.max_audio_bytes},
                                   required=("photo", "audio"))
    try:
        controls = parse_controls(texts)
    except ValueError as error:
        raise json_error(400, f"controls: {error}") from None
    try:
        job = await asyncio.get_running_loop().run_in_executor(  # writing the uploads takes a while
            None, request.app[JOBS].submit, files["photo"], files["audio"], animate_options(controls))
    except OverflowError as error:
        raise json_error(429, str(error)) from None
    return web.json_response(job.describe(), status=202)


def _job(request: web.Request):
    job = request.app[JOBS].get(request.match_info["job_id"])
    if job is None:
        raise json_error(404, "no such job (finished videos are kept for an hour)")
    return job


async def _job_status(request: web.Request) -> web.Response:
    return web.json_response(_job(request).describe())


async def _job_video(request: web.Request) -> web.StreamResponse:
    job = _job(request)
    if job.state != "done":
        raise json_error(409, f"the video is not ready (the job is {job.state})")
    return web.FileResponse(job.video, headers={
        "Content-Type": "video/mp4", "Content-Disposition": 'attachment; filename="talkface.mp4"'})


async def _add_portrait(request: web.Request) -> web.Response:
    config: ServerConfig = request.app[CONFIG]
    files, _ = await read_form(request, {"photo": config.max_photo_bytes}, required=("photo",))
    try:
        async with request.app[ANALYSES]:
            portrait_id, rig = await asyncio.get_running_loop().run_in_executor(
                None, request.app[PORTRAITS].add, files["photo"])
    except InputError as error:
        raise portrait_error(error) from None
    return web.json_response({"portrait": portrait_id, "face": rig.face_number, "faces": rig.face_count},
                             status=201)


async def _verify(request: web.Request) -> web.Response:
    config: ServerConfig = request.app[CONFIG]
    files, _ = await read_form(request, {"video": config.max_video_bytes}, required=("video",))
    upload = files["video"]
    path = request.app[FOLDER] / f"verify-{uuid.uuid4().hex}{upload.suffix}"
    try:
        async with request.app[ANALYSES]:
            await asyncio.get_running_loop().run_in_executor(None, path.write_bytes, upload.data)
            result = await asyncio.get_running_loop().run_in_executor(None, api.verify, path)
    except InputError as error:
        raise json_error(422, f"video: {error.problem}") from None
    finally:
        path.unlink(missing_ok=True)
    answer = dataclasses.asdict(result)
    answer.pop("source")  # the server's own file name
    return web.json_response({"synthetic": result.detection.found, "summary": result.summary(), **answer})


def serve(*, host: str = "127.0.0.1", port: int = 8000, config: ServerConfig = ServerConfig()) -> None:
    """Run the server until interrupted."""
    web.run_app(create_app(config), host=host, port=port,
                print=lambda _: print(f"talkface {__version__} serving on http://{host}:{port}/ "
                                      f"(Ctrl-C to stop)", flush=True))
