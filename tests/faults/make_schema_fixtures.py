"""Make the old-schema fixtures: a small database at each schema version, with rows in every table.

Run ``python -m tests.faults.make_schema_fixtures`` after adding a migration: it writes
``tests/fixtures/schemas/NNNN_name.db`` for every migration that has no fixture yet, by
running the real migration files up to that one only (playhouse.migrations) and inserting
ROWS. Fixtures already there are never rewritten: they stand for files that older crm
versions left on people's disks. ``--force NNNN_name`` rebuilds one on purpose.

ROWS are literal values, as the app would have stored them (naive UTC times as text, search
text folded), so the upgrade test can compare every row after the upgrade with them.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

from peewee import SqliteDatabase
from playhouse.migrations import Runner

from crm.db.database import MIGRATION_TABLE, MIGRATIONS_DIR

FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"
PAGE_SIZE = 1024  # small pages keep a database of a few rows per table small

Row = Mapping[str, object]

_T0 = "2026-10-01 09:00:00"
_T1 = "2026-11-02 14:30:00"
_T2 = "2026-11-16 16:00:00"

# Every table of the schema, in an order that satisfies the foreign keys.
ROWS: dict[str, list[Row]] = {
    "company": [
        {"id": 1, "name": "Ørsted A/S", "key": "orsted a s", "website": "https://orsted.example",
         "notes": "Energy; hiring in Fredericia", "created_at": _T0},
        {"id": 2, "name": "山田商事", "key": "山田商事", "website": "", "notes": "",
         "created_at": _T0},
        {"id": 3, "name": "Initech", "key": "initech", "website": "", "notes": "",
         "created_at": _T1},
    ],
    "import_batch": [
        {"id": 1, "source": "linkedin", "filename": "Connections.csv", "created_at": _T0,
         "summary": '{"rows": 2, "created": 1, "updated": 1, "unchanged": 0, "skipped": '
                    '[[7, "no profile URL or e-mail to match on"]], "companies_created": [3]}',
         "undone_at": None},
    ],
    "contact": [
        {"id": 1, "uid": "8f1d6c5e-0001-4000-8000-000000000001", "name": "José Núñez",
         "sort_key": "jose nunez", "company_id": 1, "role": "Engineering Manager",
         "email": "jose@orsted.example", "phone": "+45 12 34 56 78",
         "linkedin_url": "https://linkedin.com/in/jose-nunez", "how_met": "PyCon DK",
         "relationship_note": "Likes Spartak Moscow", "rapport": "good",
         "keep_in_touch_days": 30, "import_batch_id": None, "created_at": _T0,
         "updated_at": _T1, "language": "en"},
        {"id": 2, "uid": "8f1d6c5e-0002-4000-8000-000000000002", "name": "Кэти Смирнова",
         "sort_key": "кэти смирнова", "company_id": 3, "role": "Recruiter", "email": "",
         "phone": "", "linkedin_url": "https://linkedin.com/in/katy-s",
         "how_met": "LinkedIn connection since 02 Nov 2026", "relationship_note": "",
         "rapport": "", "keep_in_touch_days": None, "import_batch_id": 1, "created_at": _T1,
         "updated_at": _T1, "language": "ru"},
        {"id": 3, "uid": "8f1d6c5e-0003-4000-8000-000000000003",
         "name": "山田 太郎 (Yamada Taro)", "sort_key": "山田 太郎 (yamada taro)",
         "company_id": 2, "role": "CTO", "email": "taro@yamada.example", "phone": "",
         "linkedin_url": "", "how_met": "", "relationship_note": "Referred me to Initech",
         "rapport": "strained", "keep_in_touch_days": 90, "import_batch_id": None,
         "created_at": _T0, "updated_at": _T2, "language": ""},
        {"id": 4, "uid": "8f1d6c5e-0004-4000-8000-000000000004", "name": "Zoë O'Brien-Łukasz",
         "sort_key": "zoe o'brien-lukasz", "company_id": None, "role": "", "email": "",
         "phone": "", "linkedin_url": "", "how_met": "", "relationship_note": "",
         "rapport": "neutral", "keep_in_touch_days": None, "import_batch_id": None,
         "created_at": _T1, "updated_at": _T1, "language": ""},
    ],
    "contact_topic": [
        {"id": 1, "contact_id": 1, "name": "Spartak Moscow fan", "position": 0},
        {"id": 2, "contact_id": 1, "name": "chess", "position": 1},
        {"id": 3, "contact_id": 3, "name": "囲碁", "position": 0},
    ],
    "contact_method": [
        {"id": 1, "contact_id": 1, "kind": "email", "value": "jose@orsted.example",
         "label": "work", "position": 0},
        {"id": 2, "contact_id": 1, "kind": "phone", "value": "+45 12 34 56 78",
         "label": "mobile", "position": 1},
        {"id": 3, "contact_id": 3, "kind": "url", "value": "https://yamada.example",
         "label": "", "position": 0},
    ],
    "import_change": [
        {"id": 1, "batch_id": 1, "contact_id": 2, "action": "created", "previous": ""},
        {"id": 2, "batch_id": 1, "contact_id": 1, "action": "updated",
         "previous": '{"role": "Engineer", "updated_at": "2026-10-01 09:00:00"}'},
    ],
    "opportunity": [
        {"id": 1, "uid": "9a2e7d6f-0001-4000-8000-000000000001", "company_id": 3,
         "role": "Staff Engineer", "stage": "interviewing", "referrer_id": 3, "quiet": 0,
         "notes": "Référence: Taro", "created_at": _T0, "updated_at": _T2, "closed_at": None,
         "url": "https://initech.example/jobs/42?ref=[bold]", "location": "Zürich, hybrid",
         "salary": "CHF 140–160k", "applied_at": "2026-10-02 07:30:00",
         "cv": "cv-2026-10 (staff).pdf"},
        {"id": 2, "uid": "9a2e7d6f-0002-4000-8000-000000000002", "company_id": 1,
         "role": "Platform Lead", "stage": "rejected", "referrer_id": None, "quiet": 1,
         "notes": "", "created_at": _T0, "updated_at": _T1, "closed_at": _T1, "url": "",
         "location": "", "salary": "", "applied_at": None, "cv": ""},
    ],
    # Made by migration 0003 from opportunity.referrer_id in databases older than it.
    "opportunity_person": [
        {"id": 1, "opportunity_id": 1, "contact_id": 3, "role": "referrer", "position": 0},
    ],
    "interview": [
        {"id": 1, "uid": "a3b4c5d6-0001-4000-8000-000000000001", "opportunity_id": 1,
         "starts_at": _T2, "ends_at": "2026-11-16 17:00:00", "kind": "on-site",
         "location": "Zürich", "notes": "Bring the deck", "done_at": "2026-11-16 17:00:00"},
    ],
    "interview_interviewer": [
        {"id": 1, "interview_id": 1, "contact_id": 2},
        {"id": 2, "interview_id": 1, "contact_id": 4},
    ],
    "interaction": [
        {"id": 1, "uid": "b4c5d6e7-0001-4000-8000-000000000001", "contact_id": 3,
         "opportunity_id": 1, "occurred_at": _T1, "channel": "call", "kind": "check-in",
         "direction": "outbound", "summary": "Asked Taro about the team — 良い", "created_at": _T1,
         "promised_at": None, "message_id": ""},
        {"id": 2, "uid": "b4c5d6e7-0002-4000-8000-000000000002", "contact_id": 2,
         "opportunity_id": 1, "occurred_at": "2026-11-17 08:00:00", "channel": "email",
         "kind": "thank-you", "direction": "outbound", "summary": "Спасибо!",
         "created_at": "2026-11-17 08:00:00", "promised_at": None,
         "message_id": "<CAF=thanks-17@mail.example>"},
    ],
    "follow_up": [
        {"id": 1, "uid": "c5d6e7f8-0001-4000-8000-000000000001", "contact_id": 2,
         "opportunity_id": 1, "interview_id": 1, "origin_id": None, "kind": "thank-you-email",
         "window_start": "2026-11-16 19:00:00", "window_end": "2026-11-18 17:00:00",
         "done_at": "2026-11-17 08:00:00", "snoozed_until": None, "note": "",
         "created_at": "2026-11-16 17:00:00", "cancelled_by": ""},
        {"id": 2, "uid": "c5d6e7f8-0002-4000-8000-000000000002", "contact_id": 4,
         "opportunity_id": 1, "interview_id": 1, "origin_id": None, "kind": "thank-you-email",
         "window_start": "2026-11-16 19:00:00", "window_end": "2026-11-18 17:00:00",
         "done_at": None, "snoozed_until": "2026-11-18 09:00:00", "note": "Ask about Zoë's talk",
         "created_at": "2026-11-16 17:00:00", "cancelled_by": ""},
        {"id": 3, "uid": "c5d6e7f8-0003-4000-8000-000000000003", "contact_id": 3,
         "opportunity_id": 1, "interview_id": None, "origin_id": 1, "kind": "check-in",
         "window_start": "2026-11-04 09:00:00", "window_end": "2026-11-05 09:00:00",
         "done_at": None, "snoozed_until": None, "note": "", "created_at": _T1,
         "cancelled_by": ""},
    ],
    "connection": [
        {"id": 1, "contact_a_id": 2, "contact_b_id": 3, "source": "linkedin-mutual",
         "note": "Worked together at 山田商事", "noted_at": _T1},
    ],
    "reference": [
        {"id": 1, "contact_id": 3, "relationship": "My manager for three years",
         "talking_points": "Led the migration; mentoring", "last_briefed_at": _T1,
         "created_at": _T0},
    ],
    "reference_given": [
        {"id": 1, "reference_id": 1, "opportunity_id": 1, "given_at": _T2,
         "expected_call_at": "2026-11-20 10:00:00"},
    ],
    "contact_index": [
        {"rowid": 1, "name": "jose nunez", "company": "orsted a/s", "role": "engineering manager",
         "topics": "spartak moscow fan ; chess",
         "notes": "jose@orsted.example pycon dk likes spartak moscow"},
        {"rowid": 2, "name": "кэти смирнова", "company": "initech", "role": "recruiter",
         "topics": "", "notes": "linkedin connection since 02 nov 2026"},
        {"rowid": 3, "name": "山 田 太 郎 (yamada taro)", "company": "山 田 商 事", "role": "cto",
         "topics": "囲 碁", "notes": "taro@yamada.example referred me to initech"},
        {"rowid": 4, "name": "zoe o'brien-lukasz", "company": "", "role": "", "topics": "",
         "notes": ""},
    ],
}  # fmt: skip


def migration_names() -> list[str]:
    """Every migration file's name, oldest first: the schema versions."""
    return sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))


def fixture_path(version: str) -> Path:
    return FIXTURES / f"{version}.db"


def columns_of(connection: sqlite3.Connection, table: str) -> list[str]:
    """The columns a table has (the FTS index's ``rowid`` included)."""
    names = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    return ["rowid", *names] if table == "contact_index" else names


def stored_rows(table: str, columns: list[str]) -> list[tuple[object, ...]]:
    """ROWS of ``table`` as tuples of ``columns`` (the ones the schema version has)."""
    return [tuple(row[name] for name in columns) for row in ROWS[table]]


def make_fixture(version: str, target: Path) -> None:
    """A database at schema ``version``, made by the real migrations, holding ROWS."""
    target.unlink(missing_ok=True)
    database = SqliteDatabase(str(target), pragmas={"foreign_keys": 1})
    with database.connection_context():
        Runner(database, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE).up(target=version)
    database.close()
    with closing(sqlite3.connect(target)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            for table in ROWS:
                columns = [c for c in columns_of(connection, table) if c in ROWS[table][0]]
                quoted = ", ".join(f'"{name}"' for name in columns)
                marks = ", ".join("?" for _ in columns)
                connection.executemany(
                    f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})',
                    stored_rows(table, columns),
                )
        problems = list(connection.execute("PRAGMA foreign_key_check"))
        assert not problems, problems
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # VACUUM applies it
        connection.execute("VACUUM")
        connection.execute("PRAGMA journal_mode = wal")  # as crm leaves its files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--force",
        metavar="VERSION",
        action="append",
        default=[],
        help="rebuild this version's fixture even though it exists",
    )
    options = parser.parse_args()  # fmt: skip
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for version in migration_names():
        target = fixture_path(version)
        if target.exists() and version not in options.force:
            print(f"kept    {target}")
            continue
        make_fixture(version, target)
        print(f"made    {target} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
