"""Request and response models of the ``netwarp serve`` API, with every input bounded.

The limits are module constants so the app, its page (``GET /api/limits``) and the tests
agree on them. Anything outside them is a 422 whose ``detail`` names the field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Bounds on what one request may ask for (memory and time per run stay bounded).
MAX_LAYERS = 6
MAX_WIDTH = 32
MAX_EPOCHS = 5000
MAX_POINTS = 5000
MIN_POINTS = 4
MAX_FEATURES = 10
MAX_CLASSES = 10
MAX_UPLOAD_BYTES = 2_000_000
#: Parameter history of one run: n_params * (max_iter + 1) floats (8 bytes each) at most.
MAX_HISTORY_FLOATS = 4_000_000
MAX_SEED = 2**31 - 1

Status = Literal["queued", "running", "done", "failed", "cancelled"]
Activation = Literal["tanh", "relu", "logistic", "identity"]
Solver = Literal["sgd", "adam"]
Width = Annotated[int, Field(ge=1, le=MAX_WIDTH)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class RunConfig(_Strict):
    """Everything that defines a run: the data and the network. It round-trips through the page URL."""

    dataset: str = Field(
        "interval1d", min_length=1, max_length=64,
        description="a built-in dataset name (GET /api/datasets) or the id of an upload (upload-...)",
    )  # fmt: skip
    n: int | None = Field(None, ge=MIN_POINTS, le=MAX_POINTS, description="points to generate (default: the dataset's)")
    noise: float | None = Field(None, ge=0, le=2, description="noise level (default: the dataset's)")
    data_seed: int = Field(0, ge=0, le=MAX_SEED, description="seed of the generated points")
    hidden: list[Width] = Field([2], min_length=1, max_length=MAX_LAYERS, description="hidden layer widths")
    activation: Activation = "tanh"
    solver: Solver = "sgd"
    learning_rate_init: float = Field(0.02, gt=0, le=10)
    batch_size: Annotated[int, Field(ge=1, le=MAX_POINTS)] | Literal["auto"] = "auto"
    alpha: float = Field(0.0001, ge=0, le=10, description="L2 penalty")
    max_iter: int = Field(1500, ge=1, le=MAX_EPOCHS, description="most epochs")
    early_stop: bool = Field(True, description="stop when the loss stops improving (scikit-learn's tol rule)")
    random_state: int = Field(1, ge=0, le=MAX_SEED, description="seed of the network's initialisation and shuffling")
    name: str | None = Field(None, max_length=60, description="a label for the run (default: a summary)")


class RunCreated(BaseModel):
    id: str


class RunStatus(BaseModel):
    id: str
    name: str
    status: Status
    paused: bool = False
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
