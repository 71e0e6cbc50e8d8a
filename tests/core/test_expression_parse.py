"""Reading typed formulas: error messages and columns for typical typos, any text gives a
landscape or an ExpressionError, and hostile text is refused without running anything."""

from __future__ import annotations

import builtins
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdviz.core.expression import ExpressionError, landscape_from_expression
from gdviz.core.expression_parse import MAX_DEPTH, MAX_LENGTH, parse
from gdviz.core.landscapes import Landscape


def error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        landscape_from_expression(text)
    return info.value


TYPOS = [
    ("sn(x)", 1, "unknown name 'sn' at column 1: did you mean sin?"),
    ("x + Sin(y)", 5, "unknown name 'Sin' at column 5: did you mean sin?"),
    ("ln(x)", 1, "did you mean log?"),
    ("xy + 1", 1, "unknown name 'xy' at column 1: write x*y to multiply"),
    ("(x+1)*(y-2", 7, "unbalanced parenthesis at column 7: this '(' is never closed"),
    ("x + 1)", 6, "unbalanced parenthesis at column 6: this ')' has no '('"),
    ("sin(x", 4, "unbalanced parenthesis at column 4: the '(' of sin is never closed"),
    ("x + * y", 5, "expected a number or a name at column 5, got '*'"),
    ("x^2 +", 6, "expected a number or a name at column 6, the formula ends there"),
    ("()", 2, "expected a number or a name at column 2"),
    ("2x", 2, "missing operator at column 2: write 2*x to multiply"),
    ("3 sin(x)", 3, "write 3*sin to multiply"),
    ("2(x + 1)", 2, "write 2*(…) to multiply"),
    ("(x+1)(x-1)", 6, "write (…)*(…) to multiply"),
    ("x(y)", 2, "write x*(…) to multiply"),
    ("sin x", 1, "sin is a function at column 1: write sin(…)"),
    ("sin(x, y)", 1, "sin takes one argument at column 1, got 2"),
    ("max(x)", 1, "max takes two or more arguments at column 1, got 1"),
    ("(x, y)", 3, "unexpected ',' at column 3: only min and max take several arguments"),
    ("x²", 2, "unexpected character '²' at column 2: write ^2"),
    ("2·x", 2, "write *"),
    ("x % 2", 3, "unexpected character '%' at column 3"),
    ("f(x) = x^2", 6, "unexpected '=' at column 6: type only the right-hand side"),
    ("1.2.3*x", 4, "a second decimal point at column 4"),
    ("", 1, "the formula is empty"),
    ("7", 1, "the formula is constant at column 1: f must depend on x"),
    ("x - x", 1, "f must depend on x"),
    ("x/0", 2, "division by zero at column 2"),
    ("x/(x - x)", 2, "x/(x - x) is undefined at column 2"),
    ("sqrt(-1) + x", 1, "sqrt(-1) is undefined at column 1"),
    ("x*log(0)", 3, "log(0) is infinite or too large at column 3"),
    ("1e400*x", 1, "too large a number at column 1"),
    ("x^1000", 2, "too large an exponent at column 2: 1000 (at most 100 in size)"),
]


@pytest.mark.parametrize(("text", "column", "message"), TYPOS, ids=[t[0] for t in TYPOS])
def test_typos_name_the_column_and_the_problem(text: str, column: int, message: str) -> None:
    e = error(text)
    assert e.column == column
    assert message in str(e)
    assert f"column {column}" in str(e)
    assert isinstance(e, ValueError)


def test_grammar_precedence_and_normalised_text() -> None:
    x = np.array([[1.5]])
    for text, expected in [("-x^2", -2.25), ("2^-1*x", 0.75), ("2^3^2*x/512", 1.5),
                           ("x**2", 2.25), ("+x - -x", 3.0), ("1e-3*x + .5", 0.5015),
                           ("e^x", np.exp(1.5)), ("pi*x", np.pi * 1.5),
                           ("min(x, 1, 2) + max(x, 1)", 2.5), ("10 - x - 2", 6.5),
                           ("12/x/2", 4.0)]:
        np.testing.assert_allclose(landscape_from_expression(text).value(x), [expected],
                                   rtol=1e-15, err_msg=text)
    assert parse("x**2+3 *  sin( x )").text == "x^2 + 3*sin(x)"


TOKENS = ["x", "y", "z", "1", "2.5", ".5", "1e-3", "10", "pi", "e", "+", "-", "*", "/",
          "^", "**", "(", ")", ",", " ", "sin(", "cos(", "exp(", "log(", "sqrt(", "abs(",
          "tanh(", "min(", "max(", "cosh(", "tan("]
LEAVES = st.sampled_from(["x", "y", "z", "1", "2.5", ".5", "1e-3", "10", "pi", "e", "0"])
CALLS = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh"]


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", "**"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(CALLS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"),
        inner.map(lambda t: f"-{t}"))


formulas = st.recursive(LEAVES, _grow, max_leaves=10)


@st.composite
def typos(draw: st.DrawFn) -> str:
    """A formula of the grammar with one token put in, taken out or swapped."""
    text = draw(formulas)
    i = draw(st.integers(0, len(text)))
    token = draw(st.sampled_from(TOKENS))
    return draw(st.sampled_from([text[:i] + token + text[i:], text[:i] + text[i + 1:],
                                 text[:i] + token + text[i + 1:]]))


def landscape_or_error(text: str) -> None:
    try:
        land = landscape_from_expression(text)
    except ExpressionError as e:
        assert 1 <= e.column <= len(text) + 1, (text, e)
        assert f"column {e.column}" in str(e)
        return
    assert isinstance(land, Landscape)
    value, grad = land.value_and_grad(np.array([land.start, *land.minima]))
    assert value.dtype == grad.dtype == np.float64
    assert np.isfinite(value[0]) and np.isfinite(grad[0]).all()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_text_gives_a_landscape_or_an_expression_error(text: str) -> None:
    landscape_or_error(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=16).map("".join) | typos())
def test_any_mix_of_the_grammar_tokens_gives_a_landscape_or_an_error(text: str) -> None:
    landscape_or_error(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas, st.integers(0, 1000))
def test_a_valid_formula_evaluates_anywhere_without_an_exception(text, seed) -> None:
    try:
        land = landscape_from_expression(text)
    except ExpressionError as e:  # constant, undefined, or not finite anywhere near
        assert any(why in str(e) for why in ("constant", "undefined", "infinite", "not finite",
                                             "division by zero", "exponent")), (text, e)
        return
    p = np.random.default_rng(seed).normal(scale=10.0, size=(8, land.dim))
    p[0] = 0.0
    value, grad = land.value_and_grad(p)  # NaN or inf where undefined, never an exception
    assert value.shape == (8,) and grad.shape == (8, land.dim)
    assert land.hessian(p).shape == (8, land.dim, land.dim)


HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "exec('open(\"{marker}\", \"w\")')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.real", "lambda: 1", "[x for x in y]", "x if y else z", "{{1: x}}", "x[0]",
    "open('{marker}', 'w')", "eval('1')", "sympify('x')", "x; import os", "x == y",
    "not x", "x and y", "f'{{x}}'", "b'x'", "x @ y", "x // y", "x << 2", "~x", "*x",
    "x, y", "print(x)", "Symbol('x')", "S.One * x", "__builtins__", "x.__class__",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_text_is_refused_and_runs_nothing(template, tmp_path, monkeypatch) -> None:
    marker = tmp_path / "touched"
    text = template.format(marker=marker)

    def forbidden(*args, **kwargs):
        raise AssertionError("the parser must not evaluate text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "__import__", forbidden)
    try:
        with pytest.raises(ExpressionError):
            parse(text)
    finally:
        monkeypatch.undo()
    assert not marker.exists()


def test_valid_formulas_are_read_without_eval_or_exec(monkeypatch) -> None:
    def forbidden(*args, **kwargs):
        raise AssertionError("the parser must not evaluate text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for text in ("x^2 + 10*sin(y)", "max(x, y, z) - abs(x)/e", "sqrt(1 + x^2)*pi^2"):
        parse(text)


@pytest.mark.parametrize(("text", "message"), [
    ("9**9**9", "too large an exponent at column 2"),
    ("x*9^9^9^9", "too large an exponent"),
    ("((((x + 1.0000001)^99)^99)^99)^99", ""),  # symbolic: no huge number is computed
    ("((10^100)^100)^100*x", "infinite or too large"),
    ("(((1 + 1e-300)^100)^100)^100*x", ""),  # float powers: no exact 10^-30000
    ("exp(exp(exp(1000)))", "exp(1000) is infinite or too large at column 9"),
    ("x + exp(exp(exp(1000)))", "exp(1000) is infinite"),
    ("x" + "+x" * 300, f"too long at column {MAX_LENGTH + 1}"),
    ("(" * 60 + "x" + ")" * 60, f"nested too deeply at column {MAX_DEPTH + 1}"),
    ("-" * 60 + "x", "nested too deeply"),
    ("sin(" * 60 + "x" + ")" * 60, "nested too deeply"),
    ("x^" * 60 + "x", "nested too deeply"),
])
def test_huge_or_deep_input_is_bounded(text: str, message: str) -> None:
    began = time.perf_counter()
    if message:
        assert message in str(error(text))
    else:
        landscape_from_expression(text)
    assert time.perf_counter() - began < 10.0


def test_the_largest_allowed_formulas_stay_quick() -> None:
    for text in ("^".join(["x"] * 48), "sin(" * 48 + "x*y" + ")" * 48,
                 "max(" + ",".join(f"min(x,{i}*y,z)" for i in range(30)) + ")",
                 "*".join(["sin(x+y+z)"] * 45), "abs(" * 40 + "x-y" + ")" * 40):
        began = time.perf_counter()
        landscape_from_expression(text[:MAX_LENGTH])
        assert time.perf_counter() - began < 10.0, text
