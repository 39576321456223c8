"""Request and response models of the ``netwarp serve`` API, with every input bounded.

The limits are module constants so the app, its page (``GET /api/limits``) and the tests
agree on them; :data:`RunConfig` is made from the run settings table, so its fields, bounds
and help are the CLI's. Anything outside them is a 422 whose ``detail`` names the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from netwarp.core import spec

#: Bounds on what one request may ask for (memory and time per run stay bounded): the run
#: settings' caps come from the settings table (:data:`netwarp.core.spec.SETTINGS`).
MAX_LAYERS = spec.MAX_LAYERS
MAX_WIDTH = int(spec.BY_NAME["hidden"].cap or 0)
MAX_EPOCHS = int(spec.BY_NAME["max_iter"].cap or 0)
MAX_POINTS = int(spec.BY_NAME["n"].cap or 0)
MIN_POINTS = int(spec.BY_NAME["n"].lo or 0)
MAX_FEATURES = 10
MAX_CLASSES = 10
MAX_UPLOAD_BYTES = 2_000_000
#: Parameter history of one run: n_params * (max_iter + 1) floats (8 bytes each) at most.
MAX_HISTORY_FLOATS = 4_000_000
#: Run settings the web app takes (``task`` is not among them: it trains classifiers).
FIELDS = tuple(s.name for s in spec.SETTINGS if s.name != "task")

Status = Literal["queued", "running", "done", "failed", "cancelled"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def _bounds(s: spec.Setting) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if s.lo is not None:
        out["gt" if s.lo_open else "ge"] = s.lo
    top = s.cap if s.cap is not None else s.hi
    if top is not None:
        out["le"] = top
    return out


def _field(s: spec.Setting) -> tuple[Any, Any]:
    """The request field of setting ``s``: its type, bounds and help; None means "the dataset's"."""
    default = "" if s.default is None else f"; default {s.describe_default()} for interval1d and uploads"
    help_ = f"{s.help} (left out: the dataset's recommended value{default})"
    if s.name == "dataset":
        return str, Field(s.default, min_length=1, max_length=64,
                          description="a built-in dataset name (GET /api/datasets) or the id of an upload (upload-...)")
    kind: Any
    if s.kind == "widths":
        kind = list[Annotated[int, Field(**_bounds(s))]]
        return kind | None, Field(None, min_length=1, max_length=MAX_LAYERS, description=help_)
    if s.kind == "names":
        names: Any = Literal[s.choices]
        kind = list[names]
        return kind | None, Field(None, max_length=len(s.choices or ()), description=help_)
    if s.kind == "batch":
        kind = Annotated[int, Field(**_bounds(s))] | Literal["auto"]
    elif s.choices is not None:
        kind = Literal[s.choices]
    elif s.kind == "bool":
        kind = bool
    else:
        kind = Annotated[int if s.kind == "int" else float, Field(**_bounds(s))]
    return kind | None, Field(None, description=help_)


if TYPE_CHECKING:
    RunConfig = _Strict
else:
    RunConfig = create_model(
        "RunConfig", __base__=_Strict, __doc__="A run: its data, network and training. It round-trips through "
        "the page URL; settings left out take the dataset's recommended values (GET /api/spec).",
        **{s.name: _field(s) for s in spec.SETTINGS if s.name in FIELDS},
        name=(str | None, Field(None, max_length=60, description="a label for the run (default: a summary)")),
    )  # fmt: skip


class RunCreated(BaseModel):
    id: str


class RunStatus(BaseModel):
    id: str
    name: str
    status: Status
    paused: bool = False
    held: bool = Field(False, description="paused, and the worker has stopped: every epoch so far is reported")
    epoch: int = Field(description="epochs trained so far")
    max_iter: int
    loss: float | None = None
    train_score: float | None = None
    test_score: float | None = None
    stop_reason: str = ""
    error: str | None = None
    queue_position: int | None = Field(None, description="runs ahead of this one in the queue (queued runs only)")
    created: float
    config: RunConfig


class DatasetInfo(BaseModel):
    name: str
    kind: Literal["builtin", "upload"]
    n: int
    noise: float
    n_features: int
    n_classes: int
    summary: str


class UploadInfo(DatasetInfo):
    filename: str
    columns: list[str]
    classes: list[str]


class Limits(BaseModel):
    max_layers: int = MAX_LAYERS
    max_width: int = MAX_WIDTH
    max_epochs: int = MAX_EPOCHS
    max_points: int = MAX_POINTS
    max_features: int = MAX_FEATURES
    max_classes: int = MAX_CLASSES
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_history_floats: int = MAX_HISTORY_FLOATS
    workers: int
    max_queued: int
    token_required: bool


class Problem(BaseModel):
    """The body of every 4xx/5xx the app returns itself."""

    detail: str
