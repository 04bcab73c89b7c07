"""The manual's formula language: parsing text such as `max(0, earned_income - 1_160_000) * 70%`.

A formula is one line a welfare official can read and check against the law:

    or  and  not                       Kleene logic over yes / no / unknown
    < <= > >= == !=   in (a, b)        comparisons; `in` tests a choice against a list of choices
    + - * /  ( )                       arithmetic over ranges (see values.py)
    30%  1_160_000  'text'  true       literals: a percentage is a fraction, underscores group digits
    name  self.age  property.housing   a fact, a computed value or a parameter
    f(a, b)                            a function (sum, count, any, all, min, max, round, if, …) or a
                                       parameter keyed by a value, e.g. median_income(count(household))

This module only parses; compile.py checks names and types against the manual and builds evaluators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CMP_OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}
SYMBOL = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "eq": "=", "ne": "≠"}
FLIP = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}
NEGATED = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}
KEYWORDS = {"and", "or", "not", "in", "true", "false"}
MAX_LENGTH = 2000


class FormulaError(Exception):
    """A mistake in a formula; `col` is the 1-based column where it was found."""

    def __init__(self, message: str, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.col = col

    def __str__(self) -> str:
        return f"col {self.col}: {self.message}"


@dataclass(frozen=True, slots=True)
class Lit:
    value: float | str | bool
    col: int = 0


@dataclass(frozen=True, slots=True)
class Name:
    path: str
    col: int = 0


@dataclass(frozen=True, slots=True)
class Call:
    fn: str
    args: tuple[Node, ...]
    col: int = 0


@dataclass(frozen=True, slots=True)
class Bin:
    op: str  # + - * /
    a: Node
    b: Node
    col: int = 0


@dataclass(frozen=True, slots=True)
class Neg:
    a: Node
    col: int = 0


@dataclass(frozen=True, slots=True)
class Cmp:
    op: str  # lt le gt ge eq ne
    a: Node
    b: Node
    col: int = 0


@dataclass(frozen=True, slots=True)
class In:
    a: Node
    options: tuple[Node, ...]
    negate: bool = False
    col: int = 0


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # and | or
    items: tuple[Node, ...]
    col: int = 0


@dataclass(frozen=True, slots=True)
class Not:
    a: Node
    col: int = 0


Node = Lit | Name | Call | Bin | Neg | Cmp | In | Logic | Not

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d[\d_]*(?:\.\d+)?%?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|==|!=|[<>+\-*/(),\[\]])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    col: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FormulaError(f"unexpected character {text[pos]!r}", pos + 1)
        kind = m.lastgroup or ""
        if kind != "space":
            out.append(_Tok(kind, m.group(), pos + 1))
        pos = m.end()
    out.append(_Tok("end", "", len(text) + 1))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        tok = self.tok
        return tok.text == text and tok.kind in ("op", "name")

    def expect(self, text: str) -> _Tok:
        if not self.at(text):
            shown = self.tok.text or "the end"
            raise FormulaError(f"expected '{text}', found {shown!r}", self.tok.col)
        return self.take()

    def parse(self) -> Node:
        node = self.or_()
        if self.tok.kind != "end":
            raise FormulaError(f"unexpected {self.tok.text!r} after a complete formula", self.tok.col)
        return node

    def or_(self) -> Node:
        col = self.tok.col
        items = [self.and_()]
        while self.at("or"):
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Logic("or", tuple(items), col)

    def and_(self) -> Node:
        col = self.tok.col
        items = [self.not_()]
        while self.at("and"):
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else Logic("and", tuple(items), col)

    def not_(self) -> Node:
        if self.at("not"):
            col = self.take().col
            return Not(self.not_(), col)
        return self.cmp()

    def cmp(self) -> Node:
        left = self.arith()
        tok = self.tok
        if tok.kind == "op" and tok.text in CMP_OPS:
            self.take()
            right = self.arith()
            if self.tok.kind == "op" and self.tok.text in CMP_OPS:
                raise FormulaError("write chained comparisons with 'and' (a <= b and b <= c)", self.tok.col)
            return Cmp(CMP_OPS[tok.text], left, right, tok.col)
        negate = False
        if self.at("not") and self.toks[self.i + 1].text == "in":
            self.take()
            negate = True
        if self.at("in"):
            col = self.take().col
            return In(left, self.options(), negate, col)
        if negate:
            raise FormulaError("expected 'in' after 'not'", self.tok.col)
        return left

    def options(self) -> tuple[Node, ...]:
        close = {"(": ")", "[": "]"}.get(self.tok.text)
        if close is None:
            raise FormulaError("'in' takes a list such as (seoul, gyeonggi)", self.tok.col)
        self.take()
        items = [self.atom()]
        while self.at(","):
            self.take()
            items.append(self.atom())
        self.expect(close)
        return tuple(items)

    def arith(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-" and self.tok.text:
            tok = self.take()
            node = Bin(tok.text, node, self.term(), tok.col)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            tok = self.take()
            node = Bin(tok.text, node, self.unary(), tok.col)
        return node

    def unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.text == "-":
            col = self.take().col
            return Neg(self.unary(), col)
        return self.atom()

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            raw = tok.text.replace("_", "")
            if raw.endswith("%"):
                return Lit(float(raw[:-1]) / 100, tok.col)
            return Lit(float(raw), tok.col)
        if tok.kind == "string":
            self.take()
            return Lit(tok.text[1:-1], tok.col)
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                self.take()
                return Lit(tok.text == "true", tok.col)
            if tok.text in KEYWORDS:
                raise FormulaError(f"'{tok.text}' cannot start a value", tok.col)
            self.take()
            if self.at("("):
                self.take()
                args: list[Node] = []
                if not self.at(")"):
                    args.append(self.or_())
                    while self.at(","):
                        self.take()
                        args.append(self.or_())
                self.expect(")")
                return Call(tok.text, tuple(args), tok.col)
            return Name(tok.text, tok.col)
        if tok.kind == "op" and tok.text == "(":
            self.take()
            node = self.or_()
            self.expect(")")
            return node
        shown = tok.text or "the end"
        raise FormulaError(f"expected a value, found {shown!r}", tok.col)


def parse(text: str) -> Node:
    """Parse one formula; FormulaError says what is wrong and at which column."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("a formula must be a non-empty string")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"a formula is limited to {MAX_LENGTH} characters")
    return _Parser(text).parse()


def names(node: Node) -> set[str]:
    """Every name a formula mentions, function names excluded."""
    out: set[str] = set()
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Name):
            out.add(n.path)
        elif isinstance(n, Call):
            stack.extend(n.args)
        elif isinstance(n, Bin | Cmp):
            stack.extend((n.a, n.b))
        elif isinstance(n, Neg | Not):
            stack.append(n.a)
        elif isinstance(n, In):
            stack.append(n.a)
            stack.extend(n.options)
        elif isinstance(n, Logic):
            stack.extend(n.items)
    return out
