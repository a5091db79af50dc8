"""A contact's draft language: stored, checked, kept by a card sync, carried by the JSON export."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database
from crm.domain.types import ContactDraft
from crm.domain.validation import InvalidInput
from crm.services import contacts, exchange


def test_a_contact_keeps_its_language_and_edits_change_it(db_path: Path, now: datetime) -> None:
    katie = contacts.create_contact(ContactDraft(name="Кэти Смирнова", language="RU "), now=now)
    shown = contacts.get_contact(katie, now=now)
    assert shown.language == "ru"
    assert shown.to_draft().language == "ru"
    contacts.update_contact(katie, ContactDraft(name="Кэти Смирнова", language=""), now=now)
    assert contacts.get_contact(katie, now=now).language == ""


@pytest.mark.parametrize("language", ["fr", "english", "tl"])
def test_a_language_crm_doesnt_write_is_one_clear_line(
    db_path: Path, now: datetime, language: str
) -> None:
    with pytest.raises(InvalidInput, match=f"“{language}” isn't a draft language") as raised:
        contacts.create_contact(ContactDraft(name="Ann", language=language), now=now)
    assert "\n" not in str(raised.value)
    assert contacts.count_contacts() == 0


def test_a_card_from_the_phone_keeps_the_language(db_path: Path, now: datetime) -> None:
    taro = contacts.create_contact(ContactDraft(name="山田 太郎", language="en"), now=now)
    fields = contacts.CardFields(
        name="山田 太郎", company="山田商事", role="CTO", note="", emails=(), phones=(),
        linkedin_url="", urls=(), topics=(),
    )  # fmt: skip
    contacts.update_card_fields(taro, fields, now=now)
    assert contacts.get_contact(taro, now=now).language == "en"


def _fresh(path: Path) -> None:
    close_database()
    open_database(path)
    migrate()


def test_the_json_export_carries_the_language(db_path: Path, tmp_path: Path, now: datetime) -> None:
    contacts.create_contact(ContactDraft(name="Кэти Смирнова", language="ru"), now=now)
    document = exchange.export_document()
    assert document["contacts"][0]["language"] == "ru"
    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_document(json.loads(json.dumps(document)))
    [row] = contacts.search_contacts("кэти")
    assert contacts.get_contact(row.id, now=now).language == "ru"


def test_an_export_from_before_languages_still_imports(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    contacts.create_contact(ContactDraft(name="Ann Lee", language="en"), now=now)
    document = exchange.export_document()
    del document["contacts"][0]["language"]
    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_document(document)
    [row] = contacts.search_contacts("ann")
    assert contacts.get_contact(row.id, now=now).language == ""


def test_an_imported_language_crm_doesnt_write_is_refused(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    contacts.create_contact(ContactDraft(name="Ann Lee"), now=now)
    document = exchange.export_document()
    document["contacts"][0]["language"] = "fr"
    _fresh(tmp_path / "copy.sqlite3")
    with pytest.raises(exchange.ExchangeError, match=r"contacts\[0\]\.language"):
        exchange.import_document(document)
    assert contacts.count_contacts() == 0
