"""The mbox reader's own splitting (big chunks and bytes.find) against the standard library's
``mailbox.mbox`` on awkward files: the same messages, headers and bodies, and each message's
offset is where the library says it starts."""

from __future__ import annotations

import mailbox
import random
import re
from pathlib import Path

import pytest

from crm.services.mail import reader
from crm.services.mail.reader import read_mailbox

_QUOTED = re.compile(rb"^>(>*From )", re.MULTILINE)


def _awkward(seed: int, count: int) -> bytes:
    """Messages of every awkward shape, joined as an mbox: CRLF and LF lines, no body, a
    body that starts with a "From " line, quoted ">From " lines, a header block that runs
    into the next message, long bodies across chunk ends, a last line without a newline."""
    rng = random.Random(seed)
    parts = [b"garbage before the first message\n\n"] if seed % 2 else []
    for n in range(count):
        eol = b"\r\n" if rng.random() < 0.3 else b"\n"
        lines = [b"From sender%d@example.org Mon Nov  2 10:00:00 2026" % n]
        lines += [b"From: Person %d <p%d@example.org>" % (n, n), b"Subject: s%d" % n]
        lines += [b"X-Long: " + b"x" * rng.randint(0, 9000)] if rng.random() < 0.1 else []
        shape = rng.random()
        if shape < 0.1:
            pass  # the headers run into the next "From " line: no body at all
        elif shape < 0.2:
            lines += [b"", b"From inside the body, unquoted: it starts a message"]
        else:
            lines.append(b"")
            for _ in range(rng.randint(0, 40)):
                roll = rng.random()
                if roll < 0.1:
                    lines.append(b">" * rng.randint(1, 3) + b"From the quoted line")
                elif roll < 0.15:
                    lines.append(b"")
                else:
                    lines.append(
                        bytes(rng.choice(b"abc d\xd0\xb9") for _ in range(rng.randint(0, 300)))
                    )
            if rng.random() < 0.05:
                lines.append(b"y" * rng.randint(1, 3 * 1024 * 1024))
        parts.append(eol.join(lines) + eol)
    data = b"".join(parts)
    return data.rstrip(b"\r\n") if seed % 3 == 0 else data


@pytest.mark.parametrize("seed", range(6))
def test_messages_split_as_the_standard_library_splits_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(reader, "_CHUNK", 4096)  # many chunk ends inside headers and bodies
    path = tmp_path / "awkward.mbox"
    path.write_bytes(_awkward(seed, 150))
    box = mailbox.mbox(str(path), create=False)
    theirs = [box.get_bytes(key) for key in box.iterkeys()]
    starts = sorted(start for start, _ in box._toc.values())  # noqa: SLF001 - the library's own index
    box.close()
    ours = [
        # every other body is read (before the next message); the rest are passed over unread
        (m.offset, m.header_bytes, m._rest.read() if n % 2 else None)  # noqa: SLF001
        for n, m in enumerate(read_mailbox(path))
    ]
    assert [offset for offset, _, _ in ours] == starts
    for number, ((_, header_bytes, read), raw) in enumerate(zip(ours, theirs, strict=True)):
        # The library leaves out the empty line before the next "From " line; crm keeps it.
        raw = raw.replace(b"\r\n", b"\n")
        header, _, body = raw.partition(b"\n\n")
        got = header_bytes.replace(b"\r\n", b"\n")
        assert got.endswith(b"\n") and got.rstrip(b"\n") == header.rstrip(b"\n"), number
        if read is not None:
            expected = _QUOTED.sub(rb"\1", body)[: reader.MAX_BODY_BYTES]
            assert read.replace(b"\r\n", b"\n").rstrip(b"\n") == expected.rstrip(b"\n"), number


def test_reading_can_start_at_a_message(tmp_path: Path) -> None:
    path = tmp_path / "m.mbox"
    path.write_bytes(_awkward(4, 50))
    every = list(read_mailbox(path))
    later = list(read_mailbox(path, start=every[20].offset))
    assert [m.header_bytes for m in later] == [m.header_bytes for m in every[20:]]


def test_a_message_reads_as_the_default_policy_reads_it() -> None:
    """Content-Type kept as plain text changes nothing a mail import takes from a message."""
    from email import policy
    from email.parser import BytesParser

    from bench.mail import messages
    from crm.services.mail.importing import _text_of

    for raw in messages(400, ["ann@initech.example"], 19):
        body = raw.split(b"\n", 1)[1]
        ours = BytesParser(policy=reader._WHOLE).parsebytes(body)  # noqa: SLF001
        theirs = BytesParser(policy=policy.default).parsebytes(body)
        assert _text_of(ours) == _text_of(theirs)
        assert ours.get_content_type() == theirs.get_content_type()
        assert [p.get_content_type() for p in ours.walk()] == [
            p.get_content_type() for p in theirs.walk()
        ]
