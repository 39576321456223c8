"""``netwarp serve``: a local web app to train networks live and watch every layer deform space.

Needs the ``serve`` extra (``pip install 'netwarp[serve]'``: FastAPI, uvicorn,
python-multipart). :func:`create_app` builds the ASGI app; :func:`require` checks the extra
and raises a :class:`~netwarp.errors.NetwarpError` with the install hint when it is missing.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from netwarp.errors import NetwarpError

INSTALL_HINT = "pip install 'netwarp[serve]'"
_NEEDS = ("fastapi", "uvicorn", "multipart")


def require() -> None:
    """Raise NetwarpError naming what is missing when the serve extra is not installed."""
    missing = [m for m in _NEEDS if importlib.util.find_spec(m) is None]
    if missing:
        names = ", ".join("python-multipart" if m == "multipart" else m for m in missing)
        raise NetwarpError(f"netwarp serve needs {names}; install them with: {INSTALL_HINT}")


def create_app(**kwargs: Any) -> Any:
    """The FastAPI app (see :func:`netwarp.apps.serve.app.create_app` for the options)."""
    require()
    from netwarp.apps.serve.app import create_app as _create

    return _create(**kwargs)


__all__ = ["INSTALL_HINT", "create_app", "require"]
