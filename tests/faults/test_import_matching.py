"""Issue 14's first week: type a few people, import LinkedIn, then the phone's address book.

Nobody may come out twice, nothing a file says may be dropped, nothing typed by hand may be
overwritten, the summary must say who was updated and how, and undoing each import must put
the database back exactly as it was. Also: an import plans outside the write lock, and a
write made meanwhile is planned against, not clobbered.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import Contact, ContactMethod, ContactTopic
from crm.domain.text import fold
from crm.domain.types import ContactDraft
from crm.services.contacts import create_contact, get_contact, update_contact
from crm.services.importing.batches import list_imports, undo_import
from crm.services.importing.linkedin import import_linkedin
from crm.services.importing.vcard import import_vcards
from crm.services.tx import reading
from tests.faults.snapshots import Snapshot, snapshot

pytestmark = pytest.mark.faults

NOW = datetime(2026, 11, 2, 9, 0, 0)
HISTORY = ("import_batch", "import_change")  # the record of what was done and undone stays

CONNECTIONS = "\n".join(
    (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "Кэти,Смирнова,https://ru.linkedin.com/in/katie-smirnova/,katie@initech.example,"
        "Initech,Talent Partner,01 Oct 2026",
        "José,Núñez,https://es.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez,,Globex,Recruiter,"
        "19 Aug 2024",
        "太郎,山田,http://www.linkedin.com/in/Yamada-Taro?trk=public_profile,taro@sakura.example,"
        "Sakura Robotics,エンジニア,07 Jul 2022",
        "Ann,Lee,https://www.linkedin.com/in/annlee,ann@acme.example,Acme,CTO,15 Mar 2023",
        "José,Núñez,https://www.linkedin.com/in/jose-nunez-madrid,,Telefónica,Engineer,01 Jan 2020",
        "",
    )
)

ADDRESS_BOOK = """BEGIN:VCARD
VERSION:3.0
FN:Кэти Смирнова
ORG:Initech
TITLE:HR
EMAIL;TYPE=WORK:KATIE@initech.example
EMAIL;TYPE=HOME:katie.s@mail.example
TEL;TYPE=CELL:+49 151 23456789
CATEGORIES:chess,running
NOTE:Met at the Berlin meetup.
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:José Núñez
TEL:+34 612 345 678
URL:https://www.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez/
NOTE:Call after 6pm.
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:山田太郎
EMAIL:taro@sakura.example
TEL:+81 90-1234-5678
END:VCARD
"""


def without_history(tables: Snapshot) -> Snapshot:
    return {name: rows for name, rows in tables.items() if name not in HISTORY}


def people_named(name: str) -> list[int]:
    with reading():
        return [
            contact.id
            for contact in Contact.select(Contact.id, Contact.name)
            if sorted(fold(contact.name).replace(",", " ").split())
            == sorted(fold(name).replace(",", " ").split())
        ]


def extras(contact_id: int) -> tuple[list[tuple[str, str]], list[str]]:
    with reading():
        methods = [
            (m.kind, m.value)
            for m in ContactMethod.select().where(ContactMethod.contact == contact_id)
        ]
        topics = [t.name for t in ContactTopic.select().where(ContactTopic.contact == contact_id)]
    return methods, topics


def test_the_first_week_creates_no_duplicates_drops_nothing_and_undoes_exactly(
    db_path: Path, tmp_path: Path
) -> None:
    katie = create_contact(
        ContactDraft(name="Кэти Смирнова", company="Initech", role="Recruiter"), now=NOW
    )
    jose = create_contact(ContactDraft(name="José Núñez", company="Globex"), now=NOW)
    taro = create_contact(
        ContactDraft(name="山田 太郎", email="Taro@Sakura.example", relationship_note="Kind."),
        now=NOW,
    )
    typed = snapshot(db_path)

    export = tmp_path / "Connections.csv"
    export.write_text(CONNECTIONS, encoding="utf-8")
    linkedin = import_linkedin(export, now=NOW + timedelta(days=1))
    assert (linkedin.created, linkedin.updated, linkedin.unchanged) == (2, 3, 0)
    assert people_named("Кэти Смирнова") == [katie]
    assert people_named("山田 太郎") == [taro]
    # Another José Núñez (another profile, another company) is created, and listed for review.
    other_jose = [cid for cid in people_named("José Núñez") if cid != jose]
    assert len(other_jose) == 1
    assert [(p.contact_id, p.like) for p in linkedin.possible_duplicates] == [
        (other_jose[0], (jose,))
    ]
    assert {c.name: c.how for c in linkedin.changes} == {
        "Кэти Смирнова": "e-mail, LinkedIn profile, how you met",
        "José Núñez": "role, LinkedIn profile, how you met",
        "山田 太郎": "company, role, LinkedIn profile, how you met",
    }
    kept = get_contact(katie)
    assert (kept.role, kept.email) == ("Recruiter", "katie@initech.example")  # typed: kept
    after_linkedin = snapshot(db_path)

    book = tmp_path / "contacts.vcf"
    book.write_text(ADDRESS_BOOK, encoding="utf-8")
    cards = import_vcards(book, now=NOW + timedelta(days=2))
    assert (cards.created, cards.updated, cards.unchanged) == (0, 3, 0)
    assert people_named("Кэти Смирнова") == [katie] and people_named("山田 太郎") == [taro]
    assert {c.name: c.how for c in cards.changes} == {
        "Кэти Смирнова": "phone, note, 1 e-mail added, 2 topics added",
        "José Núñez": "phone, note",
        "山田 太郎": "phone",
    }
    filled = get_contact(katie)
    assert (filled.phone, filled.relationship_note, filled.role) == (
        "+49 151 23456789",
        "Met at the Berlin meetup.",
        "Recruiter",
    )
    assert extras(katie) == ([("email", "katie.s@mail.example")], ["chess", "running"])
    assert get_contact(taro).relationship_note == "Kind."  # typed: never overwritten
    assert [batch.changes for batch in list_imports()][0] == cards.changes  # kept in history

    undo_import(cards.batch_id or 0, now=NOW + timedelta(days=3))
    assert without_history(snapshot(db_path)) == without_history(after_linkedin)
    undo_import(linkedin.batch_id or 0, now=NOW + timedelta(days=3))
    assert without_history(snapshot(db_path)) == without_history(typed)


def test_a_vcard_matching_a_linkedin_contact_adds_what_it_has(
    db_path: Path, tmp_path: Path
) -> None:
    """The issue's 'lost fields': matched, then counted unchanged, its details dropped."""
    export = tmp_path / "Connections.csv"
    export.write_text(CONNECTIONS, encoding="utf-8")
    import_linkedin(export, now=NOW)
    book = tmp_path / "katie.vcf"
    book.write_text(ADDRESS_BOOK.split("END:VCARD\n")[0] + "END:VCARD\n", encoding="utf-8")
    cards = import_vcards(book, now=NOW + timedelta(days=1))
    assert (cards.updated, cards.unchanged) == (1, 0)
    (katie,) = people_named("Кэти Смирнова")
    contact = get_contact(katie)
    assert (contact.phone, contact.relationship_note) == (
        "+49 151 23456789",
        "Met at the Berlin meetup.",
    )
    # Imported (not typed) and untouched since: still only a LinkedIn export refreshes the role.
    assert contact.role == "Talent Partner"
    assert extras(katie) == ([("email", "katie.s@mail.example")], ["chess", "running"])


def test_a_contact_edited_after_its_import_is_the_users(db_path: Path, tmp_path: Path) -> None:
    export = tmp_path / "Connections.csv"
    export.write_text(CONNECTIONS, encoding="utf-8")
    import_linkedin(export, now=NOW)
    (ann,) = people_named("Ann Lee")
    draft = ContactDraft(
        name="Ann Lee",
        company="Acme",
        role="Chief Technologist",
        email="ann@acme.example",
        linkedin_url="https://linkedin.com/in/annlee",
    )
    update_contact(ann, draft, now=NOW + timedelta(days=1))
    newer = tmp_path / "newer.csv"
    newer.write_text(CONNECTIONS.replace(",CTO,", ",VP Engineering,"), encoding="utf-8")
    result = import_linkedin(newer, now=NOW + timedelta(days=2))
    assert get_contact(ann).role == "Chief Technologist"
    assert "Ann Lee" not in {c.name for c in result.changes if "role" in c.how}


def test_an_import_plans_without_the_lock_and_plans_again_after_a_write_meanwhile(
    db_path: Path, tmp_path: Path
) -> None:
    """The progress report that follows planning is where a long import used to hold the
    write lock already: another writer then got "database is locked"."""
    export = tmp_path / "Connections.csv"
    export.write_text(CONNECTIONS, encoding="utf-8")
    calls: list[tuple[int, int]] = []

    def meanwhile(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) != 2:
            return
        # Cron's `crm add` (another connection) types Ann in while the import is planned.
        with closing(sqlite3.connect(db_path, timeout=0.5)) as other, other:
            other.execute(
                "INSERT INTO contact (uid, name, sort_key, role, email, phone, linkedin_url,"
                " how_met, relationship_note, rapport, created_at, updated_at) VALUES"
                " ('typed-ann', 'Ann Lee', 'ann lee', '', '', '', 'linkedin.com/in/AnnLee', '',"
                " '', '', '2026-11-01 08:00:00', '2026-11-01 08:00:00')"
            )

    result = import_linkedin(export, now=NOW, progress=meanwhile)
    assert len(calls) >= 2
    (ann,) = people_named("Ann Lee")  # planned again: matched, not created a second time
    assert result.created == 4 and get_contact(ann).email == "ann@acme.example"


def test_an_undecodable_label_on_an_added_email_is_read_not_a_crash(
    db_path: Path, tmp_path: Path
) -> None:
    """Found by the importer fuzzer: TYPE bytes that aren't UTF-8 reached SQLite as
    surrogates when a second e-mail was written ("surrogates not allowed")."""
    create_contact(ContactDraft(name="Ann Lee", email="ann@other.example"), now=NOW)
    card = tmp_path / "ann.vcf"
    card.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\n"
        b"EMAIL;TYPE=WORK,PR\xef\xbbEF:ann@acme.example\r\n"
        b"EMAIL;TYPE=HOME,W\xe9RK:ann@home.example\r\nEND:VCARD\r\n"
    )
    result = import_vcards(card, now=NOW)
    assert result.created == 1  # no company to tell: created, and listed for review
    with reading():
        labels = [m.label for m in ContactMethod.select()]
    assert labels and all(label.encode("utf-8") for label in labels)
