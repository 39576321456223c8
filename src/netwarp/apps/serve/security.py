"""Request guards of ``netwarp serve``, as one pure ASGI middleware.

- **Token**: when the server has a token (always when bound beyond localhost), every
  ``/api/`` request must carry it: ``Authorization: Bearer TOKEN``, ``X-Netwarp-Token: TOKEN``,
  ``?token=TOKEN``, or the session cookie. Opening the page with ``?token=TOKEN`` (the
  link the server prints) sets that cookie (HttpOnly, SameSite=Strict, a value derived from
  the token, not the token), so the page puts the token in no URL it renders: its streams
  and downloads are authorised by the cookie.
- **Host** (without a token): only ``localhost``, ``127.0.0.1`` and ``[::1]`` are accepted as
  ``Host``, which defeats DNS-rebinding pages reaching a local server.
- **Origin**: a state-changing request sent by a browser from another origin is refused,
  so a web page cannot post a form to the local server.
- **Body size**: bodies beyond ``max_body`` bytes (uploads: ``max_upload``) get a 413.
- **Slow bodies**: a request whose body stops arriving for :data:`BODY_TIMEOUT` seconds gets
  a 408 (a client cannot hold a worker thread by trickling its body).
- **Headers**: ``headers`` (security headers) are added to every response (no
  Content-Security-Policy on FastAPI's ``/docs`` and ``/redoc``, which load from a CDN).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
COOKIE = "netwarp_session"
#: Seconds a request body may pause between two of its parts.
BODY_TIMEOUT = 10.0
UPLOAD_PATH = "/api/uploads"
DOC_PAGES = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})


def _host_name(host: str) -> str:
    """``"127.0.0.1:8765"`` -> ``"127.0.0.1"``; ``"[::1]:80"`` -> ``"::1"``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _cookie(header: str) -> str:
    """The session cookie's value in a ``Cookie`` header ("" if absent)."""
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return ""


async def _reply(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The ASGI middleware applying the rules above to every HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        max_body: int,
        max_upload: int,
        headers: dict[str, str] | None = None,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        self.app = app
        self.body_timeout = body_timeout
        self.headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        self.token = token
        self.session = None if token is None else hmac.new(token.encode(), b"netwarp session", "sha256").hexdigest()
        self.max_body = max_body
        self.max_upload = max_upload

    def _token_ok(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        assert self.token is not None
        given = headers.get(b"x-netwarp-token", b"").decode("latin-1")
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = (query.get("token") or [""])[0]
        if not given and self.session is not None:
            cookie = _cookie(headers.get(b"cookie", b"").decode("latin-1"))
            return hmac.compare_digest(cookie.encode("utf-8", "replace"), self.session.encode())
        return hmac.compare_digest(given.encode("utf-8", "replace"), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        path: str = scope.get("path", "")
        host = headers.get(b"host", b"").decode("latin-1")
        if self.token is None and _host_name(host) not in LOCAL_HOSTS:
            await _reply(send, 400, f"host {host!r} is not allowed; open the app at http://127.0.0.1:PORT/")
            return
        method = scope.get("method", "GET")
        origin = headers.get(b"origin", b"").decode("latin-1")
        unsafe = method not in ("GET", "HEAD", "OPTIONS")
        if unsafe and origin and (origin == "null" or urlsplit(origin).netloc.lower() != host.lower()):
            await _reply(send, 403, f"cross-origin request from {origin[:100]} refused")
            return
        if path.startswith("/api/") and self.token is not None and not self._token_ok(scope, headers):
            await _reply(
                send, 401, "missing or wrong token: send 'Authorization: Bearer TOKEN' or ?token=TOKEN",
                [(b"www-authenticate", b"Bearer")],
            )  # fmt: skip
            return
        limit = self.max_upload if path == UPLOAD_PATH else self.max_body
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                await _reply(send, 400, "bad Content-Length header")
                return
            if too_big:
                await _reply(send, 413, f"request body of {int(length)} bytes is over the limit of {limit}")
                return
        received = 0
        body_done = False

        async def counting_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # e.g. a stream waiting for the client to go away: no timeout
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                raise HTTPException(408, f"the request body stalled for {self.body_timeout:g} s") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, f"request body is over the limit of {limit} bytes")
                body_done = not message.get("more_body", False)
            return message

        extra = self.headers + ([(b"cache-control", b"no-store")] if path.startswith("/api/") else [])
        if path == "/" and self.token is not None and self._token_ok(scope, headers):
            cookie = f"{COOKIE}={self.session}; HttpOnly; SameSite=Strict; Path=/"
            extra = [*extra, (b"set-cookie", cookie.encode())]
        if path in DOC_PAGES:  # FastAPI's API pages load Swagger UI / ReDoc from their CDN
            extra = [h for h in extra if h[0] != b"content-security-policy"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, counting_receive, send_with_headers)
