"""Demo data: the sample job search and the generated contacts, against a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from crm.db import close_database, db, migrate, open_database
from crm.db.models import (
    Company,
    Contact,
    ContactIndex,
    FollowUp,
    Interview,
    InterviewInterviewer,
    Opportunity,
    OpportunityPerson,
    Reference,
)
from crm.db.search import index_contact
from crm.domain.text import fold
from crm.domain.types import ContactDraft, Stage
from crm.domain.validation import contact_problems
from crm.services.contacts import count_contacts, search_contacts
from crm.services.demo import SAMPLE_PEOPLE, add_generated_contacts, write_sample
from crm.services.tx import reading, writing

NOW = datetime(2026, 3, 10, 9, 30)


def _open(path: Path) -> None:
    open_database(path)
    migrate()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    """A migrated, empty database file, closed afterwards."""
    path = tmp_path / "crm.sqlite3"
    _open(path)
    yield path
    close_database()


@pytest.fixture
def sample(database: Path) -> Path:
    """The database with the sample job search written into it."""
    write_sample(NOW)
    return database


def _names(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [row.name for row in rows]


def _healthy() -> None:
    with reading():
        assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        db.execute_sql("INSERT INTO contact_index(contact_index) VALUES('integrity-check')")


# --- the sample ------------------------------------------------------------------------------


def test_sample_size(sample: Path) -> None:
    with reading():
        assert 35 <= Contact.select().count() <= 45
        assert 8 <= Company.select().count() <= 12
        assert ContactIndex.select().count() == Contact.select().count()
    assert count_contacts() == len(SAMPLE_PEOPLE)
    _healthy()


def test_sample_people_are_valid_contacts() -> None:
    for p in SAMPLE_PEOPLE:
        draft = ContactDraft(
            name=p.name,
            company=p.company,
            email=p.email,
            linkedin_url=f"https://www.linkedin.com/in/{p.linkedin}",
            keep_in_touch_days=p.keep_in_touch_days,
        )
        assert contact_problems(draft) == [], p.name
    assert len({p.name for p in SAMPLE_PEOPLE}) == len(SAMPLE_PEOPLE)


def test_katie_refers_an_open_opportunity(sample: Path) -> None:
    with reading():
        katie = Contact.get(Contact.name == "Katie Morgan")
        assert katie.linkedin_url == "https://www.linkedin.com/in/katie-morgan"
        stages = [
            Stage(o.stage)
            for o in Opportunity.select()
            .join(OpportunityPerson)
            .where(OpportunityPerson.contact == katie)
        ]
        assert any(stage.is_open for stage in stages)
        assert any(not Stage(o.stage).is_open for o in Opportunity.select())


def test_mark_is_a_reference(sample: Path) -> None:
    with reading():
        ref = Reference.select().join(Contact).where(Contact.name == "Mark Farmingham").get()
        assert ref.relationship == "My direct supervisor for three years"
        assert "fast-paced environment" in ref.talking_points
        assert ref.last_briefed_at is not None and ref.last_briefed_at < NOW


def test_interviews_in_past_and_future_with_interviewers(sample: Path) -> None:
    with reading():
        past = list(Interview.select().where(Interview.starts_at < NOW))
        future = list(Interview.select().where(Interview.starts_at > NOW))
        assert past and future
        assert all(i.done_at is not None for i in past)
        assert all(i.done_at is None for i in future)
        for interview in past + future:
            links = InterviewInterviewer.select().where(InterviewInterviewer.interview == interview)
            assert 1 <= links.count() <= 2


def test_follow_ups_cover_every_state(sample: Path) -> None:
    with reading():
        rows = list(FollowUp.select())
    open_rows = [f for f in rows if f.done_at is None and f.snoozed_until is None]
    assert any(f.done_at is not None for f in rows)
    assert any(f.window_end < NOW for f in open_rows)  # overdue
    assert any(f.window_start <= NOW <= f.window_end for f in open_rows)  # due
    assert any(f.window_start > NOW for f in open_rows)  # upcoming
    assert any(f.kind == "thank-you-email" and f.window_end < NOW for f in open_rows)


def test_sample_search(sample: Path) -> None:
    acme = search_contacts("acme", now=NOW)
    assert len(acme) == 5
    assert {row.company for row in acme} == {"Acme Corp"}
    assert "山田 太郎 (Yamada Taro)" in _names(search_contacts("yamada", now=NOW))
    assert "山田 太郎 (Yamada Taro)" in _names(search_contacts("山田", now=NOW))
    assert _names(search_contacts("кэти", now=NOW)) == ["Кэти Смирнова"]
    assert "Zoë Brontë" in _names(search_contacts("zoe", now=NOW))
    assert "Łukasz Wójcik" in _names(search_contacts("lukasz", now=NOW))
    assert "Дмитрий Орлов" in _names(search_contacts("spartak", now=NOW))


def test_sample_never_reads_the_clock(sample: Path) -> None:
    with reading():
        stamps = [c.created_at for c in Company.select()] + [c.created_at for c in Contact.select()]
    assert all(stamp <= NOW for stamp in stamps)


# --- generated contacts ----------------------------------------------------------------------


def test_generated_contacts(sample: Path) -> None:
    before = count_contacts()
    assert add_generated_contacts(2000, now=NOW) == 2000
    assert count_contacts() == before + 2000
    with reading():
        assert ContactIndex.select().count() == before + 2000
        assert 80 <= Company.select().count() - 10 <= 120
        generated = list(Contact.select().order_by(Contact.id.desc()).limit(2000))
    assert all(c.created_at <= NOW for c in generated)
    for contact in generated[::97]:
        token = fold(contact.name.split()[0])
        assert contact.id in {row.id for row in search_contacts(token, limit=2000, now=NOW)}
    _healthy()


def test_generated_index_rows_match_index_contact(database: Path) -> None:
    add_generated_contacts(500, now=NOW)
    with writing():
        for contact_id in range(1, 501, 7):
            before = ContactIndex.select().where(ContactIndex.rowid == contact_id).dicts().get()
            index_contact(contact_id)
            after = ContactIndex.select().where(ContactIndex.rowid == contact_id).dicts().get()
            # index_contact reads topics in no particular order; search doesn't care.
            for row in (before, after):
                row["topics"] = sorted(row["topics"].split(" ; "))
            assert before == after


def test_generated_contacts_are_reproducible(tmp_path: Path) -> None:
    names = []
    for folder in ("one", "two"):
        _open(tmp_path / folder / "crm.sqlite3")
        try:
            add_generated_contacts(300, seed=7, now=NOW)
            with reading():
                names.append(
                    list(Contact.select(Contact.name, Contact.uid).order_by(Contact.id).tuples())
                )
        finally:
            close_database()
    assert names[0] == names[1]
    assert len({name for name, _ in names[0]}) > 150


def test_same_seed_twice_on_one_database(database: Path) -> None:
    add_generated_contacts(100, now=NOW)
    add_generated_contacts(100, now=NOW)
    assert count_contacts() == 200
    _healthy()


def test_generated_count_checks(database: Path) -> None:
    with pytest.raises(ValueError):
        add_generated_contacts(-1, now=NOW)
    assert add_generated_contacts(0, now=NOW) == 0
    assert add_generated_contacts(1, now=NOW) == 1
    with reading():
        assert Company.select().count() == 1


def test_bulk_load_rebuilds_the_contact_indexes(database: Path) -> None:
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact'"
    with reading():
        before = db.execute_sql(query).fetchall()
    assert add_generated_contacts(10_000, now=NOW) == 10_000
    with reading():
        assert sorted(db.execute_sql(query).fetchall()) == sorted(before)
    assert count_contacts() == 10_000
    _healthy()
