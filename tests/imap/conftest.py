"""A real IMAP server (Dovecot on loopback) for the mail tests: ``imap_server``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.imap_server import DovecotServer, dovecot_binary


def _server(tls: bool = False, starttls: bool = False) -> Iterator[DovecotServer]:
    if dovecot_binary() is None:
        pytest.skip("Dovecot isn't installed: apt-get install dovecot-imapd (.ci/run does)")
    server = DovecotServer(tls=tls, starttls=starttls)
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def imap_server() -> Iterator[DovecotServer]:
    """A fresh Dovecot with one user and an empty mailbox (about 0.2 s to start): ``host``,
    ``port``, ``username``, ``password``; ``append(folder, raw)`` → UID, ``recreate(folder)``
    (new UIDVALIDITY), ``flags(folder)``."""
    yield from _server()


@pytest.fixture
def imap_tls_server() -> Iterator[DovecotServer]:
    """The same over IMAPS, with a certificate from a throwaway trustme CA (``ca_file``)."""
    yield from _server(tls=True)


@pytest.fixture
def imap_starttls_server() -> Iterator[DovecotServer]:
    """Plain IMAP that offers STARTTLS, with the same kind of certificate."""
    yield from _server(starttls=True)
