"""Compiled building blocks of a training step that give NumPy's numbers (needs ``numba``).

Imported only when :func:`netwarp.core.fused.epochs` finds numba. Three kinds of operation:

- calls of NumPy's own inner loops (:mod:`netwarp.core.ufunc_loops`) through their addresses:
  ``matmul`` (NumPy's choice of BLAS call for the operands' shapes and strides, so the same
  summation order), and in-place ``unary`` loops (``tanh``, ``exp``, SciPy's ``expit``);
- NumPy's sums written out: ``np.add.reduce`` over a contiguous run starts from 0.0 and adds
  by NumPy's pairwise rule (blocks of eight accumulators up to 128 values, halves above);
  across rows (axis 0 of a ``(rows, width)`` array, width > 1) it adds row after row;
- element-wise loops in the order NumPy evaluates them (no fast-math: no reassociation, no
  fused multiply-add).

:func:`self_check` compares each with NumPy on random operands; the caller uses none of them
unless it passes. numba's on-disk cache watches only the file a function is defined in: after
editing this file, also touch ``fused_epoch.py`` (whose cached epoch holds copies of these).

``loops`` is an int64 array of addresses ``(10,)``: the matmul, tanh, exp, expit and xlogy
loops, then their data pointers. ``s`` is an int64 scratch ``(16,)``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

from netwarp.core import batchops, elementwise
from netwarp.core.ufunc_loops import inner_loop

numba = importlib.import_module("numba")
ir = importlib.import_module("llvmlite.ir")
# no fast-math; x / 0 gives inf as in NumPy; the GIL is released (the loops called touch no Python object)
jit = numba.njit(cache=True, fastmath=False, error_model="numpy", nogil=True)
MATMUL, TANH, EXP, EXPIT, XLOGY = 0, 1, 2, 3, 4
N_LOOPS = 5


@numba.extending.intrinsic  # type: ignore[untyped-decorator]
def _call(typingctx: Any, function: Any, args: Any, dims: Any, steps: Any, data: Any) -> Any:
    """``function(args, dims, steps, data)``: a NumPy inner loop at an address (all intp)."""
    intp = numba.types.intp
    signature = numba.types.void(intp, intp, intp, intp, intp)

    def codegen(context: Any, builder: Any, sig: Any, values: Any) -> Any:
        pointer = ir.IntType(8).as_pointer()
        kind = ir.FunctionType(ir.VoidType(), [pointer] * 4)
        target = builder.inttoptr(values[0], kind.as_pointer())
        builder.call(target, [builder.inttoptr(v, pointer) for v in values[1:]])
        return context.get_dummy_value()

    return signature, codegen


@jit  # type: ignore[untyped-decorator]
def matmul(loops: Any, a: Any, b: Any, out: Any, s: Any) -> None:
    """``np.matmul(a, b, out=out)`` for 2-D float64 ``a`` ``(m, n)``, ``b`` ``(n, p)``."""
    s[0], s[1], s[2] = a.ctypes.data, b.ctypes.data, out.ctypes.data
    s[3], s[4], s[5], s[6] = 1, a.shape[0], a.shape[1], b.shape[1]
    s[7], s[8], s[9] = 0, 0, 0
    s[10], s[11], s[12], s[13] = a.strides[0], a.strides[1], b.strides[0], b.strides[1]
    s[14], s[15] = out.strides[0], out.strides[1]
    base = s.ctypes.data
    _call(loops[MATMUL], base, base + 24, base + 56, loops[N_LOOPS + MATMUL])


@jit  # type: ignore[untyped-decorator]
def unary(loops: Any, which: int, a: Any, s: Any) -> None:
    """NumPy's loop ``which`` (``TANH``, ``EXP``, ``EXPIT``) in place over a C-contiguous ``a``."""
    s[0], s[1], s[2], s[3], s[4] = a.ctypes.data, a.ctypes.data, a.size, 8, 8
    base = s.ctypes.data
    _call(loops[which], base, base + 16, base + 24, loops[N_LOOPS + which])


@jit  # type: ignore[untyped-decorator]
def log_in_place(loops: Any, a: Any, one: Any, s: Any) -> None:
    """``a[:] = xlogy(1.0, a)`` (SciPy's loop; ``one`` holds 1.0) over a contiguous ``a``."""
    s[0], s[1], s[2], s[3], s[4], s[5], s[6] = one.ctypes.data, a.ctypes.data, a.ctypes.data, a.size, 0, 8, 8
    base = s.ctypes.data
    _call(loops[XLOGY], base, base + 24, base + 32, loops[N_LOOPS + XLOGY])


@jit  # type: ignore[untyped-decorator]
def _block(a: Any, start: int, n: int) -> float:
    """NumPy's sum of up to 128 contiguous values: one by one below 8, else 8 accumulators."""
    if n < 8:
        res = 0.0
        for i in range(start, start + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = 8
    while i < n - n % 8:
        j = start + i
        r0, r1, r2, r3 = r0 + a[j], r1 + a[j + 1], r2 + a[j + 2], r3 + a[j + 3]
        r4, r5, r6, r7 = r4 + a[j + 4], r5 + a[j + 5], r6 + a[j + 6], r7 + a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[start + i]
        i += 1
    return res  # type: ignore[no-any-return]


@jit  # type: ignore[untyped-decorator]
def pairwise(a: Any, start: int, n: int) -> float:
    """NumPy's pairwise sum of the contiguous ``a[start:start + n]`` (``a`` 1-D): blocks of at
    most 128, above that the sum of the two halves (the first a multiple of 8 long). Written
    with an explicit stack: numba's on-disk cache mishandles recursive functions."""
    if n <= 128:
        return _block(a, start, n)  # type: ignore[no-any-return]
    starts, sizes = np.empty(64, np.int64), np.empty(64, np.int64)
    phase, left = np.zeros(64, np.int64), np.empty(64)
    top = 0
    starts[0], sizes[0], phase[0] = start, n, 0
    while True:
        if sizes[top] > 128:  # descend into the left half
            half = sizes[top] // 2
            half -= half % 8
            phase[top] = 1
            top += 1
            starts[top], sizes[top], phase[top] = starts[top - 1], half, 0
            continue
        value = _block(a, starts[top], sizes[top])
        top -= 1
        while top >= 0:  # hand the value up: a left half waits for its right one
            half = sizes[top] // 2
            half -= half % 8
            if phase[top] == 1:
                left[top], phase[top] = value, 2
                top += 1
                starts[top], sizes[top], phase[top] = starts[top - 1] + half, sizes[top - 1] - half, 0
                break
            value = left[top] + value
            top -= 1
        if top < 0:
            return value  # type: ignore[no-any-return]


@jit  # type: ignore[untyped-decorator]
def column_sums(d: Any, out: Any) -> None:
    """``np.add.reduce(d, axis=0, out=out)`` for a C-contiguous ``d`` ``(rows, width)``."""
    rows, width = d.shape
    if width == 1:
        out[0] = 0.0 + pairwise(d.ravel(), 0, rows)
        return
    for c in range(width):  # NumPy adds row after row; per column that is this order
        total = 0.0
        for r in range(rows):
            total += d[r, c]
        out[c] = total


@jit  # type: ignore[untyped-decorator]
def softmax(loops: Any, z: Any, s: Any) -> None:
    """:func:`netwarp.core.batchops.output_inplace`'s softmax over the rows of ``z`` ``(rows, k)``."""
    rows, k = z.shape
    for r in range(rows):
        top = z[r, 0]
        for c in range(1, k):
            top = max(top, z[r, c])
        for c in range(k):
            z[r, c] = z[r, c] - top
    unary(loops, EXP, z, s)
    flat = z.ravel()
    for r in range(rows):
        total = 0.0 + pairwise(flat, r * k, k)
        for c in range(k):
            z[r, c] = z[r, c] / total


@jit  # type: ignore[untyped-decorator]
def square_sum(loops: Any, v: Any, out: Any, s: Any) -> float:
    """``np.dot(v, v)`` for a contiguous 1-D ``v`` (NumPy's dot loop, through matmul's)."""
    matmul(loops, v.reshape(1, v.size), v.reshape(v.size, 1), out, s)
    return out[0, 0]  # type: ignore[no-any-return]


bias_relu = jit(elementwise.bias_relu)
relu_backward = jit(elementwise.relu_backward)
sgd = jit(elementwise.sgd)
adam = jit(elementwise.adam)


_said: list[bool] = []


_Listener: Any = numba.core.event.Listener


class _CompileNotice(_Listener):  # type: ignore[misc]
    """Says once per process, on standard error, that numba has started compiling (a machine's
    first run: about ten seconds; numba keeps the result on disk)."""

    def on_start(self, event: Any) -> None:
        if not _said:
            _said.append(True)
            print("netwarp: compiling the training loop with numba, once for this machine (about 10 s)",
                  file=sys.stderr, flush=True)  # fmt: skip

    def on_end(self, event: Any) -> None:
        pass


def compile_notice() -> Any:
    """A context in which a compilation is announced (:class:`_CompileNotice`)."""
    return numba.core.event.install_listener("numba:compile", _CompileNotice())


def loop_table() -> Any:
    """The ``loops`` array ``(10,)`` for this process (addresses change between processes)."""
    from scipy.special import expit, xlogy

    found = [inner_loop(np.matmul, "dd->d"), *(inner_loop(u, "d->d") for u in (np.tanh, np.exp, expit))]
    found.append(inner_loop(xlogy, "dd->d"))
    return np.array([f for f, _ in found] + [d for _, d in found], dtype=np.int64)


def self_check(loops: Any, seed: int = 0) -> bool:
    """True when every operation here gives NumPy's (and SciPy's) bits on random operands."""
    from scipy.special import expit, xlogy

    rng = np.random.default_rng(seed)
    s = np.zeros(16, dtype=np.int64)

    def same(a: Any, b: Any) -> bool:
        return a.shape == b.shape and bool(np.all(a.view(np.int64) == b.view(np.int64)))

    for m, n, p in [(200, 1, 2), (200, 2, 1), (1, 200, 2), (2, 200, 1), (37, 9, 5), (1, 64, 1), (130, 33, 1)]:
        a, b = rng.normal(size=(m, n)), rng.normal(size=(n, p))
        for left, right in [(a, b), (np.asfortranarray(a), b), (a, np.asfortranarray(b))]:
            got = np.empty((m, p))
            matmul(loops, left, right, got, s)
            if not same(got, np.matmul(left, right)):
                return False
        sums = np.empty(n)
        column_sums(a, sums)
        if not same(sums, np.add.reduce(a, axis=0)):
            return False
        z = a * 5
        softmax(loops, z, s)
        ref = a * 5
        batchops.output_inplace("softmax")(ref)
        v = rng.normal(size=m * n)
        if not same(z, ref) or square_sum(loops, v, np.empty((1, 1)), s) != np.dot(v, v):
            return False
    x = rng.normal(0, 4, 4099)
    for which, ufunc in [(TANH, np.tanh), (EXP, np.exp), (EXPIT, expit)]:
        values = x.copy()
        unary(loops, which, values, s)
        if not same(values, ufunc(x)):
            return False
    values = np.abs(x)
    log_in_place(loops, values, np.ones(1), s)
    return same(values, xlogy(1.0, np.abs(x)))
