"""Typed exceptions. The CLI and the server turn any :class:`NetwarpError` into one line."""

from __future__ import annotations


class NetwarpError(ValueError):
    """Bad input a user can act on: the message says what is wrong and how to fix it."""


class UnsupportedParameterError(NetwarpError):
    """An estimator parameter that netwarp's training engine cannot honour."""


class TrajectoryFileError(NetwarpError):
    """A file that is not a readable netwarp trajectory (missing, corrupt or foreign)."""


class DataFileError(NetwarpError):
    """A data file that cannot be used (empty, malformed, wrong values)."""
