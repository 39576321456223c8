"""Optional compiled kernels for the element-wise parts of a training step (needs ``numba``).

With ``numba`` installed (``pip install netwarp[numba]``) a float64 training step runs its
element-wise work in a few compiled loops instead of about twenty NumPy calls: the bias add
and relu of each hidden layer in one pass, the relu derivative in one, and the gradient's L2
term and division by the batch size together with the whole SGD or Adam update in one.

Each loop does per element exactly the operations the NumPy path does, in the same order and
the same precision (no fast-math, so no reassociation and no fused multiply-add), so the
parameters are the same bits; the matrix products, reductions and transcendental functions
(``tanh``, ``exp``, ``log``) stay NumPy's. The kernels compile on first use (about a second,
cached on disk afterwards). ``NETWARP_NUMBA=0`` turns them off. Where a run allows, the
engine goes further and runs whole epochs compiled (:func:`epochs`,
:mod:`netwarp.core.fused_epoch`), calling NumPy's own loops for those parts.

The kernels themselves are in :mod:`netwarp.core.elementwise`.
"""

from __future__ import annotations

import functools
import importlib
import os
from types import SimpleNamespace
from typing import Any

from netwarp.core.elementwise import adam, bias_relu, relu_backward, sgd


@functools.cache
def numba_module() -> Any:
    """numba, or None when it is missing or ``NETWARP_NUMBA=0`` turns it off."""
    if os.environ.get("NETWARP_NUMBA", "1") == "0":
        return None
    try:
        return importlib.import_module("numba")
    except ImportError:
        return None


@functools.cache
def kernels() -> Any:
    """The kernels compiled, as a namespace, or None when numba is missing or turned off."""
    numba = numba_module()
    if numba is None:
        return None
    jit = numba.njit(cache=True, fastmath=False, nogil=True, error_model="numpy")
    return SimpleNamespace(bias_relu=jit(bias_relu), relu_backward=jit(relu_backward), sgd=jit(sgd), adam=jit(adam))


def epochs(*args: Any) -> Any:
    """A run's whole epochs compiled (:func:`netwarp.core.fused_epoch.prepare`, same arguments),
    or None when numba is off or the run does not fit them: then the engine steps batch by batch."""
    if numba_module() is None:
        return None
    from netwarp.core import fused_epoch

    return fused_epoch.prepare(*args)


def plain() -> Any:
    """The same kernels uncompiled (slow: for tests that check their arithmetic against NumPy's)."""
    return SimpleNamespace(bias_relu=bias_relu, relu_backward=relu_backward, sgd=sgd, adam=adam)
