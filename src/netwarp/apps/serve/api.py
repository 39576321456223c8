"""The JSON API of ``netwarp serve`` (documented at ``/openapi.json``).

Runs: ``POST /api/runs`` queues one, ``GET /api/runs/{id}`` reports it, ``GET
/api/runs/{id}/events`` streams its progress (server-sent events), ``DELETE`` forgets it;
downloads give it as ``.npz``, self-contained ``.html``, ``.png`` or the data as ``.csv``;
``GET /api/view`` gives the renderer's model of up to two runs (so far, while training);
``POST /api/page-scene`` the points and untrained network of a run the page trains itself.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response

import netwarp.apps.serve.views as views
from netwarp.apps.serve.models import (
    FIELDS,
    MAX_HISTORY_FLOATS,
    MAX_UPLOAD_BYTES,
    DatasetInfo,
    Limits,
    RunConfig,
    RunCreated,
    RunStatus,
    UploadInfo,
)  # fmt: skip
from netwarp.apps.serve.naming import default_name
from netwarp.apps.serve.pagescene import scene_bytes
from netwarp.apps.serve.runs import Run, RunManager
from netwarp.apps.serve.uploads import UploadStore, info
from netwarp.apps.serve.views import ViewPool
from netwarp.core.features import check as check_crosses
from netwarp.core.files import save
from netwarp.core.params import n_params
from netwarp.core.spec import RunSpec
from netwarp.core.spec import table as spec_table
from netwarp.data import datasets
from netwarp.errors import NetwarpError
from netwarp.view.vocabulary import HELP

router = APIRouter(prefix="/api")
RunId = Annotated[str, PathParam(min_length=1, max_length=64, description="a run id from POST /api/runs")]


def manager_of(request: Request) -> RunManager:
    manager: RunManager = request.app.state.manager
    return manager


def run_of(request: Request, run_id: str) -> Run:
    try:
        return manager_of(request).get(run_id)
    except KeyError:
        raise HTTPException(404, f"no run {run_id[:64]!r} (it never existed, was deleted or was forgotten)") from None


def _finite(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


def status_of(run: Run, queue_position: int | None = None) -> RunStatus:
    t = run.trajectory
    return RunStatus(
        id=run.id, name=run.name, status=run.status, paused=run.paused, held=run.held,  # type: ignore[arg-type]
        epoch=run.epoch, max_iter=int(run.config["max_iter"]), loss=_finite(run.loss),
        train_score=_finite(run.train_score if t is None else t.train_score[-1]),
        test_score=_finite(run.test_score if t is None else t.test_score[-1]),
        stop_reason=run.stop_reason, error=run.error, created=run.created, queue_position=queue_position,
        config=RunConfig.model_construct(**{k: run.config[k] for k in (*FIELDS, "name")}),  # validated before
    )  # fmt: skip


def _json(body: str, status_code: int = 200) -> Response:
    """A ready JSON body (status answers are built from models already; no second validation)."""
    return Response(body, status_code=status_code, media_type="application/json")


def status_text(request: Request, run: Run) -> str:
    """``run``'s status as JSON text (with its place in the queue when it waits)."""
    position = manager_of(request).queue_positions().get(run.id) if run.status == "queued" else None
    return status_of(run, position).model_dump_json()


def _status_json(request: Request, run: Run) -> Response:
    return _json(status_text(request, run))


@router.get("/limits", response_model=Limits, summary="Bounds on every input, and the worker pool")
def limits(request: Request) -> Limits:
    m = manager_of(request)
    return Limits(workers=m.n_workers, max_queued=m.max_queued, token_required=request.app.state.token is not None)


@router.get("/datasets", response_model=list[DatasetInfo], summary="Built-in datasets and this session's uploads")
def list_datasets(request: Request) -> list[DatasetInfo]:
    out = [
        DatasetInfo(name=s.name, kind="builtin", n=s.n, noise=s.noise, n_features=s.n_features,
                    n_classes=s.n_classes, summary=s.summary)
        for s in datasets.DATASETS.values()
    ]  # fmt: skip
    store: UploadStore = request.app.state.uploads
    return out + [DatasetInfo.model_validate({k: v for k, v in info(u).items() if k in DatasetInfo.model_fields})
                  for u in store.all()]  # fmt: skip


@router.post(
    "/uploads", response_model=UploadInfo, status_code=201, summary="Upload a data file (CSV, TSV, Parquet, npz)"
)
async def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="a table: numeric feature columns and a label column")],
    label: Annotated[str | None, Form(max_length=100, description="the label column (default: the last)")] = None,
    scale: Annotated[bool, Form(description="standardise each feature on the training rows")] = True,
) -> UploadInfo:
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    store: UploadStore = request.app.state.uploads
    up = await asyncio.to_thread(store.add, raw, file.filename or "upload.csv", label or None, scale)
    return UploadInfo.model_validate(info(up))


def _resolve_data(request: Request, run_spec: RunSpec) -> datasets.Dataset:
    if run_spec.dataset.startswith("upload-"):
        up = request.app.state.uploads.get(run_spec.dataset)
        if up is None:
            raise HTTPException(422, f"dataset: no upload {run_spec.dataset!r} in this session (upload the file again)")
        data: datasets.Dataset = up.data
        return data
    if run_spec.dataset not in datasets.DATASETS:
        known = ", ".join(datasets.DATASETS)
        name = run_spec.dataset[:64]
        raise HTTPException(422, f"dataset: unknown dataset {name!r} (known: {known}, or an upload id)")
    try:
        return run_spec.load_data()
    except NetwarpError as exc:
        raise HTTPException(422, f"dataset: {exc}") from None


def run_spec_of(cfg: RunConfig) -> RunSpec:
    """The run a request describes: the dataset's recommended settings, then what the request sets."""
    values = {k: v for k, v in cfg.model_dump().items() if v is not None}
    try:
        return RunSpec.recommended(values.pop("dataset"), **values)
    except NetwarpError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/spec", summary="The run settings: defaults, bounds, caps, choices, help, each dataset's "
            "recommended settings (the page's form is built from it), and the pages' explanations (help)")  # fmt: skip
def run_settings() -> dict[str, Any]:
    return {**spec_table(), "help": HELP}  # the explanations the view shows too, for the page's "?" buttons


def run_request(request: Request, cfg: RunConfig) -> tuple[RunSpec, datasets.Dataset]:
    """The run a request to ``POST /api/runs`` or ``/api/page-scene`` describes, named
    (:func:`~netwarp.apps.serve.naming.default_name` when it asks for no name), and its data;
    a 422 saying what is wrong when its training split holds one class or its crosses need
    inputs the data lacks."""
    run_spec = run_spec_of(cfg)
    data = _resolve_data(request, run_spec)
    if len(np.unique(data.y_train)) < 2:
        raise HTTPException(422, "dataset: the training split holds a single class; use more points")
    try:
        check_crosses(run_spec.crosses, data.n_features)
    except NetwarpError as exc:
        raise HTTPException(422, str(exc)) from None
    return run_spec.replace(name=default_name(run_spec, data.name)), data


@router.post("/runs", response_model=RunCreated, status_code=201, summary="Queue a training run")
def create_run(request: Request, cfg: RunConfig) -> RunCreated:
    run_spec, data = run_request(request, cfg)
    n_classes = len(np.unique(data.y_train))
    sizes = [data.n_features, *run_spec.hidden, 1 if n_classes == 2 else n_classes]
    p = n_params(sizes)
    if p * (run_spec.max_iter + 1) > MAX_HISTORY_FLOATS:
        most = MAX_HISTORY_FLOATS // p - 1
        raise HTTPException(
            422, f"max_iter: a {'-'.join(map(str, sizes))} network has {p} parameters, so keeping every epoch "
            f"allows at most {most} epochs (limit {MAX_HISTORY_FLOATS:,} stored numbers); use fewer epochs or units",
        )  # fmt: skip
    run = manager_of(request).submit(run_spec, data)
    return RunCreated(id=run.id)


@router.post("/page-scene", response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}},
             summary="A run's points and untrained network as a scene envelope, for the page to train")  # fmt: skip
def page_scene(request: Request, cfg: RunConfig) -> Response:
    run_spec, data = run_request(request, cfg)
    try:
        body = scene_bytes(run_spec, data, run_spec.label())  # the name run_request gave it
    except NetwarpError as exc:
        raise HTTPException(422, str(exc)) from None
    return Response(body, media_type="application/octet-stream")


@router.get("/runs", response_model=list[RunStatus], summary="This session's runs, oldest first")
async def list_runs(request: Request) -> Response:
    m = manager_of(request)
    positions = m.queue_positions()
    body = ",".join(status_of(r, positions.get(r.id)).model_dump_json() for r in m.list())
    return _json(f"[{body}]")


@router.get("/runs/{run_id}", response_model=RunStatus, summary="A run's status and progress")
async def get_run(request: Request, run_id: RunId) -> Response:
    return _status_json(request, run_of(request, run_id))


@router.delete("/runs/{run_id}", status_code=204, summary="Cancel a run if it trains, and forget it")
def delete_run(request: Request, run_id: RunId) -> Response:
    run_of(request, run_id)
    manager_of(request).delete(run_id)
    return Response(status_code=204)


@router.post("/runs/{run_id}/pause", response_model=RunStatus, summary="Pause a queued or training run")
def pause_run(request: Request, run_id: RunId) -> Response:
    run_of(request, run_id)
    return _status_json(request, manager_of(request).pause(run_id, True))


@router.post("/runs/{run_id}/resume", response_model=RunStatus, summary="Resume a paused run")
def resume_run(request: Request, run_id: RunId) -> Response:
    run_of(request, run_id)
    return _status_json(request, manager_of(request).pause(run_id, False))


@router.post("/runs/{run_id}/cancel", response_model=RunStatus, summary="Stop a run; the epochs so far are kept")
def cancel_run(request: Request, run_id: RunId) -> Response:
    run_of(request, run_id)
    return _status_json(request, manager_of(request).cancel(run_id))


def _trajectory(request: Request, run_id: str) -> tuple[Run, Any]:
    run = run_of(request, run_id)
    with manager_of(request).lock:
        traj = run.snapshot()
    if traj is None:
        raise HTTPException(409, f"run {run_id} has no trained epoch yet (status {run.status}); try again later")
    return run, traj


def _download(body: bytes, media: str, filename: str) -> Response:
    """An attachment named per RFC 6266: an ASCII ``filename=`` fallback and the UTF-8 name in ``filename*``."""
    import unicodedata
    from urllib.parse import quote

    def clean(text: str) -> str:
        text = "".join(c if (c.isalnum() or c in "._-") and c.isprintable() else "_" for c in text)
        stem, dot, ext = text.rpartition(".")
        return text.lstrip(".") if (stem if dot else text).strip("._-") else "download" + dot + ext

    name = clean(filename)
    ascii_name = clean(unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii"))
    value = f'attachment; filename="{ascii_name}"'
    if name != ascii_name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(body, media_type=media, headers={"Content-Disposition": value})


@router.get("/runs/{run_id}/trajectory.npz", summary="The run's trajectory (every epoch so far) as .npz",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})  # fmt: skip
def download_npz(request: Request, run_id: RunId) -> Response:
    run, traj = _trajectory(request, run_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.npz"
        save(traj, path)
        body = path.read_bytes()
    return _download(body, "application/octet-stream", f"{run.name}.npz")


def _key(kind: str, runs: list[tuple[Run, Any]], *extra: Any) -> tuple[Any, ...] | None:
    """A cache key for finished runs (None while any of them trains: its view changes)."""
    if any(r.trajectory is None for r, _ in runs):
        return None
    return (kind, *((r.id, t.n_epochs) for r, t in runs), *extra)


@router.get("/runs/{run_id}/view.html", summary="The run as a self-contained interactive HTML file",
            response_class=Response, responses={200: {"content": {"text/html": {}}}})  # fmt: skip
async def download_html(request: Request, run_id: RunId) -> Response:
    run, traj = _trajectory(request, run_id)
    pool: ViewPool = request.app.state.views
    body = await pool.call(views.html, traj, f"netwarp: {run.name}", key=_key("html", [(run, traj)]))
    return _download(body, "text/html; charset=utf-8", f"{run.name}.html")


@router.get("/runs/{run_id}/figure.png", summary="A figure of every layer at one epoch (default: the last)",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})  # fmt: skip
async def download_png(
    request: Request, run_id: RunId, epoch: Annotated[int | None, Query(ge=-1_000_000, le=1_000_000)] = None
) -> Response:
    run, traj = _trajectory(request, run_id)
    e = traj.epoch_index(epoch)
    pool: ViewPool = request.app.state.views
    body = await pool.call(views.png, traj, e, key=_key("png", [(run, traj)], e))
    return _download(body, "image/png", f"{run.name} epoch {e}.png")


@router.get("/runs/{run_id}/data.csv", summary="The run's data points (x..., label, split) as CSV",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})  # fmt: skip
def download_data(request: Request, run_id: RunId) -> Response:
    run = run_of(request, run_id)
    d = run.data
    out = io.StringIO()
    cols = [f"x{i}" for i in range(d.n_features)]
    out.write(",".join([*cols, "label", "split"]) + "\n")
    for part, X, y in (("train", d.X_train, d.y_train), ("test", d.X_test, d.y_test)):
        for row, label in zip(X, y, strict=True):
            out.write(",".join([*(repr(float(v)) for v in row), str(label), part]) + "\n")
    return _download(out.getvalue().encode(), "text/csv; charset=utf-8", f"{run.name} data.csv")


@router.get("/view", summary="The view of one or two runs (epochs so far): a scene envelope (binary)",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})  # fmt: skip
async def view_model(
    request: Request,
    runs: Annotated[str, Query(min_length=1, max_length=200, description="one or two run ids, comma-separated")],
    state: Annotated[str, Query(max_length=2000, description="initial view state (JSON object)")] = "{}",
) -> Response:
    ids = [r for r in runs.split(",") if r][:3]
    if not 1 <= len(ids) <= 2:
        raise HTTPException(422, "runs: give one or two run ids, comma-separated")
    try:
        view = json.loads(state)
    except json.JSONDecodeError:
        raise HTTPException(422, "state: not valid JSON") from None
    if not isinstance(view, dict):
        raise HTTPException(422, "state: must be a JSON object")
    pairs = [_trajectory(request, i) for i in ids]
    if len({t.layer_sizes[0] for _, t in pairs}) > 1:
        raise HTTPException(422, "runs: the two runs have inputs of different dimension; compare runs on the same data")
    pool: ViewPool = request.app.state.views
    body = await pool.call(views.envelope_bytes, [t for _, t in pairs], key=_key("view", pairs))
    try:
        body = views.with_view(body, view, len(pairs))
    except NetwarpError as exc:
        raise HTTPException(400, f"state: {exc}") from None
    return Response(body, media_type="application/octet-stream")
