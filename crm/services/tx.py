"""Connection and transaction scopes shared by every service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from crm.db import db


@contextmanager
def reading() -> Iterator[None]:
    """Hold a connection for the duration of a read."""
    with db.connection_context():
        yield


@contextmanager
def writing() -> Iterator[None]:
    """Hold a connection and an IMMEDIATE transaction: all of the block is written, or none."""
    with db.connection_context(), db.atomic("IMMEDIATE"):
        yield
