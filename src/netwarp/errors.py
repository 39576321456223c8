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


class LimitError(NetwarpError):
    """Input over one of netwarp's size limits (rows, columns, bytes, entries), found from what the
    file declares (headers, footers, zip directory) and refused before anything that size is allocated."""


class DataLimitError(DataFileError, LimitError):
    """A data file over a size limit (``netwarp.data.files.MAX_ROWS``, ``MAX_COLUMNS``, ...)."""


class TrajectoryLimitError(TrajectoryFileError, LimitError):
    """A trajectory file over a size limit (``netwarp.core.files.MAX_ARRAY_BYTES``, ...)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with a one-line note of what was kept (the CLI prints it and exits with status 130)."""
