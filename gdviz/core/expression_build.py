"""The sympy side of typed formulas: a parsed formula differentiated and compiled.

``build(text, view)`` parses ``text`` (``expression_parse``), takes ∇f with
``sympy.diff`` and the Hessian from ∇f, compiles them with ``sympy.lambdify(modules=
"numpy", cse=True)`` into vectorized functions of ``(n, dim)`` points, and finds the box,
the start and the minima (``expression_view``). Results are float64, NaN where the value
is undefined or complex; the Dirac deltas sympy gives as the second derivative at the
kinks of ``abs`` are 0. A gradient larger than ``HESSIAN_OPS`` sympy operations gets no
symbolic Hessian: differentiating it again could take many seconds, so the landscape
takes central differences of ∇f instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import sympy

from gdviz.core.expression import GROUP, NAME, Box
from gdviz.core.expression_names import SYMBOLS, VARIABLES
from gdviz.core.expression_parse import parse
from gdviz.core.expression_tokens import ExpressionError
from gdviz.core.expression_view import (
    DEFAULT_BOX,
    Array,
    auto_box,
    find_minima,
    has_finite,
    start_point,
)
from gdviz.core.landscapes import HessianFn, Landscape, Params

HESSIAN_OPS = 1500  # a larger gradient (in sympy operations) gets a difference Hessian
Compiled = Callable[[Array], list[Array]]


def build(text: str, view: Box | None) -> Landscape:
    """The landscape of ``text`` in ``view`` (None: the automatic box)."""
    parsed = parse(text)
    dim = max(VARIABLES.index(v) for v in parsed.variables) + 1
    names = VARIABLES[:dim]
    if view is not None and len(view) != dim:
        raise ValueError(f"the formula is {dim}-D ({', '.join(names)}): the view needs {dim} "
                         f"(lo, hi) intervals, got {len(view)}")
    symbols = SYMBOLS[:dim]
    grads = [sympy.diff(parsed.expr, s) for s in symbols]
    first = _compile([parsed.expr, *grads], dim)

    def fn(p: Array, params: Params) -> tuple[Array, Array]:
        out = first(p)
        return out[0], np.stack(out[1:], axis=-1)

    search = view if view is not None else (DEFAULT_BOX,) * dim
    slopes = ", ".join(f"∂f/∂{v} = {_readable(g)}" for v, g in zip(names, grads, strict=True))
    land = Landscape(
        name=NAME, dim=dim, domain=search, start=tuple(lo for lo, _ in search),
        minima=np.zeros((0, dim)), formula=parsed.text, group=GROUP,
        title=f"f({', '.join(names)}) = {parsed.text}",
        description=f"A formula of your own, differentiated by sympy: {slopes}.",
        log_contours=False, params={}, fn=fn, hess_fn=_hessian(grads, dim))
    minima = find_minima(land.value_and_grad, land.hessian, search)
    box = view if view is not None else auto_box(land.value_and_grad, minima, dim)
    if box is None or not has_finite(land.value_and_grad, box):
        where = ", ".join(f"{v} ∈ [{lo:g}, {hi:g}]" for v, (lo, hi) in
                          zip(names, box or search, strict=True))
        raise ExpressionError(f"f is not finite anywhere at column 1: nowhere in {where} "
                              "(a log or sqrt of negative numbers?)", 1)
    lo, hi = np.array(box).T
    minima = minima[np.all((minima >= lo) & (minima <= hi), axis=-1)] + 0.0  # no -0.0
    return replace(land, domain=box, start=start_point(land.value_and_grad, box, minima),
                   minima=minima)


def _hessian(grads: list[sympy.Expr], dim: int) -> HessianFn | None:
    """The analytic Hessian of f from its gradient, None when the gradient is too large
    for one in good time (the landscape then takes central differences of ∇f)."""
    if sum(sympy.count_ops(g) for g in grads) > HESSIAN_OPS:
        return None
    symbols = SYMBOLS[:dim]
    pairs = [(i, j) for i in range(dim) for j in range(i, dim)]
    second = [_without_delta(sympy.diff(grads[i], symbols[j])) for i, j in pairs]
    if any(e.has(sympy.Derivative) for e in second):  # sympy could not finish one
        return None
    entries = _compile(second, dim)

    def hess_fn(p: Array, params: Params) -> Array:
        h = np.empty((len(p), dim, dim))
        for (i, j), entry in zip(pairs, entries(p), strict=True):
            h[:, i, j] = h[:, j, i] = entry
        return h

    return hess_fn


def _without_delta(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with the Dirac deltas of abs/min/max kinks, and the derivatives of sign
    that sympy leaves unevaluated, set to 0 (true off the kink)."""
    flat = expr.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    result: sympy.Expr = flat.replace(
        lambda e: isinstance(e, sympy.Derivative) and e.expr.func == sympy.sign,
        lambda e: sympy.S.Zero)
    return result


def _compile(exprs: list[sympy.Expr], dim: int) -> Compiled:
    """``p (n, dim) -> [e(p) (n,) for e in exprs]``, float64, NaN where undefined."""
    numeric = sympy.lambdify(SYMBOLS[:dim], exprs, modules="numpy", cse=True)

    def evaluate(p: Array) -> list[Array]:
        with np.errstate(all="ignore"):
            out = numeric(*(p[:, i] for i in range(dim)))
            return [_real(v, len(p)) for v in out]

    return evaluate


def _real(value: object, n: int) -> Array:
    """A lambdified result (a constant or an array, maybe complex) as ``(n,)`` float64,
    NaN where it has an imaginary part (``sqrt(-x^2)`` is ``I*|x|`` to sympy)."""
    arr = np.asarray(value)
    if np.iscomplexobj(arr):
        arr = np.where(arr.imag == 0.0, arr.real, np.nan)
    out = np.empty(n)
    out[...] = arr
    return out


def _readable(expr: sympy.Expr) -> str:
    """A derivative as short readable text (``^`` for powers), cut at 80 characters."""
    text = str(sympy.sstr(expr)).replace("**", "^")
    return text if len(text) <= 80 else text[:77] + "…"
