"""Measure `crm import linkedin` on LinkedIn's maximum export: 30,000 connections.

    python -m tests.perf.linkedin [--rows 30000] [--runs 5] [--seed 2026] [--keep DIR]

Writes a seeded Connections.csv with the real preamble, BOM and quirks, then prints the median
(and worst) time of: a first import into a fresh database, a re-import of the same file (which
must change nothing), a newer export in which a tenth of the people changed jobs, and undoing
both imports.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import quote

from crm.db import close_database, migrate, open_database
from crm.services.contacts import count_contacts
from crm.services.imports import import_linkedin, undo_import

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more about this here: "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
NOW = datetime(2026, 11, 18, 15, 0, 0)

# Names by script, as (name, ASCII slug) pools; weights roughly those of a European user's
# network: mostly ASCII, then accented Latin, Cyrillic and CJK names.
_NAMES = {
    "ascii": (
        70,
        "Ann Bob Carla Dmitri David Emma Fatima Grace Hannah Ian James Kwame Laura Mateo Nina "
        "Omar Priya Arjun Ngozi Sven Ingrid Aoife Tom Sarah Michael Olivia Liam Noah Mia Lucas",
        "Lee Smith Patel Khan OBrien Nakamura Okafor Mensah Johansson Rossi Dubois Silva Brown "
        "Wilson Taylor Anderson Thomas Martin Jackson White Harris Clark Lewis Walker Young",
    ),
    "latin": (
        12,
        "Émile:emile José:jose Zoë:zoe Łukasz:lukasz Søren:soren Chloé:chloe Jürgen:jurgen "
        "Agnès:agnes Íñigo:inigo",
        "García:garcia Núñez:nunez Müller:muller Ørsted:orsted Dvořák:dvorak Şahin:sahin "
        "Łaski:laski Jäger:jager",
    ),
    "cyrillic": (
        8,
        "Ярослав:yaroslav Екатерина:ekaterina Андрей:andrey Ольга:olga Дмитрий:dmitriy",
        "Петров:petrov Смирнова:smirnova Иванов:ivanov Кузнецова:kuznetsova Орлов:orlov",
    ),
    "cjk": (
        10,
        "太郎:taro 花子:hanako 민지:minji 서준:seojun 小明:xiaoming 伟:wei",
        "山田:yamada 佐藤:sato 김:kim 박:park 王:wang 李:li",
    ),
}


def _pool(text: str) -> list[tuple[str, str]]:
    return [
        tuple(item.split(":")) if ":" in item else (item, item.lower())  # type: ignore[misc]
        for item in text.split()
    ]


_CULTURES = [(weight, _pool(given), _pool(family)) for weight, given, family in _NAMES.values()]
_COMPANY = (
    "Acme Initech Globex Umbrella Hooli Stark Wayne Wonka Cyberdyne Tyrell Soylent Vandelay "
    "Северсталь 未来 한빛 Bayanihan Nordwind Sakura Zürich Blue River Peak Stone"
).split()
_COMPANY_WORDS = "Labs Systems Data Analytics Health Robotics Software Digital Cloud".split()
_SUFFIXES = ("", "", "", ", Inc.", " Inc", " GmbH", " Ltd", " LLC", " Corp.")
_ROLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Engineering Manager",
    "Recruiter",
    "Technical Recruiter",
    "Product Manager",
    "Data Scientist",
    "CTO",
    "Founder",
    "Head of People, EMEA",
    'Staff Engineer ("Platform")',
    "Designer",
    "VP Engineering",
    "Softwareentwickler",
    "Инженер-программист",
    "ソフトウェアエンジニア",
)
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _person(rng: random.Random) -> tuple[str, str, str, str]:
    """A first name, a last name, a profile slug and an ASCII one for the e-mail."""
    weights = [weight for weight, _, _ in _CULTURES]
    _, given_pool, family_pool = rng.choices(_CULTURES, weights)[0]
    (given, given_slug), (family, family_slug) = rng.choice(given_pool), rng.choice(family_pool)
    slug = ascii_slug = f"{given_slug}-{family_slug}-{rng.getrandbits(32):08x}"
    if not (given + family).isascii() and rng.random() < 0.3:
        slug = quote(f"{given}-{family}".lower()) + slug[-9:]  # some keep the letters, encoded
    return given, family, slug, ascii_slug


def connections_csv(rows: int, *, seed: int = 2026, changed: float = 0.0) -> bytes:
    """A Connections.csv with ``rows`` connections; ``changed`` of them have a newer job."""
    rng = random.Random(seed)
    changer = random.Random(seed + 1)
    companies = [
        f"{rng.choice(_COMPANY)} {rng.choice(_COMPANY_WORDS)} {n}{rng.choice(_SUFFIXES)}"
        for n in range(rows // 5 + 1)
    ]
    out = io.StringIO()
    out.write("\ufeff" + PREAMBLE)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    start = date(2012, 1, 1)
    for _ in range(rows):
        given, family, slug, ascii_slug = _person(rng)
        host = rng.choice(("www.linkedin.com", "www.linkedin.com", "de.linkedin.com"))
        url = f"https://{host}/in/{slug}"
        email = f"{ascii_slug}@example.com" if rng.random() < 0.3 else ""
        company = rng.choice(companies)
        role = rng.choice(_ROLES)
        day = start + timedelta(days=rng.randrange(5000))
        if changer.random() < changed:  # a job change; ``rng`` stays in step with the original
            company, role = changer.choice(companies), "Principal " + role
        writer.writerow(
            [
                given,
                family,
                url,
                email,
                company,
                role,
                f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}",
            ]
        )
        if rng.random() < 0.001:
            writer.writerow([""] * 7)  # LinkedIn's rows of commas
    return out.getvalue().encode("utf-8")


def _timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="write the files and databases here")
    options = parser.parse_args()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        measure(options, options.keep)
        return
    with tempfile.TemporaryDirectory(prefix="crm-perf-linkedin-") as folder:
        measure(options, Path(folder))


def measure(options: argparse.Namespace, folder: Path) -> None:
    """Write the exports into ``folder``, run every import, print the figures."""
    export = folder / "Connections.csv"
    export.write_bytes(connections_csv(options.rows, seed=options.seed))
    newer = folder / "Connections-newer.csv"
    newer.write_bytes(connections_csv(options.rows, seed=options.seed, changed=0.1))
    print(f"{options.rows:,} rows, {export.stat().st_size / 1e6:.1f} MB")

    first: list[float] = []
    again: list[float] = []
    update: list[float] = []
    undo_times: list[float] = []
    for run in range(options.runs):
        database = folder / f"run{run}.sqlite3"
        for stale in (database, database.with_name(database.name + "-wal")):
            stale.unlink(missing_ok=True)
        open_database(database)
        migrate()
        seconds, result = _timed(lambda: import_linkedin(export, now=NOW))
        first.append(seconds)
        assert result.created + len(result.skipped) >= options.rows, result
        assert count_contacts() == result.created
        seconds, repeat = _timed(lambda: import_linkedin(export, now=NOW))
        again.append(seconds)
        assert (repeat.created, repeat.updated) == (0, 0), repeat
        seconds, newer_result = _timed(lambda: import_linkedin(newer, now=NOW))
        update.append(seconds)
        for batch_id in (newer_result.batch_id, result.batch_id):
            assert batch_id is not None
            undo_times.append(_timed(partial(undo_import, batch_id, now=NOW))[0])
        assert count_contacts() == 0
        close_database()
        print(
            f"  run {run + 1}: import {first[-1]:.3f} s ({result.created:,} created), "
            f"re-import {again[-1]:.3f} s ({repeat.unchanged:,} unchanged), "
            f"newer export {update[-1]:.3f} s ({newer_result.updated:,} updated), "
            f"undo both {undo_times[-2]:.3f} s + {undo_times[-1]:.3f} s"
        )
    for label, samples in (
        ("import into a fresh database", first),
        ("re-import (idempotent)", again),
        ("newer export (10% changed jobs)", update),
        ("undo the newer export", undo_times[0::2]),
        ("undo the first import", undo_times[1::2]),
    ):
        print(
            f"{label:34} median {statistics.median(samples):.3f} s, "
            f"worst {max(samples):.3f} s over {len(samples)} runs"
        )


if __name__ == "__main__":
    main()
