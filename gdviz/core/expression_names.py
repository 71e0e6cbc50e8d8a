"""The names a typed formula may use: variables, constants and functions.

Each function pairs its sympy form (for the formula and its derivatives) with its
float64 form (for subexpressions without a variable, which the parser computes to refuse
``sqrt(-1)`` or ``exp(1000)`` where they stand). ``min`` and ``max`` are sympy functions
of their own, ``min_of`` and ``max_of``: sympy's ``Min``/``Max`` differentiate slowly
(their derivative compares every argument with every other), while these have the plain
rule ∂ max(a₁, …, aₙ)/∂aᵢ = ``chosen(max_at(a₁, …, aₙ), i)``: 1 where aᵢ is the largest
(the first one on a tie), else 0, with a zero derivative. ``lambdify`` computes them with
numpy through their ``_imp_``, and finds ``max_at(…)`` once for all the i.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import sympy
from sympy.core.logic import fuzzy_and

VARIABLES = ("x", "y", "z")
SYMBOLS = tuple(sympy.Symbol(v, real=True) for v in VARIABLES)
CONSTANTS = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}


class chosen(sympy.Function):  # type: ignore[misc]  # noqa: N801 (sympy prints its name)
    """``chosen(index, i)``: 1 where ``index`` is i, else 0; flat, so its derivative is 0."""

    is_extended_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.S.Zero

    @staticmethod
    def _imp_(index: object, i: object) -> Any:
        return (np.asarray(index) == i).astype(np.float64)


class _Position(sympy.Function):  # type: ignore[misc]
    """Where the largest (smallest) of the arguments is: its index, the first on a tie."""

    find: ClassVar[Any]  # np.argmax or np.argmin
    is_extended_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.S.Zero

    @classmethod
    def _imp_(cls, *args: object) -> Any:
        stacked = np.stack(np.broadcast_arrays(*(np.asarray(a, dtype=np.float64)
                                                 for a in args)))
        return cls.find(stacked, axis=0)


class max_at(_Position):  # noqa: N801
    find = np.argmax


class min_at(_Position):  # noqa: N801
    find = np.argmin


class _Extreme(sympy.Function):  # type: ignore[misc]
    """The largest or smallest of two or more arguments, with a cheap derivative."""

    position: ClassVar[type[_Position]]
    reduce: ClassVar[Any]  # np.maximum or np.minimum
    largest: ClassVar[bool]

    @classmethod
    def eval(cls, *args: sympy.Expr) -> sympy.Expr | None:
        if all(a.is_Number for a in args):  # numbers only: the number itself
            return max(args) if cls.largest else min(args)
        return None

    def _eval_is_extended_real(self) -> bool | None:
        """Real when every argument is (so that sympy differentiates ``abs`` of it as
        ``sign``·derivative)."""
        return fuzzy_and(a.is_extended_real for a in self.args)  # type: ignore[no-any-return]

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return chosen(self.position(*self.args), argindex - 1)

    @classmethod
    def _imp_(cls, *args: object) -> Any:
        return cls.reduce.reduce(np.broadcast_arrays(*(np.asarray(a, dtype=np.float64)
                                                       for a in args)))


class max_of(_Extreme):  # noqa: N801
    position = max_at
    reduce = np.maximum
    largest = True


class min_of(_Extreme):  # noqa: N801
    position = min_at
    reduce = np.minimum
    largest = False


UNARY: dict[str, tuple[Callable[[sympy.Expr], sympy.Expr], Callable[[float], float]]] = {
    "sin": (sympy.sin, np.sin), "cos": (sympy.cos, np.cos), "tan": (sympy.tan, np.tan),
    "exp": (sympy.exp, np.exp), "log": (sympy.log, np.log), "sqrt": (sympy.sqrt, np.sqrt),
    "abs": (sympy.Abs, np.abs), "tanh": (sympy.tanh, np.tanh),
    "sinh": (sympy.sinh, np.sinh), "cosh": (sympy.cosh, np.cosh),
}
VARIADIC: dict[str, tuple[Callable[..., sympy.Expr], Callable[..., float]]] = {
    "min": (min_of, min), "max": (max_of, max)}  # two or more arguments
FUNCTIONS = (*UNARY, *VARIADIC)
KNOWN = (*VARIABLES, *CONSTANTS, *FUNCTIONS)


def unknown_name_hint(name: str) -> str:
    """What to write instead of a name outside the whitelist."""
    if len(name) > 1 and set(name) <= set(VARIABLES):
        return f"write {'*'.join(name)} to multiply"
    if name == "ln":
        return "did you mean log? (log is the natural logarithm)"
    close = difflib.get_close_matches(name.lower(), KNOWN, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}?"
    return (f"use the variables {', '.join(VARIABLES)}, the constants "
            f"{', '.join(CONSTANTS)} or the functions {', '.join(FUNCTIONS)}")
