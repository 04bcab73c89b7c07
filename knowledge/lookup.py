"""Dated parameters looked up with a partly known key: the household size may be 3 or more, the region one
of two. The result is the range of every figure the key could select, so a verdict that holds for all of
them is still definite.
"""

from __future__ import annotations

import datetime as dt
import math

from knowledge.model import Parameter
from knowledge.values import INF, Cat, Num, Tri, Truth, Value

MAX_KEYS = 64  # a range of household sizes wider than this is read at its ends (tables grow steadily)


def scale(parameter: Parameter, figure: float) -> float:
    """Percentages are stored as written (32 for 32%) and used as fractions."""
    return figure / 100 if parameter.unit == "percent" else figure


def _figure(parameter: Parameter, on: dt.date, key: str | None) -> float | None:
    found = parameter.lookup(on, key)
    return None if found is None else scale(parameter, float(found))


def plain(parameter: Parameter, on: dt.date) -> Num:
    figure = _figure(parameter, on, None)
    if figure is None:
        return Num(-INF, INF, frozenset((f"parameter:{parameter.id}",)))
    return Num(figure, figure)


def keyed(parameter: Parameter, on: dt.date, key: Value) -> Num:
    """The figure for `key`, or the range over every key it may still be."""
    found = parameter.in_force(on)
    missing = Num(-INF, INF, frozenset((f"parameter:{parameter.id}",)))
    if found is None or not isinstance(found[1], dict):
        return missing
    table = found[1]
    keys: list[str]
    if isinstance(key, Truth):
        keys = {Tri.YES: ["true"], Tri.NO: ["false"]}.get(key.tri, ["true", "false"])
    elif isinstance(key, Cat):
        keys = sorted(key.possible) if key.possible is not None else sorted(table)
    elif isinstance(key, Num):
        keys = _int_keys(parameter, table, key)
    else:
        return missing
    figures = [_figure(parameter, on, k) for k in keys]
    deps = key.deps
    if not figures or any(f is None for f in figures):
        return Num(-INF, INF, deps | missing.deps)
    values = [f for f in figures if f is not None]
    if isinstance(key, Num) and math.isinf(key.hi) and parameter.extend_by_last_step:
        values.append(INF)  # the table keeps growing with the household
    lo, hi = min(values), max(values)
    return Num(lo, hi, frozenset() if lo == hi else deps)


def _int_keys(parameter: Parameter, table: dict[str, float | int], key: Num) -> list[str]:
    numeric = sorted(int(k) for k in table if k.lstrip("-").isdigit())
    if not numeric:
        return []
    lo = max(math.ceil(key.lo), numeric[0]) if not math.isinf(key.lo) else numeric[0]
    top = numeric[-1] + (MAX_KEYS if parameter.extend_by_last_step else 0)
    hi = min(math.floor(key.hi), top) if not math.isinf(key.hi) else top
    if hi < lo:
        return [str(lo)]
    if hi - lo > MAX_KEYS:
        return [str(lo), str(hi)]
    return [str(n) for n in range(lo, hi + 1)]
