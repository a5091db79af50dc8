"""Google Contacts CSV imports: both layouts, labels as topics, idempotence, undo, failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db import db
from crm.db.models import Contact, ContactMethod, ContactTopic, ImportBatch
from crm.services.importing.batches import list_imports, undo_import
from crm.services.importing.google import (
    CURRENT,
    LEGACY,
    GoogleContactsError,
    import_google_contacts,
    parse_google_csv,
)
from crm.services.importing.vcard import import_vcards
from crm.services.tx import reading

FIXTURES = Path(__file__).parent.parent / "fixtures"
CURRENT_CSV = FIXTURES / "google" / "contacts_current.csv"
LEGACY_CSV = FIXTURES / "google" / "contacts_legacy.csv"
LINKEDIN_CSV = FIXTURES / "linkedin" / "connections_en.csv"
NOW = datetime(2026, 11, 18, 15, 0, 0)
LATER = NOW + timedelta(days=2)


def person(name: str) -> dict[str, object]:
    with reading():
        contact = Contact.get(Contact.name == name)
        return {
            "company": contact.company.name if contact.company_id else "",
            "role": contact.role,
            "email": contact.email,
            "phone": contact.phone,
            "linkedin_url": contact.linkedin_url,
            "note": contact.relationship_note,
            "topics": [
                t.name
                for t in ContactTopic.select()
                .where(ContactTopic.contact == contact.id)
                .order_by(ContactTopic.position)
            ],
            "methods": [
                (m.kind, m.value, m.label)
                for m in ContactMethod.select()
                .where(ContactMethod.contact == contact.id)
                .order_by(ContactMethod.position)
            ],
        }


def snapshot() -> tuple[list[tuple[object, ...]], ...]:
    with reading():
        return tuple(
            list(db.execute_sql(f"SELECT * FROM {table} ORDER BY 1"))
            for table in ("contact", "company", "contact_topic", "contact_method", "contact_index")
        )


def test_both_layouts_are_recognised_by_their_columns() -> None:
    assert parse_google_csv(CURRENT_CSV.read_bytes())[1] == CURRENT
    assert parse_google_csv(LEGACY_CSV.read_bytes())[1] == LEGACY


def test_current_layout(db_path: Path) -> None:
    result = import_google_contacts(CURRENT_CSV, now=NOW)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert [(row.line, row.reason) for row in result.skipped] == [(8, "no name")]
    yaroslav = person("Ярослав Петров")
    assert (yaroslav["company"], yaroslav["role"]) == ("Инитех", "Ведущий инженер")
    assert (yaroslav["email"], yaroslav["phone"]) == (
        "y.petrov@initech.example",
        "+7 912 555-01-01",
    )
    assert yaroslav["methods"] == [
        ("email", "yaroslav@example.ru", "home"),
        ("phone", "+7 912 555-01-09", "mobile"),  # two numbers in one cell, " ::: "
        ("phone", "+7 495 555-01-02", "work"),
    ]
    assert yaroslav["linkedin_url"] == "https://linkedin.com/in/yaroslav-petrov"
    assert yaroslav["topics"] == ["Рекрутеры", "Python"]  # without "* myContacts"
    assert yaroslav["note"] == "Познакомились на PyCon, говорили о найме.\nПросил резюме."
    jose = person("José María Núñez")
    assert jose["phone"] == "+34 600 000 001"  # "* Mobile": Google's primary, though second
    assert jose["topics"] == ["Hiring manager"]  # without "* starred"
    assert person("Zoë Ångström PhD")["topics"] == ["chess", "Agile skeptic"]
    assert person("Émile Zola")["phone"] == "+33 1 23 45 67 89"
    with reading():
        assert ImportBatch.get_by_id(result.batch_id).source == "google"


def test_legacy_layout(db_path: Path) -> None:
    result = import_google_contacts(LEGACY_CSV, now=NOW)
    assert (result.created, [(r.line, r.reason) for r in result.skipped]) == (3, [(5, "no name")])
    katya = person("Кэти Смирнова")
    assert (katya["company"], katya["role"], katya["email"]) == (
        "Initech",
        "Рекрутер",
        "katya@initech.example",
    )
    assert katya["linkedin_url"] == "https://linkedin.com/in/katya-smirnova"
    assert katya["topics"] == ["Рекрутеры"]  # "* My Contacts" dropped
    francois = person("François Müller")
    assert francois["email"] == "f.muller@globex.example"  # "* Work" is the primary
    assert francois["methods"] == [("email", "francois@exemple.example", "home")]
    assert francois["topics"] == ["Références"]
    assert francois["note"] == "Ancien collègue, très bonne référence."
    assert person("Søren Kierkegaard")["phone"] == "+45 33 00 00 00"  # from Given/Family Name


def test_importing_again_changes_nothing(db_path: Path) -> None:
    import_google_contacts(CURRENT_CSV, now=NOW)
    import_google_contacts(LEGACY_CSV, now=NOW)
    before = snapshot()
    for path in (CURRENT_CSV, LEGACY_CSV):
        result = import_google_contacts(path, now=LATER)
        assert (result.created, result.updated) == (0, 0)
    # Émile and Søren have only a name and a phone: they match by the UID made from them.
    assert snapshot() == before
    assert [batch.unchanged for batch in list_imports()[:2]] == [3, 4]


def test_google_rows_and_vcards_of_the_same_people_meet(db_path: Path) -> None:
    import_google_contacts(CURRENT_CSV, now=NOW)
    result = import_vcards(FIXTURES / "vcard" / "apple_30.vcf", now=LATER)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)  # by e-mail
    jose = person("José María Núñez")
    assert jose["linkedin_url"] == "https://linkedin.com/in/jose-nunez"  # filled in


def test_undo_takes_the_import_back(db_path: Path) -> None:
    before = snapshot()
    result = import_google_contacts(CURRENT_CSV, now=NOW)
    undone = undo_import(result.batch_id or 0, now=LATER)
    assert (undone.removed, undone.companies_removed) == (4, 3)
    assert snapshot() == before


def test_dry_run_writes_nothing(db_path: Path) -> None:
    result = import_google_contacts(LEGACY_CSV, now=NOW, dry_run=True)
    assert (result.dry_run, result.created) == (True, 3)
    assert all(not rows for rows in snapshot())


HEADER = "First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value\r\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + 'Ann,Lee,"unclosed,,x@y.example\r\n', "line 2: a quoted field is never closed"),
        (
            HEADER + "Ann,Lee,,,ann@x.example\r\nBob,Stone,,,bob@x.example,extra\r\n",
            "line 3: the row has 6 columns but the header (line 1) has 5",
        ),
        (
            HEADER.encode() + "Jürgen,Müller,,,\r\n".encode("latin-1"),
            "line 2: the file isn't UTF-8 text (byte 0xfc can't be read)",
        ),
        ("Vorname,Nachname\r\nAnn,Lee\r\n", "line 1: the first row isn't a Google Contacts header"),
        ("", "the file is empty"),
        (b"PK\x03\x04", "this is a ZIP archive"),
    ],
)
def test_a_broken_file_names_the_line_and_writes_nothing(
    db_path: Path, tmp_path: Path, content: str | bytes, message: str
) -> None:
    import_google_contacts(LEGACY_CSV, now=NOW)
    before = snapshot()
    path = tmp_path / "contacts.csv"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(GoogleContactsError) as error:
        import_google_contacts(path, now=NOW)
    assert str(error.value).startswith(message)
    assert snapshot() == before
    assert len(list_imports()) == 1


def test_a_linkedin_export_gets_a_hint(db_path: Path) -> None:
    with pytest.raises(GoogleContactsError, match="use `crm import linkedin`"):
        import_google_contacts(LINKEDIN_CSV)


def test_a_folder_or_missing_file_is_an_error(db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(GoogleContactsError, match="it is a folder"):
        import_google_contacts(tmp_path)
    with pytest.raises(GoogleContactsError, match="can't read the file"):
        import_google_contacts(tmp_path / "absent.csv")
