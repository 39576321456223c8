"""The essay tour: Olah's "Neural Networks, Manifolds, and Topology" (2014), step by step, with
runs netwarp trains itself and the diagnostics that test each claim.

:func:`train_tour` trains every step's runs (and a few extra seeds per claim) and measures
them; :func:`netwarp.apps.essay.page.write_tour` writes the single self-contained HTML page.
The prose is ours; the numbers on the page are measured.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from netwarp.apps import sweep as sw
from netwarp.apps.essay import experiments
from netwarp.apps.essay.experiments import pct as _pct
from netwarp.core.spec import RunSpec
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view.diagnostics import Diagnostics, diagnose

#: The essay's training settings (adam at 0.05 trains its small networks to convergence in well
#: under a second, where the seed's sgd at 0.02 often stops on a plateau); each run changes what it needs.
ESSAY = RunSpec(solver="adam", learning_rate_init=0.05, max_iter=1000, random_state=0)


def run(label: str, hidden: tuple[int, ...], activation: str = "tanh", seed: int = 0, **settings: Any) -> RunSpec:
    """One network of a step (its dataset is filled in by :func:`steps`)."""
    return ESSAY.replace(name=label, hidden=hidden, activation=activation, random_state=seed, **settings)


@dataclass
class Measured:
    """A trained run with its diagnostics (``diag`` over up to 50 sampled epochs)."""

    spec: RunSpec
    traj: Trajectory
    diag: Diagnostics

    @property
    def test(self) -> float:
        return float(self.traj.test_score[-1])

    @property
    def train(self) -> float:
        return float(self.traj.train_score[-1])

    def sep(self, rep: int) -> float:
        """Separability of representation ``rep`` (0 = input) at the last epoch."""
        return float(self.diag.separability[rep, -1])


@dataclass(frozen=True)
class Finding:
    """One measured sentence; ``ok`` says whether it supports the essay's claim (None: no claim)."""

    text: str
    ok: bool | None = None


@dataclass
class StepResult:
    step: StepDef
    runs: list[Measured]
    seeds: dict[str, list[sw.Row]]
    findings: list[Finding] = field(default_factory=list)
    view: str = ""  # the view's payload scripts, when built beside the training
    seconds: float = 0.0


Check = Callable[[StepResult, dict[str, StepResult]], list[Finding]]


@dataclass(frozen=True)
class StepDef:
    """A section of the tour: prose, the runs shown live, extra seeds to test the claim."""

    key: str
    title: str
    claim: str
    dataset: str
    runs: tuple[RunSpec, ...]
    text: tuple[str, ...]
    check: Check
    view: dict[str, Any] = field(default_factory=dict)
    seeds: dict[str, Any] = field(default_factory=dict)
    #: trains the step's runs on data that is not a built-in dataset (default: :func:`measure` each)
    train: Callable[[StepDef], list[Measured]] | None = None
    #: another step whose runs are these (the page then shows that step's view here)
    shares: str = ""


def _range(rows: list[sw.Row], key: str = "test_accuracy") -> tuple[float, float, int]:
    vals = [float(r[key]) for r in rows if not r["error"]]
    return (min(vals), max(vals), len(vals)) if vals else (float("nan"), float("nan"), 0)


# ----------------------------------------------------------------- the checks
def _check_curves(r: StepResult, _: dict[str, StepResult]) -> list[Finding]:
    m = r.runs[0]
    first = int(m.diag.first_separable[-1])
    return [
        Finding(f"A linear classifier separates {_pct(m.sep(0))} of the points in the input plane but "
                f"{_pct(m.sep(1))} in the hidden layer after training (it was {_pct(m.diag.separability[1, 0])} "
                f"at initialisation).", m.sep(1) >= 0.99 > m.sep(0)),
        Finding(f"First linearly separable representation: {'none' if first < 0 else f'layer {first}'}; "
                f"test accuracy {_pct(m.test)}."),
    ]  # fmt: skip


def _check_deformation(r: StepResult, _: dict[str, StepResult]) -> list[Finding]:
    tanh, relu = r.runs
    d = tanh.diag
    dets = np.abs(d.det[0])
    homeo = int(d.homeomorphism[0].sum())
    relu_inj = int(relu.diag.injective[0].sum())
    return [
        Finding(f"tanh layer: W is 2 x 2 with |det W| between {dets.min():.3g} and {dets.max():.3g} over "
                f"{len(d.epochs)} sampled epochs, so it is a homeomorphism at {homeo} of {len(d.epochs)} of them.",
                homeo == len(d.epochs)),
        Finding(f"ReLU layer: reported not injective at {len(relu.diag.epochs) - relu_inj} of {len(relu.diag.epochs)} "
                f"sampled epochs (its det W ends at {relu.diag.det[0, -1]:.3g}, but ReLU folds every negative "
                f"coordinate onto 0).", relu_inj == 0),
    ]  # fmt: skip


def _check_interval(r: StepResult, _: dict[str, StepResult]) -> list[Finding]:
    lo1, hi1, n1 = _range(r.seeds["1"])
    lo2, hi2, n2 = _range(r.seeds["2"])
    one = r.runs[0]
    return [
        Finding(f"1 unit, {n1} seeds: test accuracy {_pct(lo1)} to {_pct(hi1)} (2/3 is what a single threshold "
                f"gets); the 1 -> 1 tanh layer is reported as a {one.diag.kinds[0][-1]} of the line: it keeps "
                f"the order of the points.", hi1 < 0.8),
        Finding(f"2 units, {n2} seeds: test accuracy {_pct(lo2)} to {_pct(hi2)}; the hidden layer is linearly "
                f"separable ({_pct(r.runs[1].sep(1))}).", lo2 >= 0.98),
    ]  # fmt: skip


def _check_disk(r: StepResult, _: dict[str, StepResult]) -> list[Finding]:
    lo2, hi2, n2 = _range(r.seeds["2"])
    ok3 = [float(x["test_accuracy"]) >= 0.98 for x in r.seeds["3"] if not x["error"]]
    lo3, hi3, _n3 = _range(r.seeds["3"])
    return [
        Finding(f"2 units, {n2} seeds: test accuracy {_pct(lo2)} to {_pct(hi2)}; best hidden-layer "
                f"separability {_pct(max(float(x['separability'].split(';')[1]) for x in r.seeds['2']))}.",
                hi2 < 0.95),
        Finding(f"3 units, {len(ok3)} seeds: {sum(ok3)} reach 98 % (test accuracy {_pct(lo3)} to {_pct(hi3)}); "
                f"the shown run's 3-D hidden layer is {_pct(r.runs[1].sep(1))} linearly separable.",
                sum(ok3) > len(ok3) / 2),
    ]  # fmt: skip


def _check_easy(r: StepResult, results: dict[str, StepResult]) -> list[Finding]:
    deep = r.runs[0]
    L = deep.traj.n_layers
    ratio = deep.diag.stretch[L - 1, -1] / max(deep.diag.stretch_median[L - 1, -1], 1e-12)
    out = [
        Finding(f"2,2,2 tanh: test accuracy {_pct(deep.test)}, never linearly separable "
                f"(last hidden layer {_pct(deep.sep(L - 1))}); "
                f"{int(deep.diag.homeomorphism[: L - 1, -1].sum())} of its {L - 1} hidden layers are "
                f"homeomorphisms, so their composition is one too.", deep.sep(L - 1) < 0.99),
        Finding(f"Stretch of the last hidden layer: max {deep.diag.stretch[L - 1, -1]:.3g}, median "
                f"{deep.diag.stretch_median[L - 1, -1]:.3g} (ratio {ratio:.0f})."),
    ]  # fmt: skip
    if "disk" in results:
        three = results["disk"].runs[1]
        r3 = three.diag.stretch[1, -1] / max(three.diag.stretch_median[1, -1], 1e-12)
        out.append(Finding(f"For comparison, the 3-unit network's hidden layer: max "
                           f"{three.diag.stretch[1, -1]:.3g}, median {three.diag.stretch_median[1, -1]:.3g} "
                           f"(ratio {r3:.0f}).", ratio > 3 * r3))  # fmt: skip
    return out


def _check_spirals(r: StepResult, _: dict[str, StepResult]) -> list[Finding]:
    out = []
    for m in r.runs:
        first = int(m.diag.first_separable[-1])
        out.append(Finding(f"{m.spec.name}: test accuracy {_pct(m.test)}; separability by layer "
                           + ", ".join(_pct(v) for v in m.diag.separability[:, -1])
                           + f"; first separable: {'none' if first < 0 else f'layer {first}'}."))  # fmt: skip
    for label, rows in r.seeds.items():
        ok = sum(1 for x in rows if not x["error"] and float(x["test_accuracy"]) >= 0.98)
        firsts = [str(x["first_separable_layer"]) or "none" for x in rows if not x["error"]]
        out.append(Finding(f"{label} over {len(rows)} seeds: {ok} of {len(rows)} reach 98 % test accuracy; "
                           f"first separable layer per seed: {', '.join(firsts)}."))  # fmt: skip
    if r.step.key == "spirals":
        narrow = r.runs[0]
        homeo = bool(narrow.diag.homeomorphism[:-1, -1].all())
        out.append(Finding(f"The {narrow.spec.name} network unwinds the spirals with homeomorphisms only "
                           f"({'every' if homeo else 'not every'} hidden layer is one) and separates them "
                           f"({_pct(narrow.sep(narrow.traj.n_layers - 1))} in its last hidden layer).",
                           homeo and narrow.sep(narrow.traj.n_layers - 1) >= 0.99))  # fmt: skip
    else:
        m = r.runs[0]
        out.append(Finding(f"{m.spec.name}: the first hidden layer is {_pct(m.sep(1))} separable, the second "
                           f"{_pct(m.sep(2))}.", m.sep(1) < 0.99 <= m.sep(2)))  # fmt: skip
    return out


def _check_rings(r: StepResult, _: dict[str, StepResult]) -> list[Finding]:
    two, three = r.runs[:2]
    n_wrong = round((1 - three.sep(1)) * _n_points(three))
    out = [Finding(f"3 units: the 3-D hidden layer is {_pct(three.sep(1))} linearly separable "
                   f"({n_wrong} points on the wrong side of the best plane), though the layer is a "
                   f"{three.diag.kinds[0][-1]}.", three.sep(1) < 1.0),
           Finding(f"2 units: the plane the layer maps the rings into holds them overlapping: "
                   f"{_pct(two.sep(1))} separable.", two.sep(1) < 1.0)]  # fmt: skip
    for m in r.runs[2:]:
        out.append(Finding(f"{m.spec.name}: hidden layer {_pct(m.sep(1))} separable; train accuracy "
                           f"{_pct(m.train)}, test {_pct(m.test)}."))  # fmt: skip
    wider = max(m.sep(1) for m in r.runs[2:])
    out.append(Finding(f"More than 3 dimensions: best hidden-layer separability {_pct(wider)}.", wider >= 0.999))
    return out


def _n_points(m: Measured) -> int:
    return 0 if m.traj.data is None else len(m.traj.data.y)


CHECKS: dict[str, Check] = {
    "curves": _check_curves, "deformation": _check_deformation, "interval": _check_interval,
    "disk": _check_disk, "easy": _check_easy, "spirals": _check_spirals, "tight": _check_spirals,
    "rings": _check_rings,
    "manifold": lambda r, _: [Finding(*s) for s in experiments.check_manifold(r.runs[0].traj, r.runs[0].diag)],
    "knn": lambda r, _: [Finding(*s) for s in experiments.check_knn(r.runs[0].traj)],
}  # fmt: skip
#: Steps trained on their own data rather than a built-in dataset.
TRAINERS: dict[str, Callable[[StepDef], list[Measured]]] = {
    "manifold": lambda step: [Measured(*m) for m in experiments.train_digits(step.runs)],
}

# two_curves: a smaller step and a tighter tol train it to the end on every seed tried
_SLOW: dict[str, Any] = {"learning_rate_init": 0.02, "max_iter": 1500, "tol": 1e-6}
_RINGS: dict[str, Any] = {"max_iter": 2000, "early_stop": False}


def _defs() -> list[tuple[str, str, tuple[RunSpec, ...], dict[str, Any], dict[str, Any]]]:
    """(key, dataset, runs shown live, initial view, extra seeds per claim) of every step."""
    return [
        ("curves", "two_curves", (run("2 tanh units", (2,), **_SLOW),), {}, {}),
        ("deformation", "two_curves",
         (run("tanh, 2 units", (2,), **_SLOW), run("relu, 2 units", (2,), "relu", seed=6, **_SLOW)),
         {"compare": True, "morph": 2.5}, {}),
        ("interval", "interval1d", (run("1 tanh unit", (1,)), run("2 tanh units", (2,))),
         {"compare": True}, {"1": ((1,), range(5)), "2": ((2,), range(5))}),
        ("disk", "disk_annulus", (run("2 tanh units", (2,)), run("3 tanh units", (3,))),
         {"compare": True}, {"2": ((2,), range(10)), "3": ((3,), range(10))}),
        ("easy", "disk_annulus", (run("2,2,2 tanh", (2, 2, 2), seed=4),), {"morph": 6.0}, {}),
        ("spirals", "spirals", (run("2,2,2,2 tanh", (2, 2, 2, 2), seed=2), run("8,8 tanh", (8, 8))),
         {"compare": True}, {"2,2,2,2": ((2, 2, 2, 2), range(5)), "8,8": ((8, 8), range(5))}),
        ("tight", "spirals_tight", (run("16,16 tanh", (16, 16)),), {}, {"16,16": ((16, 16), range(3))}),
        ("rings", "linked_rings",
         (run("2 tanh units", (2,), **_RINGS), run("3 tanh units", (3,), **_RINGS),
          run("4 tanh units", (4,), **_RINGS), run("8 tanh units", (8,), **_RINGS)),
         {"compare": True, "proj": {"2.1": "tour3", "3.1": "tour3"}}, {}),  # the 4-D and 8-D layers on a tour
        ("manifold", "digits", (run("6 tanh units", (6,), learning_rate_init=0.01, max_iter=300),), {}, {}),
        ("knn", "spirals_tight", (run("16,16 tanh", (16, 16)),), {}, {}),
    ]  # fmt: skip


def steps() -> list[StepDef]:
    """The tour's sections, in order (prose from :mod:`netwarp.apps.essay.text`)."""
    from netwarp.apps.essay.text import SECTIONS

    out = []
    for key, dataset, runs, view, seeds in _defs():
        text = SECTIONS[key]
        shown = runs if key in TRAINERS else tuple(r.replace(dataset=dataset) for r in runs)
        out.append(StepDef(key, text["title"], text["claim"], dataset, shown, tuple(text["text"]),
                           CHECKS[key], view, seeds, TRAINERS.get(key), "tight" if key == "knn" else ""))  # fmt: skip
    return out


def measure(spec: RunSpec) -> Measured:
    """Train one run (on its dataset, data seed 0) and diagnose it."""
    traj = sw.trained(spec)
    return Measured(spec, traj, diagnose(traj))


def train_step(step: StepDef, view: Callable[[StepResult], str] | None = None) -> StepResult:
    """Train and diagnose one step's runs and seed studies (findings come in :func:`train_tour`).

    ``view(result)``, when given, also builds the step's view here (the page passes its
    builder), so that it runs in the same worker process.
    """
    t0 = time.perf_counter()
    runs = step.train(step) if step.train is not None else [measure(spec) for spec in step.runs]
    seeds = {
        label: sw.sweep(sw.grid(step.dataset, [hidden], "tanh", seed_list, base=ESSAY), n_jobs=1)
        for label, (hidden, seed_list) in step.seeds.items()
    }
    res = StepResult(step, runs, seeds)
    if view is not None:
        res.view = view(res)
    res.seconds = time.perf_counter() - t0
    return res


def choose(only: Sequence[str] | None) -> list[StepDef]:
    """The steps whose keys are in ``only`` (all when None), in tour order; unknown keys are an error."""
    chosen = [s for s in steps() if only is None or s.key in only]
    if only is not None and len(chosen) != len(set(only)):
        known = ", ".join(s.key for s in steps())
        raise NetwarpError(f"unknown essay step in {', '.join(only)} (known: {known})")
    return chosen


def train_tour(
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int | None = 1,
    view: Callable[[StepResult], str] | None = None,
) -> list[StepResult]:
    """Train and measure every step (or the steps whose keys are in ``only``), in order.

    ``jobs`` processes train steps in parallel (joblib; None or -1: all cores).
    """
    chosen = choose(only)
    if jobs == 1 or len(chosen) == 1:
        done: Iterable[StepResult] = (train_step(s, view) for s in chosen)
    else:
        from joblib import Parallel, delayed

        done = Parallel(n_jobs=jobs or -1, return_as="generator")(delayed(train_step)(s, view) for s in chosen)
    results: dict[str, StepResult] = {}
    for res in done:
        res.findings = res.step.check(res, results)
        results[res.step.key] = res
        if progress is not None:
            progress(f"{res.step.key}: {len(res.runs)} run(s), {sum(len(v) for v in res.seeds.values())} "
                     f"seed runs ({res.seconds:.1f} s)")  # fmt: skip
    return list(results.values())
