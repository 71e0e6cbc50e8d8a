"""Typed formulas read safely: text -> a checked sympy expression, errors with columns.

A recursive-descent parser reads the tokens of ``expression_tokens`` by the grammar below
and builds the sympy expression itself, node by node. Nothing of the text is ever evaluated by
Python (no ``eval``, ``exec`` or ``sympify``): a name is looked up in the whitelist of
variables, constants and functions, and everything else is refused. ::

    formula := sum
    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*
    unary   := ('+' | '-') unary | power
    power   := atom (('^' | '**') unary)?          right-associative: 2^3^2 = 2^9
    atom    := NUMBER | NAME | NAME '(' sum (',' sum)* ')' | '(' sum ')'

As in Python and on paper, ``-x^2`` is ``-(x^2)`` and ``2^-1`` is ``1/2``. Multiplication
needs its ``*`` (``2x`` is refused and the message says to write ``2*x``).

Sizes are bounded so that no input can make the parser or sympy work for long: at most
``MAX_LENGTH`` characters, ``MAX_DEPTH`` levels of nesting, constant exponents of size at
most ``MAX_EXPONENT``. A power of two numbers is computed in floating point (never as an
exact integer), and every subexpression without a variable is also computed in float64
alongside: one that is not a finite real number (``1/0``, ``sqrt(-1)``, ``exp(1000)``)
is refused where it stands.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, NoReturn

import numpy as np
import sympy

from gdviz.core.expression_names import (
    CONSTANTS,
    FUNCTIONS,
    KNOWN,
    SYMBOLS,
    UNARY,
    VARIABLES,
    VARIADIC,
    unknown_name_hint,
)
from gdviz.core.expression_tokens import ExpressionError, Token, bad_character_hint, tokenize

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_EXPONENT = 100
_UNDEFINED = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)

class Part(NamedTuple):
    """A parsed subexpression: its sympy form, its float64 value when it has no
    variable (else None), and its text as typed (spaces normalised, ``**`` as ``^``)."""

    sym: sympy.Expr
    value: float | None
    text: str


@dataclass(frozen=True)
class Parsed:
    """A whole formula: its sympy expression, readable text and the variables it names."""

    expr: sympy.Expr
    text: str
    variables: frozenset[str]


def parse(text: str) -> Parsed:
    """Read ``text``; ExpressionError names the column and the problem."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the formula is too long at column {MAX_LENGTH + 1}: at most "
                              f"{MAX_LENGTH} characters, got {len(text)}", MAX_LENGTH + 1)
    if "=" in text:
        col = text.index("=") + 1
        raise ExpressionError(f"unexpected '=' at column {col}: type only the right-hand "
                              "side, e.g. x^2 + y^2", col)
    if not text.strip():
        raise ExpressionError("the formula is empty at column 1: type one, e.g. x^2 + y^2", 1)
    return _Parser(text).formula()


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


class _Parser:
    """One pass over the tokens of one formula (see the module's grammar)."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.used: set[str] = set()

    # ---- tokens ------------------------------------------------------------------------
    def peek(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind == "bad":
            raise ExpressionError(f"unexpected character {tok.text!r} at column "
                                  f"{tok.column}: {bad_character_hint(tok.text)}", tok.column)
        return tok

    def take(self) -> Token:
        tok = self.peek()
        self.pos += 1
        return tok

    def missing_operator(self, before: Token, after: Token) -> NoReturn:
        """Refuse two operands side by side (``2x``, ``x (y)``, ``(a)(b)``)."""
        if after.kind == "name" and after.text not in KNOWN:
            raise ExpressionError(f"unknown name {after.text!r} at column {after.column}: "
                                  f"{unknown_name_hint(after.text)}", after.column)
        if before.kind == after.kind == "num" and after.text.startswith("."):
            raise ExpressionError(f"a second decimal point at column {after.column}: a "
                                  "number has at most one", after.column)
        left = "(…)" if before.kind == "rpar" else before.text
        right = "(…)" if after.kind == "lpar" else after.text
        raise ExpressionError(f"missing operator at column {after.column}: write "
                              f"{left}*{right} to multiply", after.column)

    # ---- grammar -----------------------------------------------------------------------
    def formula(self) -> Parsed:
        part = self.sum()
        tok = self.peek()
        if tok.kind == "rpar":
            raise ExpressionError(f"unbalanced parenthesis at column {tok.column}: this ')' "
                                  "has no '('", tok.column)
        if tok.kind == "comma":
            raise ExpressionError(f"unexpected ',' at column {tok.column}: only min and max "
                                  "take several arguments", tok.column)
        if not part.sym.free_symbols:
            raise ExpressionError("the formula is constant at column 1: f must depend on x "
                                  "(or y, z)", 1)
        return Parsed(part.sym, part.text, frozenset(self.used))

    def sum(self) -> Part:
        left = self.product()
        while self.peek().text in ("+", "-"):
            op = self.take()
            right = self.product()
            plus = op.text == "+"
            left = self.checked(Part(left.sym + right.sym if plus else left.sym - right.sym,
                                     _both(left, right, np.add if plus else np.subtract),
                                     f"{left.text} {op.text} {right.text}"), op)
        return left

    def product(self) -> Part:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok.kind in ("num", "name", "lpar"):
                self.missing_operator(self.tokens[self.pos - 1], tok)
            if tok.text not in ("*", "/"):
                return left
            op = self.take()
            right = self.unary()
            times = op.text == "*"
            if not times and right.value == 0.0:
                raise ExpressionError(f"division by zero at column {op.column}", op.column)
            left = self.checked(Part(left.sym * right.sym if times else left.sym / right.sym,
                                     _both(left, right, np.multiply if times else np.divide),
                                     f"{left.text}{op.text}{right.text}"), op)

    def unary(self) -> Part:
        self.depth += 1
        tok = self.peek()
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"nested too deeply at column {tok.column}: at most "
                                  f"{MAX_DEPTH} levels", tok.column)
        if tok.text in ("+", "-"):
            self.take()
            inner = self.unary()
            part = inner if tok.text == "+" else Part(
                -inner.sym, None if inner.value is None else -inner.value, f"-{inner.text}")
        else:
            part = self.power()
        self.depth -= 1
        return part

    def power(self) -> Part:
        base = self.atom()
        if self.peek().text not in ("^", "**"):
            return base
        op = self.take()
        expo = self.unary()
        if expo.sym.is_Number and abs(float(expo.sym)) > MAX_EXPONENT:
            raise ExpressionError(f"too large an exponent at column {op.column}: "
                                  f"{_short(expo.text)} (at most {MAX_EXPONENT} in size)",
                                  op.column)
        if base.sym.is_Number and expo.sym.is_Number:  # never an exact huge number
            sym = sympy.Float(base.sym) ** sympy.Float(expo.sym)
        else:
            sym = base.sym ** expo.sym
        return self.checked(Part(sym, _both(base, expo, np.power), f"{base.text}^{expo.text}"),
                            op)

    def atom(self) -> Part:
        tok = self.take()
        if tok.kind == "num":
            return self.number(tok)
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "lpar":
            inner = self.sum()
            self.close(tok, "this '('")
            return inner._replace(text=f"({inner.text})")
        got = "the formula ends there" if tok.kind == "end" else f"got {tok.text!r}"
        raise ExpressionError(f"expected a number or a name at column {tok.column}, {got}",
                              tok.column)

    def close(self, lpar: Token, what: str) -> None:
        """Take the ``)`` that closes ``lpar``."""
        tok = self.take()
        if tok.kind == "end":
            raise ExpressionError(f"unbalanced parenthesis at column {lpar.column}: {what} is "
                                  "never closed", lpar.column)
        if tok.kind == "comma":
            raise ExpressionError(f"unexpected ',' at column {tok.column}: only min and max "
                                  "take several arguments", tok.column)

    def number(self, tok: Token) -> Part:
        value = float(tok.text)
        if not math.isfinite(value):
            raise ExpressionError(f"too large a number at column {tok.column}: "
                                  f"{_short(tok.text)}", tok.column)
        whole = tok.text.isdigit()
        return Part(sympy.Integer(int(tok.text)) if whole else sympy.Rational(tok.text), value,
                    tok.text)

    def name(self, tok: Token) -> Part:
        name = tok.text
        is_call = self.peek().kind == "lpar"
        if name in FUNCTIONS:
            if not is_call:
                raise ExpressionError(f"{name} is a function at column {tok.column}: write "
                                      f"{name}(…)", tok.column)
            return self.call(tok)
        if name not in VARIABLES and name not in CONSTANTS:
            raise ExpressionError(f"unknown name {name!r} at column {tok.column}: "
                                  f"{unknown_name_hint(name)}", tok.column)
        if is_call:
            self.missing_operator(tok, self.peek())
        if name in CONSTANTS:
            sym, value = CONSTANTS[name]
            return Part(sym, value, name)
        self.used.add(name)
        return Part(SYMBOLS[VARIABLES.index(name)], None, name)

    def call(self, tok: Token) -> Part:
        lpar = self.take()
        args = [self.sum()]
        while self.peek().kind == "comma":
            self.take()
            args.append(self.sum())
        self.close(lpar, f"the '(' of {tok.text}")
        name, n = tok.text, len(args)
        text = f"{name}({', '.join(a.text for a in args)})"
        values = [a.value for a in args]
        if name in UNARY:
            if n != 1:
                raise ExpressionError(f"{name} takes one argument at column {tok.column}, "
                                      f"got {n}", tok.column)
            sym_fn, num_fn = UNARY[name]
            with np.errstate(all="ignore"):
                value = None if values[0] is None else float(num_fn(np.float64(values[0])))
            return self.checked(Part(sym_fn(args[0].sym), value, text), tok)
        if n < 2:
            raise ExpressionError(f"{name} takes two or more arguments at column "
                                  f"{tok.column}, got {n}", tok.column)
        sym_many, pick = VARIADIC[name]
        known = [v for v in values if v is not None]
        value = pick(known) if len(known) == n else None
        return self.checked(Part(sym_many(*(a.sym for a in args)), value, text), tok)

    def checked(self, part: Part, where: Token) -> Part:
        """``part``, unless it is not a finite real number where it stands: a constant
        by its float64 value, a subexpression with variables by sympy's (``x/(x - x)``)."""
        if part.value is not None:
            if math.isfinite(part.value):
                return part
            what = "undefined" if math.isnan(part.value) else "infinite or too large"
        elif part.sym.has(*_UNDEFINED):
            what = "undefined"
        else:
            return part
        raise ExpressionError(f"{_short(part.text)} is {what} at column {where.column}: "
                              "it is not a finite real number", where.column)


def _both(left: Part, right: Part, op: Callable[[float, float], float]) -> float | None:
    """``op`` of two known values in float64 (inf or nan when it fails), else None."""
    if left.value is None or right.value is None:
        return None
    with np.errstate(all="ignore"):
        return float(op(np.float64(left.value), np.float64(right.value)))
