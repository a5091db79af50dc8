"""A big mbox streams: memory stays flat however many messages pass (a bound, not a timing)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from crm.config import MailSettings
from crm.domain.types import ContactDraft
from crm.services.contacts import create_contact
from crm.services.mail.importing import import_mail
from tests.services.test_mail_import import ME, NOW, D

MESSAGES = 20_000


def write_mbox(path: Path, messages: int, *, known: str, every: int = 100) -> None:
    """``messages`` small messages, one in ``every`` from ``known``, written as bytes."""
    with path.open("wb") as out:
        for n in range(messages):
            sender = known if n % every == 0 else f"person{n}@elsewhere{n % 97}.example"
            out.write(
                f"From {sender} Mon Nov  2 10:00:00 2026\n"
                f"From: Person {n} <{sender}>\nTo: Anna <{ME}>\n"
                f"Subject: Message number {n}\nDate: Mon, 02 Nov 2026 10:{n % 60:02d}:00 +0000\n"
                f"Message-ID: <{n}@bulk.example>\nContent-Type: text/plain; charset=utf-8\n\n"
                f"Hello, this is message {n}.\n>From here on, filler (quoted, as mbox writers do)."
                "\n\n".encode()
            )


@pytest.mark.slow
def test_a_big_mbox_imports_in_flat_memory(db_path: Path, tmp_path: Path) -> None:
    create_contact(ContactDraft(name="Ann", email="ann@initech.example"), now=NOW - 30 * D)
    path = tmp_path / "big.mbox"
    write_mbox(path, MESSAGES, known="ann@initech.example")
    tracemalloc.start()
    try:
        result = import_mail(path, settings=MailSettings(me=(ME,)), now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.read, result.logged) == (MESSAGES, MESSAGES // 100)
    assert peak < 20 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
