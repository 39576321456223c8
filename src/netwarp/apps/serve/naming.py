"""Names for the runs of one session: a run's default name, made distinct from the others'.

A run that asks for no name is named by :func:`default_name`: its label (``moons 8 tanh``), with
an uploaded file's name in place of the upload's id (``points 8 tanh``); ``POST /api/runs`` and
``POST /api/page-scene`` both name runs so. When another run of
the session already has that name, the new one adds the settings that set it apart from
that run, as in its link (``moons 8 tanh (learning_rate_init=0.05)``); when none do (the
same settings twice), a counter (``moons 8 tanh #2``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netwarp.core.spec import SETTINGS, RunSpec


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def default_name(spec: RunSpec, data_name: str) -> str:
    """``spec``'s name, or its label with ``data_name`` (its data's name) for an upload's id."""
    return spec.label(data_name if spec.dataset.startswith("upload-") else "")


def distinct_name(spec: RunSpec, others: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """A name for a run of ``spec`` that none of ``others`` ((name, config JSON) pairs) has."""
    taken = dict(others)
    base = spec.label()
    if base not in taken:
        return base
    mine = spec.to_json()
    twin = taken[base]
    differ = [s.name for s in SETTINGS if mine.get(s.name) != twin.get(s.name, mine.get(s.name))]
    name = f"{base} ({', '.join(f'{k}={_text(mine[k])}' for k in differ)})" if differ else base
    candidate, count = name, 2
    while candidate in taken:
        candidate = f"{name} #{count}"
        count += 1
    return candidate
