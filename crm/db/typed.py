"""Peewee's results as the rows they are, for the type checker.

Peewee's stubs type ``Model.select(...).tuples()`` as yielding model instances; it yields
tuples. ``tuples(query)`` is the same query, typed as the rows it gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from peewee import BaseQuery


def tuples(query: BaseQuery) -> Iterable[tuple[Any, ...]]:
    """``query.tuples()``: the same query, typed as yielding tuples."""
    return cast("Iterable[tuple[Any, ...]]", query.tuples())
