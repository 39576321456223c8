"""The addresses of NumPy's own inner loops, so compiled code can call exactly what NumPy runs.

A ufunc keeps one C function per type signature (``np.tanh.types``), the loop NumPy calls on
each contiguous stretch of an array: ``loop(char **args, npy_intp *dimensions, npy_intp *steps,
void *data)``. For ``float64`` the loops of ``np.matmul`` (which picks the BLAS call itself),
``np.tanh`` and ``np.exp`` (NumPy's own SIMD code, whose numbers differ from the C library's
in the last bit for about a third of inputs on this kind of machine) and SciPy's ``expit`` are
read from the ufunc object's public C layout (``PyUFuncObject``: ``functions`` and ``data``
after the header and four ints). :func:`inner_loop` checks the layout it reads (the input
and output counts, the number of signatures and each argument's type number) and refuses
anything else, so a changed layout turns the compiled path off instead of calling a wrong
address; :mod:`netwarp.core.fused_epoch` also compares every loop's numbers with the ufunc's
before using it.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

#: Offsets in ``PyUFuncObject`` after ``PyObject_HEAD`` (refcount and type pointer).
_NIN, _NOUT, _NARGS, _FUNCTIONS, _DATA, _NTYPES, _TYPES = 16, 20, 24, 32, 40, 48, 64


class LoopUnavailable(Exception):
    """The ufunc's inner loop could not be located with confidence."""


def inner_loop(ufunc: Any, signature: str) -> tuple[int, int]:
    """``(function, data)`` addresses of ``ufunc``'s inner loop for ``signature`` (``"d->d"``).

    Raises :class:`LoopUnavailable` when the object is not laid out as expected.
    """
    if not isinstance(ufunc, np.ufunc) or ctypes.sizeof(ctypes.c_void_p) != 8:
        raise LoopUnavailable(f"{ufunc!r} is not a NumPy ufunc on a 64-bit platform")
    try:
        index = ufunc.types.index(signature)
    except ValueError as exc:
        raise LoopUnavailable(f"{ufunc.__name__} has no {signature} loop") from exc
    base = id(ufunc)

    def read_int(offset: int) -> int:
        return ctypes.c_int.from_address(base + offset).value

    def read_ptr(address: int) -> int:
        return ctypes.c_void_p.from_address(address).value or 0

    nin, nout, nargs, ntypes = read_int(_NIN), read_int(_NOUT), read_int(_NARGS), read_int(_NTYPES)
    if (nin, nout, nargs, ntypes) != (ufunc.nin, ufunc.nout, ufunc.nargs, ufunc.ntypes):
        raise LoopUnavailable(f"{ufunc.__name__}: unexpected ufunc layout")
    types = read_ptr(base + _TYPES)
    codes = [np.dtype(c).num for c in signature.replace("->", "")]
    if not types or [ctypes.c_char.from_address(types + index * nargs + k).value[0] for k in range(nargs)] != codes:
        raise LoopUnavailable(f"{ufunc.__name__}: the signature table does not match")
    functions, data = read_ptr(base + _FUNCTIONS), read_ptr(base + _DATA)
    function = read_ptr(functions + 8 * index) if functions else 0
    if not function:
        raise LoopUnavailable(f"{ufunc.__name__}: no inner loop for {signature}")
    return function, read_ptr(data + 8 * index) if data else 0
