"""uvicorn's HTTP/1.1 protocol with a deadline on request headers.

uvicorn closes idle keep-alive connections, but a client that opens a connection and sends
its request line and headers a byte at a time (slowloris) would hold it forever. Here a
request's headers must be complete within :data:`HEADER_TIMEOUT` seconds of their first
byte (or of the connection); otherwise the connection is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a request's line and headers.
HEADER_TIMEOUT = 10.0


class HeaderDeadlineProtocol(H11Protocol):
    """:class:`H11Protocol` that closes a connection whose request headers do not arrive in time."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._headers_deadline: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if self._headers_deadline is None:
            self._headers_deadline = self.loop.call_later(self.header_timeout, self._headers_late)

    def _headers_late(self) -> None:
        self._headers_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()  # the request's headers did not arrive in time

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm()  # a new request begins: its headers have until the deadline
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE and self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None

    def connection_lost(self, exc: Any) -> None:
        if self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None
        super().connection_lost(exc)
