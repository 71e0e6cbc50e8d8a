"""The words of a typed formula: ``tokenize`` and the ``ExpressionError`` it leads to.

Tokens are numbers (``2``, ``.5``, ``1e-3``), ASCII names, the operators ``+ - * / ^ **``,
parentheses and commas, each with its 1-based column. Any other character becomes a
``bad`` token that the parser reports when it reaches it, so the leftmost problem of a
formula is the one named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/^])
  | (?P<lpar>\()
  | (?P<rpar>\))
  | (?P<comma>,)
""", re.VERBOSE)
_HINTS = {"²": "write ^2", "³": "write ^3", "−": "write -", "×": "write *", "·": "write *",
          "÷": "write /", "π": "write pi", "√": "write sqrt(…)",
          "[": "group with ( and )", "]": "group with ( and )",
          "{": "group with ( and )", "}": "group with ( and )",
          "'": "a formula has no strings", '"': "a formula has no strings",
          ".": "write a number like 0.5; nothing has attributes"}


class ExpressionError(ValueError):
    """A formula that cannot be used: ``column`` (1-based) is where the problem is, and
    the message names that column and the problem."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Token:
    """One word of the formula: kind ``num``, ``name``, ``op``, ``lpar``, ``rpar``,
    ``comma``, ``end`` (after the last one) or ``bad`` (a character outside the grammar)."""

    kind: str
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token."""
    tokens, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None:
            tokens.append(Token("bad", text[i], i + 1))
            i += 1
            continue
        if m.lastgroup != "space":
            tokens.append(Token(str(m.lastgroup), m.group(), i + 1))
        i = m.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def bad_character_hint(char: str) -> str:
    """What to write instead of a character outside the grammar."""
    return _HINTS.get(char, "it is not part of a formula")
