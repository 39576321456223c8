"""The FastAPI application of ``netwarp serve``: the page, its static files and the shell of the API.

:func:`create_app` builds one app with its own :class:`~netwarp.apps.serve.runs.RunManager`
(started lazily, stopped with the app) and upload store. The API routes live in
:mod:`netwarp.apps.serve.api`; this module serves the page, the renderer bundle and the files of
``serve/static/`` (only those, by exact name: nothing outside that folder can be reached).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response

from netwarp._version import __version__
from netwarp.apps.serve.models import MAX_UPLOAD_BYTES, Problem
from netwarp.apps.serve.runs import QueueFullError, RunManager
from netwarp.apps.serve.security import BODY_TIMEOUT, Guard
from netwarp.apps.serve.uploads import UploadStore
from netwarp.apps.serve.views import BusyError, ViewPool
from netwarp.errors import LimitError, NetwarpError

STATIC = Path(__file__).resolve().parent / "static"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(html|js|css|svg|png)$")
#: Security headers on every page and file: no framing, no sniffing, scripts only from here.
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
}


def static_file(name: str) -> Path | None:
    """The file ``name`` of the package's ``static/`` folder, or None (no paths, no dot-files)."""
    if not _NAME.match(name):
        return None
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        return None
    return path


def _one_line(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            msg = f"malformed JSON: {err.get('ctx', {}).get('error', 'decode error')}"
            loc = ""
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


def create_app(
    *,
    token: str | None = None,
    workers: int = 2,
    max_queued: int = 32,
    max_runs: int = 64,
    max_floats: int = 40_000_000,
    body_timeout: float = BODY_TIMEOUT,
) -> FastAPI:
    """A new app.

    ``token``: required on every ``/api/`` call when set (always set it beyond localhost).
    ``workers``: training processes. ``max_queued``: runs queued or training at once (more get
    a 429). ``max_runs`` / ``max_floats``: runs kept, and their parameter histories together
    in floats; the oldest finished runs are forgotten first. ``body_timeout``: seconds a request
    body may stall before the request is refused (408).
    """
    manager = RunManager(workers=workers, max_queued=max_queued, max_runs=max_runs, max_floats=max_floats)
    views = ViewPool()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        manager.start()
        views.start()
        try:
            yield
        finally:
            manager.close()
            views.close()

    app = FastAPI(
        title="netwarp serve",
        version=__version__,
        summary="Train small neural networks live and see every layer deform space, epoch by epoch.",
        lifespan=lifespan,
        responses={400: {"model": Problem}, 404: {"model": Problem}},
    )
    app.state.manager = manager
    app.state.views = views
    app.state.uploads = UploadStore()
    app.state.token = token

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _one_line(exc), "errors": _plain_errors(exc)}, status_code=422)

    @app.exception_handler(QueueFullError)
    async def queue_full(request: Request, exc: QueueFullError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": "5"})

    @app.exception_handler(BusyError)
    async def busy(request: Request, exc: BusyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "2"})

    @app.exception_handler(LimitError)
    async def over_limit(request: Request, exc: LimitError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=413)

    @app.exception_handler(NetwarpError)
    async def bad_input(request: Request, exc: NetwarpError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        page = static_file("app.html")
        if page is None:
            detail = f"the web app's files are missing from this install ({STATIC}); reinstall netwarp"
            return JSONResponse({"detail": detail}, status_code=503)
        return FileResponse(page, media_type=_TYPES[".html"], headers={"Cache-Control": "no-cache"})

    @app.get("/app/{name}", include_in_schema=False)
    def app_file(name: str) -> Response:
        path = static_file(name)
        if path is None:
            return JSONResponse({"detail": f"no such file: {name[:80]!r}"}, status_code=404)
        return FileResponse(path, media_type=_TYPES[path.suffix], headers={"Cache-Control": "no-cache"})

    @app.get("/static/netwarp.js", include_in_schema=False)
    def renderer() -> Response:
        try:
            from netwarp.apps.bundle import bundle_js
        except ImportError:
            return JSONResponse({"detail": "the netwarp renderer is not installed in this build"}, status_code=503)
        return Response(bundle_js(), media_type=_TYPES[".js"], headers={"Cache-Control": "no-cache"})

    @app.get("/static/netwarp.css", include_in_schema=False)
    def renderer_css() -> Response:
        try:
            from netwarp.apps.bundle import bundle_css
        except ImportError:
            return JSONResponse({"detail": "the netwarp renderer is not installed in this build"}, status_code=503)
        return Response(bundle_css(), media_type=_TYPES[".css"], headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    from netwarp.apps.serve.api import router
    from netwarp.apps.serve.streams import router as streams

    app.include_router(router)
    app.include_router(streams)
    app.add_middleware(Guard, token=token, max_body=64_000, max_upload=MAX_UPLOAD_BYTES + 64_000, headers=_HEADERS,
                       body_timeout=body_timeout)  # fmt: skip
    return app


def _plain_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Validation errors without their inputs (which may be large or not JSON-serialisable)."""
    return [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()[:20]]  # fmt: skip
