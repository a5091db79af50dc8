"""A big mbox streams: memory stays flat however many messages pass (a bound, not a timing)."""

from __future__ import annotations

import base64
import random
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


def write_mbox_with_attachments(path: Path, messages: int, *, known: str) -> None:
    """``messages`` messages; one in 50 from ``known``, HTML with a 1 MB base64 attachment."""
    attachment = base64.encodebytes(random.Random(19).randbytes(750_000))
    with path.open("wb") as out:
        for n in range(messages):
            matched = n % 50 == 0
            sender = known if matched else f"person{n}@elsewhere{n % 97}.example"
            head = (
                f"From {sender} Mon Nov  2 10:00:00 2026\n"
                f"From: Person {n} <{sender}>\nTo: Anna <{ME}>\nSubject: Message {n}\n"
                f"Date: Mon, 02 Nov 2026 10:{n % 60:02d}:00 +0000\n"
                f"Message-ID: <{n}@{path.stem}.example>\n"
            ).encode()
            if not matched:
                out.write(head + b"Content-Type: text/plain\n\nA short note.\n\n")
                continue
            out.write(
                head + b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
                b"--b\nContent-Type: text/html; charset=utf-8\n\n<p>"
                + b"The offer letter, as promised. "
                * 2_000
                + b"</p>\n--b\nContent-Type: application/pdf\n"
                b"Content-Transfer-Encoding: base64\n\n" + attachment + b"--b--\n\n"
            )


def _peak_of_import(path: Path) -> int:
    tracemalloc.start()
    try:
        result = import_mail(path, settings=MailSettings(me=(ME,)), now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.logged == result.read // 50
    return peak


@pytest.mark.slow
def test_matched_messages_with_big_attachments_keep_memory_flat(
    db_path: Path, tmp_path: Path
) -> None:
    create_contact(ContactDraft(name="Ann", email="ann@initech.example"), now=NOW - 30 * D)
    small, big = tmp_path / "small.mbox", tmp_path / "big.mbox"
    write_mbox_with_attachments(small, 1_000, known="ann@initech.example")
    write_mbox_with_attachments(big, 3_000, known="ann@initech.example")
    small_peak = _peak_of_import(small)
    big_peak = _peak_of_import(big)  # three times the messages, the matches and the bytes
    assert big.stat().st_size > 3 * small.stat().st_size * 0.9
    assert big_peak < small_peak * 1.25, (small_peak / 2**20, big_peak / 2**20)
    assert big_peak < 40 * 1024 * 1024, f"peak {big_peak / 2**20:.1f} MiB"


@pytest.mark.faults
@pytest.mark.parametrize("endless", ["headers", "from line"])
def test_headers_that_never_end_are_cut_not_held(
    db_path: Path, tmp_path: Path, endless: str
) -> None:
    create_contact(ContactDraft(name="Ann", email="ann@initech.example"), now=NOW - 30 * D)
    path = tmp_path / "hostile.mbox"
    with path.open("wb") as out:
        if endless == "headers":
            out.write(b"From x Mon Nov  2 10:00:00 2026\n")
            for n in range(600_000):  # ~30 MB of header lines, never an empty one
                out.write(b"X-Junk-%07d: %s\n" % (n, b"j" * 30))
        else:
            out.write(b"From " + b"x" * 30_000_000)  # a "From " line with no end
            out.write(b"\n\nbody\n")
        out.write(
            b"\nFrom ann Mon Nov  2 10:00:00 2026\nFrom: Ann <ann@initech.example>\n"
            b"To: " + ME.encode() + b"\nSubject: Hello\nMessage-ID: <ok@x>\n"
            b"Date: Mon, 02 Nov 2026 10:00:00 +0000\n\nStill there.\n"
        )
    tracemalloc.start()
    try:
        result = import_mail(path, settings=MailSettings(me=(ME,)), now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.read, result.logged) == (2, 1)
    assert peak < 12 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
