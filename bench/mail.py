"""`crm import mail` on a generated mbox, next to a bare stdlib scan of the same file's headers.

The mbox is made for the run: 100,000 messages at full size (10,000 --quick, 300 --tiny) of
mixed shapes, about as a Gmail Takeout holds them: short plain notes, HTML mail (a fifth,
some from mailing lists), multipart mail with a base64 attachment of 3–48 KB (one in
twenty), and encoded headers with Cyrillic and CJK names and quoted-printable bodies (one in
ten). One message in a hundred is from or to one of 200 known contacts of a generated
database (the demo sample, 5,000 contacts, 1,000 pending follow-ups: bench.sync's), some of
them copying a stranger at the contact's company.

Measured, all as whole processes (interpreter start-up included):

- the floor: a plain script splits the file at its "From " lines and parses each header
  block with ``email.parser.BytesHeaderParser`` (what any mbox reader must at least do);
- the first ``crm import mail`` into a copy of the database, its ratio to the floor (goal
  ≤ 1.5×) and its peak RSS (VmHWM, goal < 100 MiB), and the same for a file twice the size
  (the ratio of the two peaks shows whether memory grows with the file);
- a re-import of the same file (it resumes at the file's end) and of a copy at another path
  (read whole, every match already logged);
- a no-new-mail ``crm import imap`` against a Dovecot on loopback started here (tests'
  ``DovecotServer``) holding a tenth as many messages, next to ``crm agenda --json`` on the
  same database.

    python -m bench.mail DB FILE NOW   # the child: imports, then prints "peak_kib N" last
"""

from __future__ import annotations

import base64
import binascii
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

from bench.context import FULL, NOW, QUICK, Context, Sizes
from bench.stats import Goal, Measurement

ME = "anna@home.example"
PEAK_LINE = "peak_kib "
PASSWORD_ENV = "CRM_BENCH_IMAP_PASSWORD"

# The floor, as a whole process: every header block of the file parsed by the standard
# library, nothing else (no bodies, no decoding, no database).
FLOOR = """
import sys
from email.parser import BytesHeaderParser

parse = BytesHeaderParser().parsebytes
count = 0
headers = None  # the header lines of the message being read; None once its body starts
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        if line.startswith(b"From "):
            count += 1
            headers = []
        elif headers is not None:
            if line in (b"\\n", b"\\r\\n"):
                parse(b"".join(headers))
                headers = None
            else:
                headers.append(line)
print(count)
"""


def mail_sizes(sizes: Sizes) -> tuple[int, int, int]:
    """(messages in the mbox, contacts in the database, messages on the IMAP server)."""
    if sizes == FULL:
        return 100_000, 5_000, 10_000
    if sizes == QUICK:
        return 10_000, 1_000, 1_000
    return 300, 100, 30


_WORDS = (
    "coffee roadmap team hiring intro call follow up offer review schedule thanks next week "
    "project launch budget design café résumé встреча проект 会议 ありがとう"
).split()
_NAMES = ("Мария Смирнова", "Jürgen Groß", "王小明", "Zoë Dupont", "José Núñez", "Ирина Ли")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


def _encoded(text: str) -> str:
    return "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="


def _attachments(rng: random.Random) -> list[str]:
    blobs = []
    for size in (3_000, 12_000, 48_000):
        text = base64.b64encode(rng.randbytes(size)).decode()
        blobs.append("\n".join(text[i : i + 76] for i in range(0, len(text), 76)))
    return blobs


def _body(rng: random.Random, shape: str, n: int, blobs: list[str]) -> tuple[list[str], str]:
    """(extra header lines, body text) of a message of ``shape``."""
    if shape == "html":
        rows = "".join(
            f"<tr><td><p>{_sentence(rng, 8, 30)}</p></td></tr>\n" for _ in range(rng.randint(5, 40))
        )
        return (
            ["MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8"],
            f"<html><body><table>\n{rows}</table></body></html>\n",
        )
    if shape == "attachment":
        boundary = f"b{n}x"
        text = _sentence(rng, 10, 60)
        return (
            ["MIME-Version: 1.0", f'Content-Type: multipart/mixed; boundary="{boundary}"'],
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{text}\n\n"
            f'--{boundary}\nContent-Type: application/pdf; name="cv-{n}.pdf"\n'
            f'Content-Disposition: attachment; filename="cv-{n}.pdf"\n'
            f"Content-Transfer-Encoding: base64\n\n{rng.choice(blobs)}\n--{boundary}--\n",
        )
    if shape == "encoded":
        quoted = binascii.b2a_qp(_sentence(rng, 10, 80).encode()).decode()
        return (
            [
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
            ],
            quoted + "\n",
        )
    text = "\n".join(_sentence(rng, 5, 14) for _ in range(rng.randint(1, 8)))
    if n % 37 == 0:  # mbox writers quote body lines that start so
        text += "\n>From the desk of the team, with thanks."
    return ["Content-Type: text/plain; charset=utf-8"], text + "\n"


def messages(count: int, known: list[str], seed: int) -> Iterator[bytes]:
    """``count`` raw mbox messages (each with its "From " line), one in 100 with ``known``."""
    rng = random.Random(seed)
    blobs = _attachments(rng)
    span = 730 * 86_400
    start = NOW - timedelta(seconds=span)
    for n in range(count):
        at = start + timedelta(seconds=span * n // count + rng.randint(0, 600))
        shape = rng.choices(("note", "html", "attachment", "encoded"), (65, 20, 5, 10))[0]
        extra: list[str] = []
        if n % 100 == 50 and known:
            contact = known[rng.randrange(len(known))]
            if rng.random() < 0.5:
                sender, to = f"Contact <{contact}>", f"Anna <{ME}>"
            else:
                sender, to = f"Anna <{ME}>", f"Contact <{contact}>"
            if rng.random() < 0.1:
                extra.append(f"Cc: Stranger {n} <stranger{n}@{contact.split('@')[1]}>")
        else:
            name = rng.choice(_NAMES) if shape == "encoded" else f"Person {n % 5000}"
            address = f"person{n % 5000}@elsewhere{n % 97}.example"
            sender = f"{_encoded(name) if shape == 'encoded' else name} <{address}>"
            to = f"Anna <{ME}>"
            if shape == "html" and rng.random() < 0.5:
                extra.append(f"List-Unsubscribe: <mailto:leave-{n}@news{n % 13}.example>")
        subject = _sentence(rng, 2, 8)
        if shape == "encoded":
            subject = _encoded(subject)
        header_extra, body = _body(rng, shape, n, blobs)
        envelope = sender.rsplit("<", 1)[-1].rstrip(">")
        lines = [
            f"From {envelope} {at:%a %b %d %H:%M:%S %Y}",
            f"From: {sender}",
            f"To: {to}",
            *extra,
            f"Subject: {subject}",
            f"Date: {format_datetime(at)} +0000",
            f"Message-ID: <{n}.{seed}@bench.example>",
            *header_extra,
            "",
            body,
        ]
        yield "\n".join(lines).encode()


def write_mbox(path: Path, count: int, known: list[str], seed: int) -> None:
    with path.open("wb", buffering=1 << 20) as out:
        for raw in messages(count, known, seed):
            out.write(raw)


def _known_addresses(database: Path, count: int) -> list[str]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute(
            "SELECT email FROM contact WHERE email <> '' ORDER BY id LIMIT ?", (count,)
        ).fetchall()
    return [email for (email,) in rows]


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{argv[2:]} failed ({done.returncode}):\n{done.stderr}")
    return elapsed * 1000, done.stdout


def _fresh(template: Path, path: Path) -> Path:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    shutil.copyfile(template, path)
    return path


def _imported(out: str) -> tuple[int, int, int]:
    """(read, logged, peak KiB) from the child's output."""
    lines = out.splitlines()
    assert lines and lines[-1].startswith(PEAK_LINE), out
    words = next(line for line in lines if " conversations from " in line).split()
    return int(words[4].replace(",", "")), int(words[1].replace(",", "")), int(lines[-1][9:])


def measure(ctx: Context) -> list[Measurement]:
    from bench.startup import as_installed
    from bench.sync import _make_database

    count, contacts, on_server = mail_sizes(ctx.sizes)
    runs = max(3, min(ctx.runs, 5))
    folder = ctx.work / "mail"
    folder.mkdir()
    template = folder / "template.sqlite3"
    _make_database(template, contacts // 5, contacts, ctx.seed)
    known = _known_addresses(template, 200)
    mbox, double = folder / "mail.mbox", folder / "double.mbox"
    write_mbox(mbox, count, known, ctx.seed)
    write_mbox(double, 2 * count, known, ctx.seed + 1)
    mb = mbox.stat().st_size / 1e6
    config = folder / "config.toml"
    config.write_text(f'[backups]\nkeep = 0\n[mail]\nme = ["{ME}"]\n')
    env = as_installed({**os.environ, "CRM_CONFIG": str(config)})
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    database = folder / "crm.sqlite3"
    child = [sys.executable, "-m", "bench.mail", str(database)]
    stamp = f"{NOW:%Y-%m-%d %H:%M}"

    # Warm the file cache and write crm's bytecode, as the other process groups do.
    _timed([sys.executable, "-c", FLOOR, str(mbox)], env)
    _fresh(template, database)
    _imported(_timed([*child, str(mbox), stamp], env)[1])

    floor: list[float] = []
    first: list[float] = []
    peaks: list[float] = []
    again: list[float] = []
    moved: list[float] = []
    logged = read = 0
    copy = folder / "moved.mbox"
    shutil.copyfile(mbox, copy)
    for _ in range(runs):  # alternated, so drift on the machine hits both alike
        elapsed, out = _timed([sys.executable, "-c", FLOOR, str(mbox)], env)
        assert int(out) == count, (out, count)
        floor.append(elapsed)
        _fresh(template, database)
        elapsed, out = _timed([*child, str(mbox), stamp], env)
        read, logged, peak = _imported(out)
        assert read == count, (read, count)
        first.append(elapsed)
        peaks.append(peak / 1024)
        again.append(_timed([*child, str(mbox), stamp], env)[0])
        elapsed, out = _timed([*child, str(copy), stamp], env)
        assert _imported(out)[1] == 0, out
        moved.append(elapsed)
    _fresh(template, database)
    double_peak = _imported(_timed([*child, str(double), stamp], env)[1])[2] / 1024
    double_mb = double.stat().st_size / 1e6
    for path in (mbox, double, copy):
        path.unlink()

    floor_m = Measurement(
        f"Mail floor: stdlib header scan of {count:,} messages ({mb:.0f} MB)",
        floor,
        notes=(
            'a plain script, whole process: split at "From " lines, '
            "email.parser.BytesHeaderParser on each header block, nothing else"
        ),
        extra={"mb": mb},
    )
    first_m = Measurement(
        f"Mail: crm import mail, first ({count:,} messages, {logged:,} logged)",
        first,
        goals=(Goal("ratio", 1.5),),
        baseline=floor_m.name,
        ratio=statistics.median(first) / floor_m.p50,
        notes="whole process into a fresh copy of a 5,000-contact database",
        extra={"logged": logged, "read": read},
    )
    peak_m = Measurement(
        f"Peak memory: crm import mail, {mb:.0f} MB mbox",
        peaks,
        unit="MiB",
        goals=(Goal("p50", 100),),
        notes=(
            f"VmHWM of the import's process; a {double_mb:.0f} MB mbox "
            f"({2 * count:,} messages) peaked at {double_peak:.1f} MiB "
            f"({double_peak / statistics.median(peaks):.2f}× this)"
        ),
        extra={"double_mb": double_mb, "double_mib": double_peak},
    )
    again_m = Measurement(
        "Mail: crm import mail, the same file again",
        again,
        notes="resumes where the last run ended: nothing is read",
    )
    moved_m = Measurement(
        "Mail: crm import mail, all duplicates",
        moved,
        baseline=floor_m.name,
        ratio=statistics.median(moved) / floor_m.p50,
        notes="a copy of the file at another path: read whole, every match already logged",
    )
    imap = _imap(ctx, folder, env, database, on_server)
    return [floor_m, first_m, peak_m, again_m, moved_m, *imap]


def _imap(
    ctx: Context, folder: Path, env: dict[str, str], database: Path, count: int
) -> list[Measurement]:
    """A no-new-mail `crm import imap` against Dovecot holding ``count`` messages, into
    ``database`` (the one the mbox was last imported into)."""
    from tests.imap_server import DovecotServer, dovecot_binary, quoted

    if dovecot_binary() is None:
        return []
    runs = max(3, ctx.runs)
    crm = [sys.executable, "-m", "crm", "--db", str(database), "--now", f"{NOW:%Y-%m-%d %H:%M}"]
    known = _known_addresses(database, 200)
    with DovecotServer() as server:
        with server.client() as imap:
            imap.create(quoted("Sent"))
            for n, raw in enumerate(messages(count, known, ctx.seed + 2)):
                body = raw.split(b"\n", 1)[1]  # no "From " line on a server
                imap.append(quoted("Sent" if n % 4 == 0 else "INBOX"), None, None, body)
        config = folder / "imap.toml"
        config.write_text(
            f'[backups]\nkeep = 0\n[mail]\nme = ["{ME}"]\n'
            f'[imap]\nhost = "{server.host}"\nport = {server.port}\n'
            f'username = "{server.username}"\npassword_env = "{PASSWORD_ENV}"\n'
            'folders = ["INBOX", "Sent"]\ntls = false\n'
        )
        imap_env = {**env, "CRM_CONFIG": str(config), PASSWORD_ENV: server.password}
        _, out = _timed([*crm, "import", "imap"], imap_env)  # the first: reads everything
        agenda: list[float] = []
        again: list[float] = []
        for _ in range(runs):
            agenda.append(_timed([*crm, "agenda", "--json"], imap_env)[0])
            elapsed, out = _timed([*crm, "import", "imap"], imap_env)
            assert " 0 conversations from 0 messages" in out, out
            again.append(elapsed)
    baseline = Measurement("Process: crm agenda --json (mail database)", agenda)
    no_new = Measurement(
        f"Mail: crm import imap, no new mail ({count:,} messages on the server)",
        again,
        baseline=baseline.name,
        notes="Dovecot on loopback, two folders, after a first import read them all",
    )
    no_new.ratio = no_new.p50 / baseline.p50
    return [baseline, no_new]


def _child(database: str, path: str, now: str) -> None:
    """Import ``path`` as `crm import mail` does, then print this process's peak RSS."""
    from crm.process import tune_before_imports

    tune_before_imports()
    from crm.cli import main

    try:
        main(["--db", database, "--now", now, "import", "mail", path])
    except SystemExit as done:
        if done.code:
            raise
    from bench.memory import peak_rss_kib

    print(f"{PEAK_LINE}{peak_rss_kib()}", flush=True)


if __name__ == "__main__":
    _child(*sys.argv[1:4])
