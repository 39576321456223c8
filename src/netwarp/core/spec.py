"""One description of a run: :class:`RunSpec`, and the one table its settings come from.

A run is its data (a built-in dataset, how many points, noise, seeds, the split), its
network (hidden widths, activation) and its training (solver, learning rate, batch, L2
alpha, epochs, stopping rule, seed). :data:`SETTINGS` holds, for each of them, the default,
the bounds, the choices, the cap of the interactive web app and the help text; the CLI's
flags and ``--help``, the web app's request model and form, the sweep grid, the essay's runs
and the demo are all built from it, so none of them writes a default or a bound again.

Each built-in dataset recommends settings that learn it
(:attr:`netwarp.data.datasets.DatasetSpec.recommended`): :meth:`RunSpec.recommended` starts
from them, and a URL query (:meth:`RunSpec.to_query`) holds only what differs from them.

>>> spec = RunSpec.recommended("xor", max_iter=300)          # doctest: +SKIP
>>> est = spec.to_estimator(); data = spec.load_data()        # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from netwarp.core import features
from netwarp.core.activations import SKLEARN_HIDDEN
from netwarp.core.features import FEATURES
from netwarp.core.features import NAMES as FEATURE_NAMES
from netwarp.core.features import check as check_features
from netwarp.data import datasets
from netwarp.errors import NetwarpError

#: What ``task`` may be.
TASKS = ("classification", "regression")
#: The stochastic solvers netwarp records (``lbfgs`` has no epochs).
SOLVERS = ("sgd", "adam")
#: Hidden layers the interactive web app allows at most.
MAX_LAYERS = 6


@dataclass(frozen=True)
class Setting:
    """One row of :data:`SETTINGS`: a run setting's type, default, bounds and help.

    ``lo``/``hi`` bound numbers (``lo_open``: strictly above ``lo``); ``cap`` is the largest
    value the interactive web app accepts (None: ``hi``); ``choices`` list the allowed strings.
    ``group`` is ``data``, ``network`` or ``training``.
    """

    name: str
    kind: str  # "str" | "int" | "float" | "bool" | "widths" | "batch" | "names" (a subset of choices)
    default: Any
    help: str
    group: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    cap: float | None = None
    choices: tuple[str, ...] | None = None
    optional: bool = False  # None allowed (meaning: the dataset's own value)

    def describe_default(self) -> str:
        """The default as a user would type it."""
        if self.default is None:
            return "the dataset's"
        if self.kind in ("widths", "names"):
            return ",".join(map(str, self.default)) or "none"
        if self.kind == "bool":
            return "on" if self.default else "off"
        return str(self.default)


MAX_SEED = 2**31 - 1

SETTINGS: tuple[Setting, ...] = (
    Setting("dataset", "str", "interval1d", "a built-in dataset (see `netwarp datasets`)", "data"),
    Setting("n", "int", None, "points to generate", "data", lo=4, hi=10_000_000, cap=5000, optional=True),
    Setting("noise", "float", None, "noise level of the generated points", "data", lo=0, hi=2, optional=True),
    Setting("data_seed", "int", datasets.DATA_SEED, "seed of the generated points", "data", lo=0, hi=MAX_SEED),
    Setting("test_size", "float", datasets.TEST_SIZE, "share of the points held out for testing", "data", lo=0, hi=0.95,
            lo_open=True),
    Setting("hidden", "widths", (2,), "hidden layer widths, e.g. 8,8", "network", lo=1, hi=100_000, cap=32),
    Setting("activation", "str", "tanh", "activation of the hidden layers", "network", choices=SKLEARN_HIDDEN),
    Setting("crosses", "names", (), "feature crosses added to the inputs, e.g. x1sq,x1x2 (a layer of their own)",
            "network", choices=FEATURE_NAMES),
    Setting("task", "str", "classification", "classification (labels) or regression (numeric targets)",
            "network", choices=TASKS),
    Setting("solver", "str", "sgd", "stochastic optimiser", "training", choices=SOLVERS),
    Setting("learning_rate_init", "float", 0.02, "initial learning rate", "training", lo=0, hi=10, lo_open=True),
    Setting("batch_size", "batch", "auto", "mini-batch size, or auto = min(200, n)", "training", lo=1,
            hi=10_000_000, cap=5000),
    Setting("alpha", "float", 0.0001, "L2 penalty", "training", lo=0, hi=10),
    Setting("max_iter", "int", 1500, "most epochs", "training", lo=1, hi=1_000_000, cap=5000),
    Setting("early_stop", "bool", True, "stop when the loss stops improving (scikit-learn's tol rule)", "training"),
    Setting("tol", "float", 1e-4, "smallest loss improvement that counts, for the stopping rule", "training",
            lo=0, hi=1),
    Setting("n_iter_no_change", "int", 10, "epochs without improvement before stopping", "training", lo=1,
            hi=100_000),
    Setting("random_state", "int", 1, "seed of the network's initialisation and shuffling", "training", lo=0,
            hi=MAX_SEED),
)  # fmt: skip
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def default(name: str) -> Any:
    """The default of setting ``name`` (the one place it is written is :data:`SETTINGS`)."""
    return BY_NAME[name].default


def check_value(s: Setting, value: Any) -> Any:
    """``value`` for setting ``s``, normalised (lists -> tuples), or a NetwarpError naming it."""
    where = s.name
    if value is None:
        if s.optional:
            return None
        raise NetwarpError(f"{where}: a value is required")
    if s.kind == "widths":
        if isinstance(value, int | str) and not isinstance(value, bool):
            value = _widths(str(value), where)
        if not isinstance(value, list | tuple) or not value:
            raise NetwarpError(f"{where}: give one or more layer widths, e.g. [8, 8]")
        out = tuple(_number(s, v, int) for v in value)
        return out
    if s.kind == "names":
        if isinstance(value, str):
            value = [p.strip() for p in value.split(",") if p.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise NetwarpError(f"{where}: give names from {', '.join(s.choices or ())}, e.g. x1sq,x1x2")
        return check_features(value)
    if s.kind == "batch":
        if value == "auto":
            return "auto"
        return _number(s, value, int)
    if s.kind == "bool":
        if not isinstance(value, bool):
            raise NetwarpError(f"{where}: expected true or false, got {value!r}")
        return value
    if s.kind == "str":
        if not isinstance(value, str) or not value:
            raise NetwarpError(f"{where}: expected a name, got {value!r}")
        if s.choices is not None and value not in s.choices:
            raise NetwarpError(f"{where}: {value!r} is not one of {', '.join(s.choices)}")
        return value
    return _number(s, value, int if s.kind == "int" else float)


def _number(s: Setting, value: Any, kind: type) -> Any:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and kind is int and isinstance(value, float):
        ok = value.is_integer()
    if not ok or not math.isfinite(value):
        what = "a whole number" if kind is int else "a number"
        raise NetwarpError(f"{s.name}: expected {what}, got {value!r}")
    value = kind(value)
    if s.lo is not None and (value <= s.lo if s.lo_open else value < s.lo):
        raise NetwarpError(f"{s.name}: must be {'>' if s.lo_open else '>='} {s.lo:g}, got {value!r}")
    if s.hi is not None and value > s.hi:
        raise NetwarpError(f"{s.name}: must be <= {s.hi:g}, got {value!r}")
    return value


def _widths(text: str, where: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise NetwarpError(f"{where}: expected comma-separated whole numbers such as 2 or 8,8, got {text!r}") from None


def parse_text(s: Setting, text: str) -> Any:
    """A setting's value from its text form (command line, URL query)."""
    text = text.strip()
    if s.optional and text in ("", "none", "None"):
        return None
    if s.kind == "widths":
        return _widths(text, s.name)
    if s.kind == "names":
        return tuple(p.strip() for p in text.split(",") if p.strip())
    if s.kind == "bool":
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise NetwarpError(f"{s.name}: expected 1/0 or true/false, got {text!r}")
    if s.kind == "batch" and text.lower() == "auto":
        return "auto"
    if s.kind in ("int", "batch"):
        try:
            return int(text)
        except ValueError:
            raise NetwarpError(f"{s.name}: expected a whole number, got {text!r}") from None
    if s.kind == "float":
        try:
            return float(text)
        except ValueError:
            raise NetwarpError(f"{s.name}: expected a number, got {text!r}") from None
    return text


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


@dataclass(frozen=True)
class RunSpec:
    """What a run is: data, network and training. Immutable and always valid.

    Defaults come from :data:`SETTINGS`; construction checks every field and raises
    :class:`~netwarp.errors.NetwarpError` naming the first bad one. ``name`` is a free label.
    """

    dataset: str = default("dataset")
    n: int | None = default("n")
    noise: float | None = default("noise")
    data_seed: int = default("data_seed")
    test_size: float = default("test_size")
    hidden: tuple[int, ...] = default("hidden")
    activation: str = default("activation")
    crosses: tuple[str, ...] = default("crosses")
    task: str = default("task")
    solver: str = default("solver")
    learning_rate_init: float = default("learning_rate_init")
    batch_size: int | str = default("batch_size")
    alpha: float = default("alpha")
    max_iter: int = default("max_iter")
    early_stop: bool = default("early_stop")
    tol: float = default("tol")
    n_iter_no_change: int = default("n_iter_no_change")
    random_state: int = default("random_state")
    name: str | None = None

    def __post_init__(self) -> None:
        for s in SETTINGS:
            object.__setattr__(self, s.name, check_value(s, getattr(self, s.name)))
        if self.name is not None and not isinstance(self.name, str):
            raise NetwarpError(f"name: expected text, got {self.name!r}")

    # ------------------------------------------------------------ construction
    @classmethod
    def recommended(cls, dataset: str = default("dataset"), **overrides: Any) -> RunSpec:
        """The settings ``dataset`` recommends (see :mod:`netwarp.data.datasets`), then ``overrides``."""
        base = datasets.spec(dataset).recommended if dataset in datasets.DATASETS else {}
        return cls.from_json({**base, **overrides, "dataset": dataset})

    @classmethod
    def from_json(cls, obj: Mapping[str, Any] | str) -> RunSpec:
        """From :meth:`to_json`'s dict (or its JSON text); unknown keys are an error."""
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except json.JSONDecodeError as exc:
                raise NetwarpError(f"run spec: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, Mapping):
            raise NetwarpError("run spec: expected a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(obj) - known)
        if unknown:
            raise NetwarpError(f"run spec: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})")
        return cls(**dict(obj))

    @classmethod
    def from_query(cls, query: str | Mapping[str, str]) -> RunSpec:
        """From a URL query (``dataset=xor&hidden=8,8``): the dataset's recommended settings, then the rest."""
        pairs = dict(parse_qsl(query.lstrip("?"), keep_blank_values=True)) if isinstance(query, str) else dict(query)
        dataset = pairs.pop("dataset", default("dataset"))
        values: dict[str, Any] = {}
        for key, text in pairs.items():
            if key == "name":
                values["name"] = text or None
            elif key in BY_NAME:
                values[key] = parse_text(BY_NAME[key], text)
        return cls.recommended(dataset, **values)

    def replace(self, **changes: Any) -> RunSpec:
        """A copy with ``changes`` (checked like a new spec)."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ output
    def to_json(self) -> dict[str, Any]:
        """Every field as JSON-able values (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}

    def to_query(self) -> str:
        """URL query text holding only what differs from the dataset's recommended settings."""
        base = RunSpec.recommended(self.dataset)
        out = {"dataset": self.dataset} if self.dataset != default("dataset") else {}
        for s in SETTINGS:
            if s.name != "dataset" and getattr(self, s.name) != getattr(base, s.name):
                out[s.name] = _text(getattr(self, s.name))
        if self.name:
            out["name"] = self.name
        return urlencode(out, safe=",")

    @property
    def hidden_label(self) -> str:
        """The architecture as written on the command line: ``2`` or ``2,2,2``."""
        return ",".join(map(str, self.hidden))

    def label(self, data_name: str = "") -> str:
        """``name``, or a summary such as ``xor 8,8 tanh``; ``data_name`` stands in the summary for
        ``dataset`` when given (an uploaded file's name for its upload id)."""
        return self.name or f"{data_name or self.dataset} {self.hidden_label} {self.activation}"

    def layout(self, d: int, n_classes: int) -> tuple[list[int], tuple[int, ...], tuple[str, ...]]:
        """The classifier this spec trains on ``d`` inputs and ``n_classes`` classes: the widths of
        the network scikit-learn trains (on the crossed features, if any), and the layer sizes and
        activations shown, with the fixed feature-cross layer first (:mod:`netwarp.core.features`)."""
        n_out = 1 if n_classes <= 2 else n_classes
        inner = [d + len(self.crosses), *self.hidden, n_out]
        acts: tuple[str, ...] = (self.activation,) * len(self.hidden) + ("logistic" if n_out == 1 else "softmax",)
        if not self.crosses:
            return inner, tuple(inner), acts
        return inner, (d, *inner), (features.activation_name(self.crosses), *acts)

    def estimator_params(self) -> dict[str, Any]:
        """The keyword arguments of the scikit-learn estimator this spec trains."""
        return {
            "hidden_layer_sizes": self.hidden, "activation": self.activation, "solver": self.solver,
            "alpha": self.alpha, "batch_size": self.batch_size, "learning_rate_init": self.learning_rate_init,
            "max_iter": self.max_iter, "random_state": self.random_state, "tol": self.tol,
            "n_iter_no_change": self.n_iter_no_change if self.early_stop else math.inf,
        }  # fmt: skip

    def to_estimator(self, **extra: Any) -> Any:
        """An unfitted ``MLPClassifier`` (or ``MLPRegressor`` for ``task="regression"``)."""
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        model = MLPClassifier if self.task == "classification" else MLPRegressor
        try:
            return model(**{**self.estimator_params(), **extra})
        except TypeError as exc:
            raise NetwarpError(str(exc)) from None

    def load_data(self) -> datasets.Dataset:
        """The built-in dataset with this spec's points, noise, seed and split."""
        return datasets.load(self.dataset, n=self.n, noise=self.noise, random_state=self.data_seed,
                             test_size=self.test_size)  # fmt: skip

    def check_caps(self) -> None:
        """Raise NetwarpError naming the first setting above the interactive web app's caps."""
        if len(self.hidden) > MAX_LAYERS:
            raise NetwarpError(f"hidden: at most {MAX_LAYERS} hidden layers, got {len(self.hidden)}")
        for s in SETTINGS:
            value = getattr(self, s.name)
            values = value if isinstance(value, tuple) else (value,)
            for v in values:
                if s.cap is not None and isinstance(v, int | float) and not isinstance(v, bool) and v > s.cap:
                    raise NetwarpError(f"{s.name}: must be <= {s.cap:g} here, got {v!r}")


def table() -> dict[str, Any]:
    """The settings table as JSON (for the web app's form and the page's trainer): defaults, bounds,
    caps, choices, help, the feature crosses' labels, every dataset's recommended settings and its
    own defaults (points, noise, features, classes, summary)."""
    from netwarp.core.engine import EngineConfig  # here: the engine imports SciPy, most commands never need it

    return {
        "settings": [
            {**{k: v for k, v in dataclasses.asdict(s).items() if v is not None},
             "default": list(s.default) if isinstance(s.default, tuple) else s.default}
            for s in SETTINGS
        ],
        "max_layers": MAX_LAYERS,
        "recommended": {name: RunSpec.recommended(name).to_json() for name in datasets.DATASETS},
        # the engine's other settings (momentum, adam's betas...), for the page's trainer
        "engine": {k: v for k, v in dataclasses.asdict(EngineConfig()).items()
                   if k not in ("hidden_layer_sizes", "random_state")},
        "crosses": {name: {"label": f[0], "needs": f[1]} for name, f in FEATURES.items()},
        "datasets": {name: {"n": d.n, "noise": d.noise, "n_features": d.n_features, "n_classes": d.n_classes,
                            "summary": d.summary} for name, d in datasets.DATASETS.items()},
    }  # fmt: skip
