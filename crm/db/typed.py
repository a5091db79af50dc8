"""Peewee's results as the rows they are, for the type checker.

Peewee's stubs type ``Model.select(...).tuples()`` and ``.dicts()`` as yielding model
instances; they yield tuples and dicts. ``tuples(query)`` and ``dicts(query)`` are the same
queries, typed as the rows they give. Plain SQL reads and writes timestamps as text:
``stored_time`` and ``as_datetime`` convert them the way peewee does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
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


def stored_time(moment: datetime) -> str:
    """A naive datetime as a DateTimeField stores it, for rows written with plain SQL."""
    return moment.isoformat(sep=" ")


def as_datetime(value: object) -> datetime:
    """A DateTimeField's value read with plain SQL (text) as the datetime it stores."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def as_datetime_or_none(value: object) -> datetime | None:
    """as_datetime(), for a column that may be NULL."""
    return None if value is None else as_datetime(value)
