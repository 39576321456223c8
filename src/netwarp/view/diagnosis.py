"""The diagnostics' results: :class:`Diagnostics` (arrays at sampled epochs), their JSON forms and
their text summary. :mod:`netwarp.view.diagnostics` measures them; a scene
(:mod:`netwarp.view.scene`) keeps them up to date as epochs arrive with :meth:`Diagnostics.take`
and :func:`concat`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netwarp.view.vocabulary import metric

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Diagnostics:
    """Diagnostics of a trajectory at ``k`` sampled epochs (``L`` weight layers).

    Attributes
    ----------
    epochs : ``(k,)`` the epochs measured.
    layer_sizes, activations : as in the trajectory.
    det : ``(L, k)`` determinant of each square ``W``; NaN for non-square layers.
    singular_values : list of ``L`` arrays ``(k, min(fan_in, fan_out))``, descending.
    injective, homeomorphism : ``(L, k)`` bool, see :func:`layer_map`.
    kinds : ``L`` lists of ``k`` strings, e.g. ``"homeomorphism"``, ``"not injective: relu..."``.
    separability : ``(L + 1, k)`` linear-classifier accuracy in representation 0 (input) .. L.
    first_separable : ``(k,)`` first representation with separability >= ``threshold``; -1 if none.
    stretch : ``(L + 1, k)`` largest singular value of the input -> representation Jacobian,
        maximum over the data points (1 for the input).
    stretch_median : ``(L + 1, k)`` the same, median over the points.
    threshold : separability threshold used.
    readout : ``(L + 1, k)`` held-out test accuracy of a linear read-out of each representation
        (:func:`netwarp.view.readout.readouts`; the output's is the network's test accuracy);
        NaN without test points or for a regressor. This is the figure the views show.
    first_readout : ``(k,)`` first representation whose read-out is >= ``threshold``; -1 if none.
    """

    epochs: NDArray[np.int64]
    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    det: Array
    singular_values: list[Array]
    injective: NDArray[np.bool_]
    homeomorphism: NDArray[np.bool_]
    kinds: list[list[str]]
    separability: Array
    first_separable: NDArray[np.int64]
    stretch: Array
    stretch_median: Array
    threshold: float
    readout: Array
    first_readout: NDArray[np.int64]

    @property
    def n_layers(self) -> int:
        return len(self.layer_sizes) - 1

    def index(self, epoch: int | None = None) -> int:
        """Column of the sampled epoch nearest to ``epoch`` (None or -1: the last)."""
        if epoch is None or epoch == -1:
            return len(self.epochs) - 1
        if epoch < 0:
            epoch += int(self.epochs[-1]) + 1
        return int(np.argmin(np.abs(self.epochs - epoch)))

    def summary(self, epoch: int | None = None) -> dict[str, Any]:
        """JSON-able diagnostics at the sampled epoch nearest ``epoch`` (default: the last)."""
        j = self.index(epoch)
        layers = []
        for ell in range(self.n_layers):
            det = self.det[ell, j]
            sv = self.singular_values[ell][j]
            layers.append({
                "layer": ell + 1,
                "map": f"{self.layer_sizes[ell]} -> {self.layer_sizes[ell + 1]} {self.activations[ell]}",
                "kind": self.kinds[ell][j],
                "injective": bool(self.injective[ell, j]),
                "homeomorphism": bool(self.homeomorphism[ell, j]),
                "det": _opt(det),
                "singular_values": [float(s) for s in sv],
                "separability": _opt(self.separability[ell + 1, j]),
                "readout": _opt(self.readout[ell + 1, j]),
                "stretch": float(self.stretch[ell + 1, j]),
                "stretch_median": float(self.stretch_median[ell + 1, j]),
            })  # fmt: skip
        first = int(self.first_separable[j])
        first_ro = int(self.first_readout[j])
        return {
            "epoch": int(self.epochs[j]),
            "input_separability": _opt(self.separability[0, j]),
            "first_separable_layer": None if first < 0 else first,
            "input_readout": _opt(self.readout[0, j]),
            "first_readout_layer": None if first_ro < 0 else first_ro,
            "threshold": self.threshold,
            "layers": layers,
        }

    def to_dict(self) -> dict[str, Any]:
        """Every array as JSON-able lists (NaN -> None), floats to 6 significant digits."""
        return {
            "epochs": [int(e) for e in self.epochs],
            "threshold": self.threshold,
            "layer_sizes": list(self.layer_sizes),
            "activations": list(self.activations),
            "layers": [
                {
                    "layer": ell + 1,
                    "det": _json(self.det[ell]),
                    "singular_values": _json(self.singular_values[ell]),
                    "injective": [bool(v) for v in self.injective[ell]],
                    "homeomorphism": [bool(v) for v in self.homeomorphism[ell]],
                    "kind": self.kinds[ell],
                }
                for ell in range(self.n_layers)
            ],
            "separability": _json(self.separability),
            "first_separable": [int(v) for v in self.first_separable],
            "readout": _json(self.readout),
            "first_readout": [int(v) for v in self.first_readout],
            "stretch": _json(self.stretch),
            "stretch_median": _json(self.stretch_median),
        }

    def take(self, columns: Any) -> Diagnostics:
        """The diagnostics at the sampled epochs ``self.epochs[columns]`` only."""
        j = np.asarray(columns, dtype=np.int64)
        return Diagnostics(
            self.epochs[j], self.layer_sizes, self.activations, self.det[:, j],
            [sv[j] for sv in self.singular_values], self.injective[:, j], self.homeomorphism[:, j],
            [[row[i] for i in j] for row in self.kinds], self.separability[:, j], self.first_separable[j],
            self.stretch[:, j], self.stretch_median[:, j], self.threshold, self.readout[:, j], self.first_readout[j],
        )  # fmt: skip

    def with_epochs(self, epochs: Any) -> Diagnostics:
        """The same measurements labelled with other epoch numbers ``(k,)`` (a trajectory's rows
        measured out of a longer run)."""
        out = self.take(np.arange(len(self.epochs)))
        object.__setattr__(out, "epochs", np.asarray(epochs, dtype=np.int64))
        return out


def _opt(v: Any) -> float | None:
    """A finite float, or None (JSON has no NaN)."""
    v = float(v)
    return v if math.isfinite(v) else None


def _json(a: Array) -> Any:
    """Nested lists of floats rounded to 6 significant digits; NaN and inf become None."""
    out: Any = np.asarray(a, dtype=np.float64).tolist()

    def fix(v: Any) -> Any:
        if isinstance(v, list):
            return [fix(u) for u in v]
        return float(f"{v:.6g}") if math.isfinite(v) else None

    return fix(out)


def concat(parts: list[Diagnostics]) -> Diagnostics:
    """Diagnostics at the epochs of every part, in order (parts share layers and threshold)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    kinds = [[k for p in parts for k in p.kinds[ell]] for ell in range(first.n_layers)]
    return Diagnostics(
        np.concatenate([p.epochs for p in parts]), first.layer_sizes, first.activations,
        np.concatenate([p.det for p in parts], axis=1),
        [np.concatenate([p.singular_values[ell] for p in parts]) for ell in range(first.n_layers)],
        np.concatenate([p.injective for p in parts], axis=1), np.concatenate([p.homeomorphism for p in parts], axis=1),
        kinds, np.concatenate([p.separability for p in parts], axis=1),
        np.concatenate([p.first_separable for p in parts]), np.concatenate([p.stretch for p in parts], axis=1),
        np.concatenate([p.stretch_median for p in parts], axis=1), first.threshold,
        np.concatenate([p.readout for p in parts], axis=1), np.concatenate([p.first_readout for p in parts]),
    )  # fmt: skip


def format_summary(summary: dict[str, Any]) -> list[str]:
    """Human-readable lines for :meth:`Diagnostics.summary` (used by ``netwarp info``): per layer its
    kind, det W, linear read-out on held-out points (the output's is the test accuracy) and
    stretch, with the training-set separability the essay's claims use in brackets; without
    test points, the separability alone."""
    from netwarp.view.readout import percent

    held_out = summary.get("input_readout") is not None
    first = summary["first_readout_layer" if held_out else "first_separable_layer"]
    where = "never" if first is None else ("already in the input" if first == 0 else f"from layer {first} on")
    if held_out:
        head = (f"a linear read-out reaches {summary['threshold']:.0%} of the test points {where}; input "
                f"{percent(summary['input_readout'])} (separability {percent(summary['input_separability'])})")
    else:
        head = (f"classes linearly separable (>= {summary['threshold']:.0%}) {where}; "
                f"input {percent(summary['input_separability'])}")
    lines = [f"diagnostics at epoch {summary['epoch']}: {head}"]
    last = len(summary["layers"])
    for s in summary["layers"]:
        det = "" if s["det"] is None else f", det {s['det']:.3g}"
        sep = f"separability {percent(s['separability'])}"
        if held_out:
            what = metric("test_accuracy" if s["layer"] == last else "readout")
            sep = f"{what} {percent(s['readout'])} ({sep})"
        lines.append(
            f"  layer {s['layer']} ({s['map']}): {s['kind']}{det}; {sep}, "
            f"stretch max {s['stretch']:.3g} (median {s['stretch_median']:.3g})"
        )
    return lines
