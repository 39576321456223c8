"""The server-sent event streams of ``netwarp serve``: a run's view as it trains, and the run list.

- ``GET /api/runs/{id}/stream``: the run's view, pushed as it trains. ``frame`` events carry
  envelope bytes (:mod:`netwarp.view.envelope`, base64) with its last epoch and the times its
  first and last epochs were trained: the first is the run's whole scene, each later one a chunk of new epochs that the
  page appends (``model.append``), so a page never refetches what it holds. ``status``
  events carry the run's status; ``end`` closes the stream once the run has ended and every
  frame was sent. Each frame's ``id`` is its index: a reconnecting browser resumes after the
  last frame it got (``Last-Event-ID``), or a client asks for ``?after=K``.
- ``GET /api/events``: the run list as it changes, whoever started the runs (another tab, a
  script calling the API): a ``status`` event per new or changed run, ``removed`` when one
  is deleted or forgotten.
- ``GET /api/runs/{id}/events``: the run's status changes only, then ``end``.

A stream sleeps until the run manager says something changed (no polling: an idle stream
costs nothing), then sends what is new; the run list's streams send at most every
:data:`LIST_EVERY` seconds. A comment line every 15 s of silence keeps proxies from closing
them; a client that goes away ends its stream.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from netwarp.apps.serve.api import RunId, manager_of, run_of, status_text
from netwarp.apps.serve.runs import TERMINAL

router = APIRouter(prefix="/api")
#: Streams open at once, over all clients (more get a 429).
MAX_STREAMS = 256
#: Seconds the run list's stream waits to gather changes before it sends them.
LIST_EVERY = 0.1
KEEP_ALIVE = 15.0
_open = threading.BoundedSemaphore(MAX_STREAMS)
_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/event-stream": {}}}}


def _event(kind: str, data: str, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {data}\n\n"


def _sse(
    request: Request, step: Callable[[], Iterator[str] | None], wakers: set[Any], gather: float = 0.0
) -> StreamingResponse:
    """A server-sent event stream: ``step()`` yields the events it has (None: the stream is over);
    it runs at once and then each time a waker registered in ``wakers`` is called (after
    ``gather`` seconds more, to send changes together)."""
    if not _open.acquire(blocking=False):
        raise HTTPException(429, f"too many open streams (at most {MAX_STREAMS}); poll GET /api/runs instead")
    loop = asyncio.get_running_loop()
    news = asyncio.Event()

    def wake() -> None:  # called from the run manager's threads
        if not news.is_set():
            loop.call_soon_threadsafe(news.set)

    async def stream() -> AsyncIterator[str]:
        wakers.add(wake)
        try:
            yield "retry: 1000\n\n"
            while True:
                news.clear()
                events = step()
                if events is None:
                    return
                batch = list(events)
                for text in batch:
                    yield text
                if batch and batch[-1].startswith("event: end"):
                    return
                try:
                    await asyncio.wait_for(news.wait(), KEEP_ALIVE)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                if gather:
                    await asyncio.sleep(gather)
        finally:
            wakers.discard(wake)
            _open.release()

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


@router.get("/runs/{run_id}/stream", response_class=StreamingResponse, responses=_RESPONSES,
            summary="The run's view as it trains (text/event-stream): 'frame' events with envelope bytes, "
            "'status', then 'end'")  # fmt: skip
async def run_stream(
    request: Request,
    run_id: RunId,
    after: Annotated[int | None, Query(ge=-1, le=10_000_000, description="send frames after this index")] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    run = run_of(request, run_id)
    start = after if after is not None else -1
    if after is None and last_event_id is not None and last_event_id.strip().isdigit():
        start = int(last_event_id)
    state = {"next": start + 1, "version": -1}

    def step() -> Iterator[str] | None:
        if state["version"] == run.version:
            return iter(())
        with manager_of(request).lock:
            version, frames, status = run.version, run.frames[state["next"] :], run.status
        out: list[str] = []
        for i, (epoch, (first, last), frame) in enumerate(frames, start=state["next"]):
            data = {"epoch": epoch, "first_trained_at": first, "trained_at": last,
                    "bytes": base64.b64encode(frame).decode("ascii")}  # fmt: skip
            out.append(_event("frame", json.dumps(data), i))
        state["next"] += len(frames)
        out.append(_event("status", status_text(request, run)))
        state["version"] = version
        if status in TERMINAL:
            out.append(_event("end", "{}"))
        return iter(out)

    return _sse(request, _until_end(step), run.wakers)


def _until_end(step: Callable[[], Iterator[str] | None]) -> Callable[[], Iterator[str] | None]:
    """``step``, ended after the first batch that holds an 'end' event."""
    done = [False]

    def wrapped() -> Iterator[str] | None:
        if done[0]:
            return None
        events = step()
        if events is None:
            return None
        batch = list(events)
        if any(e.startswith("event: end") or "\nevent: end" in e for e in batch):
            done[0] = True
        return iter(batch)

    return wrapped


@router.get("/runs/{run_id}/events", response_class=StreamingResponse, responses=_RESPONSES,
            summary="Progress stream (text/event-stream): a 'status' event per change, then 'end'")  # fmt: skip
async def run_events(request: Request, run_id: RunId) -> StreamingResponse:
    run = run_of(request, run_id)
    seen = {"key": None}

    def step() -> Iterator[str] | None:
        key = (run.status, run.epoch, run.paused, run.held)
        if key == seen["key"]:
            return iter(())
        seen["key"] = key  # type: ignore[assignment]
        out = [_event("status", status_text(request, run))]
        if run.status in TERMINAL:
            out.append(_event("end", "{}"))
        return iter(out)

    return _sse(request, _until_end(step), run.wakers)


@router.get("/events", response_class=StreamingResponse, responses=_RESPONSES,
            summary="The run list as it changes (text/event-stream): 'status' per new or changed run, "
            "'removed' per run gone")  # fmt: skip
async def list_events(request: Request) -> StreamingResponse:
    m = manager_of(request)
    sent: dict[str, int] = {}
    state = {"revision": -1}

    def step() -> Iterator[str] | None:
        if state["revision"] == m.revision:
            return iter(())
        with m.lock:
            state["revision"] = m.revision
            runs = list(m.runs.values())
        out: list[str] = []
        for run in runs:
            if sent.get(run.id) != run.version:
                sent[run.id] = run.version
                out.append(_event("status", status_text(request, run)))
        for gone in set(sent) - {r.id for r in runs}:
            del sent[gone]
            out.append(_event("removed", json.dumps({"id": gone})))
        return iter(out)

    return _sse(request, step, m.wakers, gather=LIST_EVERY)
