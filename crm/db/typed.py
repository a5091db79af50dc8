"""Peewee's results as the rows they are, for the type checker.

Peewee's stubs type ``Model.select(...).tuples()`` and ``.dicts()`` as yielding model
instances; they yield tuples and dicts. ``tuples(query)`` and ``dicts(query)`` are the same
queries, typed as the rows they give.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from peewee import BaseQuery, SelectBase


def tuples(query: BaseQuery) -> Iterable[tuple[Any, ...]]:
    """``query.tuples()``: the same query, typed as yielding tuples."""
    return cast("Iterable[tuple[Any, ...]]", query.tuples())


def dicts(query: BaseQuery) -> Iterable[dict[str, Any]]:
    """``query.dicts()``: the same query, typed as yielding one dict per row."""
    return cast("Iterable[dict[str, Any]]", query.dicts())


def one_tuple(query: SelectBase) -> tuple[Any, ...]:
    """``query.tuples().get()``: the first row as a tuple; raises DoesNotExist if there is none."""
    return cast("tuple[Any, ...]", query.tuples().get())
