"""Every error the server answers is JSON: {"error": "one line saying what is wrong"}."""

import json
import logging

from aiohttp import web

from talkface.errors import InputError

log = logging.getLogger("talkface.server")

_HTTP_ERRORS = {400: web.HTTPBadRequest, 404: web.HTTPNotFound, 409: web.HTTPConflict,
                413: web.HTTPRequestEntityTooLarge, 415: web.HTTPUnsupportedMediaType,
                422: web.HTTPUnprocessableEntity, 429: web.HTTPTooManyRequests,
                503: web.HTTPServiceUnavailable}


def json_error(status: int, message: str) -> web.HTTPException:
    """An HTTP error whose body is {"error": message}."""
    body = json.dumps({"error": message})
    if status == 413:
        return web.HTTPRequestEntityTooLarge(max_size=0, actual_size=0, text=body,
                                             content_type="application/json")
    return _HTTP_ERRORS[status](text=body, content_type="application/json")


def input_problem(error: InputError, field: str) -> str:
    """An InputError's line, naming the upload ``field`` instead of the
    server's own file for it."""
    return f"{field}: {error.problem}"


@web.middleware
async def json_errors(request: web.Request, handler):
    """Any failure becomes a JSON answer; the server keeps serving."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.content_type == "application/json" or error.status < 400:
            raise
        return web.json_response({"error": error.reason}, status=error.status)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return web.json_response({"error": "internal error"}, status=500)
