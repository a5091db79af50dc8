"""JSON export and import, and CSV export, against real SQLite files."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database, search
from crm.db.models import (
    ALL_MODELS,
    Contact,
    ContactIndex,
    ContactMethod,
    Interaction,
)
from crm.domain.types import ContactDraft
from crm.services import contacts, exchange
from crm.services.exchange import load as exchange_load
from crm.services.tx import reading, writing


def _fresh(path: Path) -> None:
    """Point the shared database at a new, migrated, empty file."""
    close_database()
    open_database(path)
    migrate()


def _row_counts() -> dict[str, int]:
    with reading():
        counts = {model._meta.table_name: model.select().count() for model in ALL_MODELS}
        counts["contact_index"] = ContactIndex.select().count()
    return counts


def _add_contact_methods() -> None:
    """Give a few demo contacts extra e-mails and phones (the sample has none)."""
    with writing():
        ids = [cid for (cid,) in Contact.select(Contact.id).order_by(Contact.id).limit(2).tuples()]
        ContactMethod.insert_many(
            [
                {"contact": ids[0], "kind": "email", "value": "home@example.org", "position": 0},
                {
                    "contact": ids[0],
                    "kind": "phone",
                    "value": "+44 20 7946 0000",
                    "label": "mobile",
                    "position": 1,
                },
                {
                    "contact": ids[1],
                    "kind": "url",
                    "value": "https://example.org/~me",
                    "position": 0,
                },
            ]
        ).execute()


def test_export_then_import_into_an_empty_database_gives_the_same_document(
    demo_db: Path, tmp_path: Path
) -> None:
    _add_contact_methods()
    first = exchange.export_json()
    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_json_text(first)
    second = exchange.export_json()
    assert second == first
    assert second.encode("utf-8") == first.encode("utf-8")


def test_import_recreates_every_row(demo_db: Path, tmp_path: Path) -> None:
    _add_contact_methods()
    before = _row_counts()
    text = exchange.export_json()
    _fresh(tmp_path / "copy.sqlite3")
    summary = exchange.import_json_text(text)
    after = _row_counts()
    # Import batches and their changes aren't part of the document.
    for table in ("import_batch", "import_change"):
        before.pop(table), after.pop(table)
    assert after == before
    assert summary.contacts == before["contact"] and summary.references == before["reference"]


def test_the_document_is_versioned_and_names_records_by_uid(demo_db: Path) -> None:
    document = json.loads(exchange.export_json())
    assert (document["format"], document["version"]) == ("crm", 1)
    with reading():
        uids = {uid for (uid,) in Contact.select(Contact.uid).tuples()}
        first_id = Contact.select(Contact.id).order_by(Contact.id).scalar()
    assert {c["uid"] for c in document["contacts"]} == uids
    assert all("id" not in record for record in document["contacts"])
    interaction = document["interactions"][0]
    assert interaction["contact"] in uids and interaction["contact"] != first_id
    assert interaction["occurred_at"].endswith("Z")
    datetime.fromisoformat(interaction["occurred_at"])  # ISO 8601
    kathy = next(c for c in document["contacts"] if c["name"] == "Кэти Смирнова")
    assert kathy["company"] == "северсталь софт"  # companies go by key


def test_imported_contacts_are_searchable(demo_db: Path, tmp_path: Path) -> None:
    text = exchange.export_json()
    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_json_text(text)
    found = contacts.search_contacts("кэти")
    assert [row.name for row in found] == ["Кэти Смирнова"]


def _index_rows() -> list[tuple]:
    with reading():
        return list(
            ContactIndex.select(
                ContactIndex.rowid,
                ContactIndex.name,
                ContactIndex.company,
                ContactIndex.role,
                ContactIndex.topics,
                ContactIndex.notes,
            )
            .order_by(ContactIndex.rowid)
            .tuples()
        )


def test_imported_search_rows_are_those_index_contact_writes(demo_db: Path, tmp_path: Path) -> None:
    _add_contact_methods()
    text = exchange.export_json()
    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_json_text(text)
    imported = _index_rows()
    with writing():
        search.rebuild_index()
    assert imported == _index_rows()
    assert len(imported) == 40


def test_import_refuses_a_database_that_holds_contacts(demo_db: Path) -> None:
    text = exchange.export_json()
    before = _row_counts()
    with pytest.raises(exchange.ExchangeError) as refused:
        exchange.import_json_text(text)
    message = str(refused.value)
    assert message == (
        f"the database already holds {before['contact']} contacts; import JSON into a new database"
    )
    assert _row_counts() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a crm export"),
        ('{"format": "other", "version": 1}', "not a crm export"),
        ('{"format": "crm", "version": 2}', "format version 2 isn't one this crm reads"),
        ('{"format": "crm", "version": true}', "format version True"),
        ('{"format": "crm", "version": 1, "contacts": {}}', "contacts: expected a list"),
    ],
)
def test_malformed_documents_are_refused_in_one_line(
    db_path: Path, text: str, message: str
) -> None:
    with pytest.raises(exchange.ExchangeError, match=message) as refused:
        exchange.import_json_text(text)
    assert "\n" not in str(refused.value)
    assert not any(_row_counts().values())


def _broken(document: dict, section: str, index: int, **changes: object) -> dict:
    broken = json.loads(json.dumps(document))
    broken[section][index].update(changes)
    return broken


@pytest.mark.parametrize(
    ("section", "changes", "message"),
    [
        ("follow_ups", {"contact": "no-such-uid"}, r"follow_ups\[0\]\.contact: no record"),
        ("interactions", {"channel": "telegram"}, r"interactions\[0\]\.channel: 'telegram'"),
        ("contacts", {"name": "  "}, r"contacts\[0\]\.name: must not be blank"),
        ("contacts", {"created_at": "yesterday"}, "not an ISO 8601 time"),
        ("contacts", {"keep_in_touch_days": "30"}, "expected a whole number"),
        ("opportunities", {"quiet": "no"}, "expected true or false"),
        (
            "interviews",
            {"invite_sequence": -1},
            r"interviews\[0\]\.invite_sequence: expected a whole number, 0 or more",
        ),
        ("references", {"given": [{"opportunity": "x"}]}, r"references\[0\]\.given\[0\]"),
    ],
)
def test_a_broken_record_deep_in_the_file_writes_nothing(
    demo_db: Path, tmp_path: Path, section: str, changes: dict, message: str
) -> None:
    document = json.loads(exchange.export_json())
    _fresh(tmp_path / "copy.sqlite3")
    with pytest.raises(exchange.ExchangeError, match=message):
        exchange.import_document(_broken(document, section, 0, **changes))
    assert not any(_row_counts().values())


def test_a_repeated_uid_is_refused(demo_db: Path, tmp_path: Path) -> None:
    document = json.loads(exchange.export_json())
    document["contacts"][1]["uid"] = document["contacts"][0]["uid"]
    _fresh(tmp_path / "copy.sqlite3")
    with pytest.raises(exchange.ExchangeError, match=r"contacts\[1\]\.uid: .* appears twice"):
        exchange.import_document(document)
    assert not any(_row_counts().values())


def test_a_failure_while_writing_rolls_everything_back(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = exchange.export_json()
    _fresh(tmp_path / "copy.sqlite3")

    def disk_full(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(exchange_load, "_index", disk_full)  # the last step of the import
    with pytest.raises(OSError):
        exchange.import_json_text(text)
    assert not any(_row_counts().values())


def test_import_file_names_the_file_and_accepts_a_byte_order_mark(
    demo_db: Path, tmp_path: Path
) -> None:
    export = tmp_path / "export.json"
    export.write_text("\ufeff" + exchange.export_json(), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "crm", "version": 1, "contacts": [{"uid": 5}]}')
    _fresh(tmp_path / "copy.sqlite3")
    with pytest.raises(exchange.ExchangeError, match=r"^broken.json: contacts\[0\]\.uid"):
        exchange.import_json_file(broken)
    assert exchange.import_json_file(export).contacts == 40


def test_times_with_offsets_are_read_as_utc(db_path: Path) -> None:
    document = {
        "format": "crm",
        "version": 1,
        "contacts": [
            {
                "uid": "u-1",
                "name": "Ann Lee",
                "created_at": "2026-01-02T03:04:05+02:00",
                "updated_at": "2026-01-02T01:04:05Z",
            }
        ],
    }
    exchange.import_document(document)
    [ann] = json.loads(exchange.export_json())["contacts"]
    assert ann["created_at"] == ann["updated_at"] == "2026-01-02T01:04:05Z"
    assert ann["company"] is None and ann["topics"] == [] and ann["rapport"] == ""


# --- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("\rcarriage", "'\rcarriage"),
        ("Ann = CTO", "Ann = CTO"),
        ("", ""),
        ("José", "José"),
    ],
)
def test_cells_that_start_a_formula_are_neutralised(cell: str, safe: str) -> None:
    assert exchange.neutralise(cell) == safe


def _csv(write) -> tuple[str, list[list[str]]]:  # type: ignore[no-untyped-def]
    stream = io.StringIO(newline="")
    write(stream)
    text = stream.getvalue()
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_contacts_csv_is_spreadsheet_ready(db_path: Path, now: datetime) -> None:
    contacts.create_contact(
        ContactDraft(
            name="=cmd|' /C calc'!A0",
            company="@Evil Corp",
            role="-Head",
            email="x@example.org",
            phone="+1 555 0100",
            topics=("chess", "=1+1"),
        ),
        now=now,
    )
    contacts.create_contact(
        ContactDraft(name="José Núñez", company="Acme", topics=("cycling", "Rust")), now=now
    )
    with writing():
        jose = Contact.get(Contact.name == "José Núñez")
        Interaction.create(
            contact=jose, occurred_at=now, channel="email", kind="check-in", summary="Hi"
        )
    text, rows = _csv(exchange.write_contacts_csv)
    assert text.startswith("\ufeff") and "\r\n" in text
    header, *body = rows
    assert header == list(exchange.CONTACT_COLUMNS)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    evil = by_name["'=cmd|' /C calc'!A0"]
    assert (evil["Company"], evil["Role"], evil["Phone"]) == (
        "'@Evil Corp",
        "'-Head",
        "'+1 555 0100",
    )
    assert evil["Topics"] == "chess; =1+1"  # starts with "c": harmless as a whole cell
    jose_row = by_name["José Núñez"]
    assert jose_row["Topics"] == "cycling; Rust"
    assert jose_row["Last touch (UTC)"] == now.strftime("%Y-%m-%d %H:%M")
    assert jose_row["Interactions"] == "1"
    for row in body:
        for cell in row:
            assert not cell.startswith(exchange.FORMULA_PREFIXES)


def test_interactions_csv_has_one_row_per_interaction(demo_db: Path) -> None:
    with writing():
        kathy = Contact.get(Contact.name == "Кэти Смирнова")
        Interaction.create(
            contact=kathy,
            occurred_at=datetime(2026, 11, 18, 16, 0),
            channel="call",
            kind="check-in",
            summary="=SUM(1,2) was her joke",
        )
    _, rows = _csv(exchange.write_interactions_csv)
    header, *body = rows
    assert header == list(exchange.INTERACTION_COLUMNS)
    with reading():
        assert len(body) == Interaction.select().count()
    last = dict(zip(header, body[-1], strict=True))
    assert last["Contact"] == "Кэти Смирнова"
    assert last["Company"] == "Северсталь Софт"
    assert last["Summary"] == "'=SUM(1,2) was her joke"
    assert last["When (UTC)"] == "2026-11-18 16:00"
    with_opportunity = [dict(zip(header, row, strict=True)) for row in body if row[4]]
    assert with_opportunity and all(" at " in row["Opportunity"] for row in with_opportunity)


def test_several_helpers_and_cancelled_follow_ups_survive_a_round_trip(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    from crm.domain.types import HelperRole, Stage
    from crm.services import interviews, opportunities

    katie = contacts.create_contact(ContactDraft(name="Katie"), now=now)
    sam = contacts.create_contact(ContactDraft(name="Sam"), now=now)
    opp = opportunities.add_opportunity(
        "Acme", "Engineer", referrer_ids=[katie], pulled_strings_ids=[sam], now=now
    )
    interview = interviews.add_interview(opp, now, interviewer_ids=[sam], now=now)
    interviews.mark_interview_done(interview, ended_at=now.replace(minute=30), now=now)
    opportunities.set_stage(opp, Stage.REJECTED, now=now)
    document = exchange.export_document()
    assert document["opportunities"][0]["helpers"] == [
        {"contact": document["contacts"][0]["uid"], "role": HelperRole.REFERRER.value},
        {"contact": document["contacts"][1]["uid"], "role": HelperRole.PULLED_STRINGS.value},
    ]
    assert {f["cancelled_by"] for f in document["follow_ups"]} == {"close", ""}

    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_document(document)
    assert exchange.export_document() == document


def test_an_export_from_before_several_referrers_still_imports(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    from crm.domain.types import HelperRole
    from crm.services import opportunities

    katie = contacts.create_contact(ContactDraft(name="Katie"), now=now)
    opportunities.add_opportunity("Acme", "Engineer", referrer_ids=[katie], now=now)
    document = exchange.export_document()
    old = document["opportunities"][0]
    old["referrer"] = old.pop("helpers")[0]["contact"]
    for follow_up in document["follow_ups"]:
        follow_up.pop("cancelled_by")

    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_document(document)
    [summary] = opportunities.list_opportunities()
    assert [(h.name, h.role) for h in summary.helpers] == [("Katie", HelperRole.REFERRER)]


def _opportunity_with_details(now: datetime) -> int:
    from crm.domain.types import OpportunityDetails
    from crm.services import opportunities

    details = OpportunityDetails(
        url="https://jobs.example/42",
        location="Zürich, hybrid",
        salary="CHF 140–160k",
        applied_at=datetime(2026, 11, 2, 8, 30),
        cv="cv v3.pdf",
        notes="Ask about on-call.\nRecruiter: Kat.",
    )
    return opportunities.add_opportunity("Acme", "Engineer", details=details, now=now)


def test_an_opportunitys_details_survive_a_round_trip(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    from crm.services import opportunities

    opp = _opportunity_with_details(now)
    details = opportunities.get_opportunity(opp).details
    document = exchange.export_document()
    record = document["opportunities"][0]
    assert {key: record[key] for key in ("url", "location", "salary", "applied_at", "cv")} == {
        "url": "https://jobs.example/42",
        "location": "Zürich, hybrid",
        "salary": "CHF 140–160k",
        "applied_at": "2026-11-02T08:30:00Z",
        "cv": "cv v3.pdf",
    }
    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_document(json.loads(json.dumps(document)))
    assert exchange.export_document() == document
    [summary] = opportunities.list_opportunities()
    assert summary.details == details


def test_an_export_from_before_opportunity_details_still_imports(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    from crm.domain.types import OpportunityDetails
    from crm.services import opportunities

    _opportunity_with_details(now)
    document = exchange.export_document()
    for key in ("url", "location", "salary", "applied_at", "cv"):
        del document["opportunities"][0][key]
    document["opportunities"][0]["notes"] = ""
    _fresh(tmp_path / "copy.sqlite3")
    exchange.import_document(document)
    [summary] = opportunities.list_opportunities()
    assert summary.details == OpportunityDetails()


def test_an_imported_link_that_isnt_a_web_address_is_refused(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    _opportunity_with_details(now)
    document = _broken(exchange.export_document(), "opportunities", 0, url="javascript:x()")
    _fresh(tmp_path / "copy.sqlite3")
    with pytest.raises(exchange.ExchangeError, match=r"opportunities\[0\]\.url: .*web address"):
        exchange.import_document(document)
    assert not any(_row_counts().values())
