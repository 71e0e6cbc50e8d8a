"""Your own function: a typed formula f(x), f(x, y) or f(x, y, z) as a ``Landscape``.

``landscape_from_expression("x^2 + 10*sin(y)")`` reads the text safely (see
``expression_parse``: nothing of it is ever evaluated by Python), differentiates it with
sympy and compiles f, ∇f and the Hessian with ``sympy.lambdify(modules="numpy")`` into
vectorized functions of ``(n, dim)`` points (the Hessian by central differences of ∇f
when the gradient is too large to differentiate again in good time). A mistake raises
``ExpressionError`` (a ValueError) whose ``column`` (1-based) and message say where and
what, e.g. ``unknown name 'sn' at column 3: did you mean sin?``; ``validate_expression``
returns that pair instead of raising, for a formula box that checks as the user types.

The dimension is the highest variable typed: x -> 1-D, y -> 2-D, z -> 3-D (a formula
in y alone is 2-D and does not depend on x). Where f or ∇f is undefined (log of a
negative number, a division by zero) the value is NaN, never an exception, so a run
stepping there stops as diverged. At the kinks of abs, min and max the gradient is a
subgradient (``sign(u)`` for ``abs(u)``; for min and max that of the argument chosen,
the first one on a tie) and the second derivative is 0. sympy's own simplifications
apply: ``exp(log(x))`` is ``x``.

Without a ``view`` the box, the start point and the minima are found numerically by the
rule of ``expression_view``. The landscape is called ``"expr"`` (group ``"custom"``) and
has no parameters. ``expression_landscape`` keeps the last ones built, since sympy takes
a moment; sympy itself is imported only when the first formula is built
(``expression_build``), so that gdviz starts without it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from gdviz.core.expression_tokens import ExpressionError
from gdviz.core.landscapes import Landscape

__all__ = ["GROUP", "NAME", "ExpressionError", "expression_landscape",
           "landscape_from_expression", "validate_expression"]
NAME = "expr"
GROUP = "custom"
Box = tuple[tuple[float, float], ...]


def landscape_from_expression(text: str, view: Sequence[Sequence[float]] | None = None
                              ) -> Landscape:
    """The landscape of the formula ``text``; ``view`` (one ``(lo, hi)`` per variable up
    to the highest one typed) fixes the box, else it is chosen automatically.
    ExpressionError for a formula that cannot be used, ValueError for a bad view."""
    return expression_landscape(text, None if view is None else _box(view))


def validate_expression(text: str, view: Sequence[Sequence[float]] | None = None
                        ) -> Landscape | tuple[int, str]:
    """The landscape of ``text``, or ``(column, message)`` saying what is wrong where."""
    try:
        return landscape_from_expression(text, view)
    except ExpressionError as e:
        return e.column, str(e)


@functools.lru_cache(maxsize=64)
def expression_landscape(text: str, view: Box | None = None) -> Landscape:
    """``landscape_from_expression`` for a hashable ``view``, remembered per (text, view).
    sympy is imported on the first formula only: nothing else of gdviz needs it."""
    from gdviz.core.expression_build import build

    return build(text, view)


def _box(view: Sequence[Sequence[float]]) -> Box:
    """``view`` as a tuple of ``(lo, hi)`` float pairs with finite lo < hi."""
    box = []
    for interval in view:
        lo, hi = (float(v) for v in interval)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"a view interval is (lo, hi) with finite lo < hi, got "
                             f"{tuple(interval)!r}")
        box.append((lo, hi))
    return tuple(box)
