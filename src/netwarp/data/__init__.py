"""Data in: the built-in datasets (:mod:`.datasets`) and users' files (:mod:`.files`, :mod:`.tables`).
The ground floor of the flow: it imports only :mod:`netwarp.errors`."""

from netwarp._lazy import submodules

__getattr__ = submodules(__name__)
