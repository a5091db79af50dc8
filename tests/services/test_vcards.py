"""vCard import and export against a real database: every quirk, idempotence, undo, round trip."""

from __future__ import annotations

import io
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import vobject

from crm.db import close_database, db, migrate, open_database
from crm.db.models import Contact, ContactMethod, ContactTopic, ImportBatch
from crm.db.search import index_contact
from crm.domain.types import ContactDraft
from crm.services import vdir
from crm.services.contacts import create_contact, get_contact, update_contact
from crm.services.importing import vcard_lines
from crm.services.importing.batches import undo_import
from crm.services.importing.vcard import VCardError, import_vcards
from crm.services.tx import reading, writing
from crm.services.vcard_export import export_vcard_dir, export_vcards

FIXTURES = Path(__file__).parent.parent / "fixtures" / "vcard"
ANDROID = FIXTURES / "android_21.vcf"
APPLE = FIXTURES / "apple_30.vcf"
V40 = FIXTURES / "v40.vcf"
VDIR = FIXTURES / "vdir"
NOW = datetime(2026, 11, 18, 15, 0, 0)
LATER = NOW + timedelta(days=3)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def person(name: str) -> dict[str, object]:
    """Everything stored about one contact, as plain values."""
    with reading():
        contact = Contact.get(Contact.name == name)
        return {
            "uid": contact.uid,
            "company": contact.company.name if contact.company_id else "",
            "role": contact.role,
            "email": contact.email,
            "phone": contact.phone,
            "linkedin_url": contact.linkedin_url,
            "note": contact.relationship_note,
            "how_met": contact.how_met,
            "batch": contact.import_batch_id,
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


def everyone() -> dict[str, dict[str, object]]:
    """The whole address book by UID (batch left out: it differs between databases)."""
    with reading():
        names = [name for (name,) in Contact.select(Contact.name).tuples()]
    book = {}
    for name in names:
        details = person(name)
        details.pop("batch")
        details["name"] = name
        book[str(details.pop("uid"))] = details
    return book


def counts() -> dict[str, int]:
    with reading():
        return {
            table: db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in (
                "contact",
                "company",
                "contact_topic",
                "contact_method",
                "contact_index",
                "import_batch",
                "import_change",
            )
        }


def index_rows() -> dict[int, tuple[str, ...]]:
    with reading():
        return {
            row[0]: tuple(row[1:])
            for row in db.execute_sql(
                "SELECT rowid, name, company, role, topics, notes FROM contact_index"
            )
        }


def assert_index_matches_contacts() -> None:
    """Every contact has exactly the search row index_contact would write for it."""
    written = index_rows()
    with writing():
        ids = [cid for (cid,) in Contact.select(Contact.id).tuples()]
        for contact_id in ids:
            index_contact(contact_id)
    assert index_rows() == written
    assert set(written) == set(ids)


def import_all() -> None:
    for source in (ANDROID, APPLE, V40, VDIR):
        import_vcards(source, now=NOW)


# --- reading every flavour -----------------------------------------------------------------


def test_android_21_quoted_printable_charset_and_folded_lines(db_path: Path) -> None:
    result = import_vcards(ANDROID, now=NOW)
    assert (result.created, result.updated, result.unchanged, result.skipped) == (2, 0, 0, ())
    yaroslav = person("Ярослав Петров")
    assert yaroslav["company"] == "Инитех"  # ORG "Инитех;Отдел разработки": the first part
    assert yaroslav["role"] == "Ведущий инженер"
    # The preferred e-mail and phone are primary; the others are kept with their labels.
    assert (yaroslav["email"], yaroslav["phone"]) == (
        "y.petrov@initech.example",
        "+7 912 555-01-01",
    )
    assert yaroslav["methods"] == [
        ("email", "yaroslav@example.ru", "home"),
        ("phone", "+7 495 555-01-02", "work"),
    ]
    assert yaroslav["linkedin_url"] == "https://linkedin.com/in/yaroslav-petrov"
    # A quoted-printable note over six soft-broken lines, with a comma 2.1 doesn't escape.
    assert yaroslav["note"] == (
        "Познакомились на конференции PyCon Russia, говорили о компиляторах и о найме."
    )
    assert yaroslav["batch"] == result.batch_id
    kate = person("Kate Smith")
    assert kate["note"] == (
        "A plain 2.1 note that an old phone folded onto a second line because it was long."
    )
    assert (kate["email"], kate["phone"], kate["methods"]) == (
        "kate.smith@example.com",
        "+1 555 0103",
        [],
    )
    assert UUID.match(str(kate["uid"]))  # the card had none: one made from name and phone
    assert_index_matches_contacts()


def test_apple_30_grouped_labels_social_profile_and_photo(db_path: Path) -> None:
    result = import_vcards(APPLE, now=NOW)
    assert (result.created, result.skipped) == (1, ())
    jose = person("José Núñez")
    assert jose["uid"] == "6B29FC40-CA47-1067-B31D-00DD010662DA"
    assert (jose["company"], jose["role"]) == ("Globex Corporation", "Staff Engineer")
    assert (jose["email"], jose["phone"]) == ("jose@globex.example", "+34 600 000 001")
    assert jose["methods"] == [
        ("email", "jose.nunez@correo.example", "conference"),  # item2.X-ABLabel
        ("phone", "+34 910 000 002", "main"),  # _$!<Main>!$_
        ("url", "https://globex.example/~jose", "homepage"),
    ]
    assert jose["linkedin_url"] == "https://linkedin.com/in/jose-nunez"  # X-SOCIALPROFILE
    assert jose["topics"] == ["Python", "Hiring manager"]
    assert jose["note"] == "Met at PyCon ES, talked about compilers.\nIntroduced by Ann."


def test_vcard_40_pref_parameter_tel_uri_and_escaped_comma(db_path: Path) -> None:
    import_vcards(V40, now=NOW)
    zoe = person("Zoë Ångström")
    assert zoe["uid"] == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert (zoe["company"], zoe["role"]) == ("Acme, Inc.", "CTO")
    assert zoe["email"] == "zoe@acme.example"  # PREF=1, though written second
    assert zoe["phone"] == "+1-555-555-0100"  # tel: URI
    assert zoe["methods"] == [
        ("email", "zoe@home.example", "home"),
        ("phone", "+1-555-555-0199", "work"),
    ]
    assert zoe["linkedin_url"] == "https://linkedin.com/in/zoe-angstrom"
    assert zoe["topics"] == ["chess", "Agile skeptic"]


def test_a_vdir_is_one_card_per_file(db_path: Path) -> None:
    result = import_vcards(VDIR, now=NOW)
    assert (result.created, result.skipped, result.filename) == (3, (), "vdir")
    assert person("Ann Lee")["uid"] == "a3f1c2d4-0000-4a4a-8888-000000000001"
    assert person("Ann Lee")["company"] == "Acme Inc."
    assert person("Bob Stone")["phone"] == "+44-20-7946-0001"
    katya = person("Кэти Смирнова")
    assert katya["linkedin_url"] == "https://linkedin.com/in/katya-smirnova"
    assert katya["topics"] == ["рекрутеры"]
    with reading():
        assert ImportBatch.get_by_id(result.batch_id).source == "vcard"


def test_people_are_found_by_search_after_import(db_path: Path) -> None:
    from crm.services.contacts import search_contacts

    import_all()
    assert [row.name for row in search_contacts("ярослав", now=NOW)] == ["Ярослав Петров"]
    assert [row.name for row in search_contacts("jose nunez", now=NOW)] == ["José Núñez"]
    assert {row.name for row in search_contacts("chess", now=NOW)} == {"Ann Lee", "Zoë Ångström"}
    assert_index_matches_contacts()


# --- matching and idempotence --------------------------------------------------------------


def test_importing_the_same_cards_again_changes_nothing(db_path: Path) -> None:
    import_all()
    before = everyone(), index_rows(), counts()["company"]
    for source in (ANDROID, APPLE, V40, VDIR):
        result = import_vcards(source, now=LATER)
        assert (result.created, result.updated, result.skipped) == (0, 0, ())
        assert result.unchanged > 0
    assert (everyone(), index_rows(), counts()["company"]) == before
    with reading():
        assert Contact.select().where(Contact.updated_at == LATER).count() == 0


def test_cards_match_by_uid_then_email_then_linkedin(db_path: Path, tmp_path: Path) -> None:
    by_email = create_contact(
        ContactDraft(name="J. Núñez", company="Initech", email="JOSE@globex.example"), now=NOW
    )
    create_contact(
        ContactDraft(name="Zoe A.", linkedin_url="https://www.linkedin.com/in/Zoe-Angstrom/"),
        now=NOW,
    )
    with reading():
        uid_before = Contact.get_by_id(by_email).uid
    result = import_vcards(APPLE, now=LATER)
    assert (result.created, result.updated) == (0, 1)
    jose = person("J. Núñez")
    assert (jose["company"], jose["role"], jose["uid"]) == (
        "Initech",  # typed by hand: kept; only the empty role is filled
        "Staff Engineer",
        uid_before,  # a contact keeps its own UID
    )
    result = import_vcards(V40, now=LATER)
    assert (result.created, result.updated) == (0, 1)
    assert person("Zoe A.")["company"] == "Acme, Inc."
    # Matched by UID, whatever the card now says the name and e-mail are.
    import_vcards(VDIR, now=NOW)
    card = (VDIR / "a3f1c2d4-0000-4a4a-8888-000000000001.vcf").read_bytes()
    edited = tmp_path / "edited.vcf"
    edited.write_bytes(
        card.replace(b"FN:Ann Lee", b"FN:Ann Lee-Smith")
        .replace(b"CTO", b"CEO")
        .replace(b"ann@acme.example", b"ann@new.example")
    )
    result = import_vcards(edited, now=LATER)
    assert (result.created, result.updated) == (0, 1)
    ann = person("Ann Lee")
    assert (ann["role"], ann["email"]) == ("CEO", "ann@acme.example")  # e-mail only fills a gap


def test_duplicates_in_one_file_are_skipped_with_reasons(db_path: Path, tmp_path: Path) -> None:
    cards = (
        "BEGIN:VCARD\nVERSION:3.0\nUID:one\nFN:Ann Lee\nEMAIL:ann@x.example\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nUID:one\nFN:Ann Again\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nEMAIL:ANN@x.example\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nTEL:+1 555\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Friends\nEND:VCARD\n"
    )
    path = tmp_path / "dupes.vcf"
    path.write_text(cards, encoding="utf-8")
    result = import_vcards(path, now=NOW)
    assert result.created == 1
    assert [(row.line, row.reason) for row in result.skipped] == [
        (7, "the same UID as card 1 (card 2)"),
        (12, "same person as card 1 (card 3)"),
        (17, "no name (card 4)"),
        (21, "a contact group, not a person (card 5)"),
    ]


def test_a_dry_run_writes_nothing(db_path: Path) -> None:
    before = counts()
    result = import_vcards(APPLE, now=NOW, dry_run=True)
    assert (result.dry_run, result.batch_id, result.created) == (True, None, 1)
    assert counts() == before


def test_progress_is_reported_up_to_the_total(db_path: Path, tmp_path: Path) -> None:
    card = APPLE.read_text(encoding="utf-8")
    many = "".join(card.replace("6B29FC40", f"{n:08X}") for n in range(1200))
    path = tmp_path / "many.vcf"
    path.write_text(many, encoding="utf-8")
    calls: list[tuple[int, int]] = []
    result = import_vcards(path, now=NOW, progress=lambda done, total: calls.append((done, total)))
    assert result.created == 1
    assert [row.reason for row in result.skipped][:1] == ["same person as card 1 (card 2)"]
    assert calls[0] == (500, 1200) and calls[-1] == (1200, 1200)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


# --- undo ----------------------------------------------------------------------------------


def test_undo_removes_created_contacts_and_restores_updated_ones(db_path: Path) -> None:
    existing = create_contact(ContactDraft(name="J. Núñez", email="jose@globex.example"), now=NOW)
    before = counts()
    result = import_vcards(APPLE, now=LATER)
    vdir = import_vcards(VDIR, now=LATER)
    assert person("J. Núñez")["company"] == "Globex Corporation"
    assert undo_import(vdir.batch_id or 0, now=LATER).removed == 3
    undone = undo_import(result.batch_id or 0, now=LATER)
    assert (undone.removed, undone.restored) == (0, 1)
    after = counts()
    assert {k: after[k] for k in ("contact", "company", "contact_topic", "contact_method")} == {
        k: before[k] for k in ("contact", "company", "contact_topic", "contact_method")
    }
    assert after["contact_index"] == before["contact_index"]
    restored = get_contact(existing, now=LATER)
    assert (restored.company, restored.role, restored.updated_at) == ("", "", NOW)
    assert_index_matches_contacts()


# --- broken files --------------------------------------------------------------------------

GOOD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEND:VCARD\r\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            GOOD + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nno colon here\r\nEND:VCARD\r\n",
            "broken.vcf, card 2, line 8: this line isn't a vCard property: “no colon here”",
        ),
        (
            GOOD + "\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\n",
            "broken.vcf, card 2: the card starting on line 6 is never closed",
        ),
        (GOOD + "END:VCARD\r\n", "broken.vcf, line 5: END:VCARD without a BEGIN:VCARD"),
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            "broken.vcf, line 1: expected BEGIN:VCARD, found BEGIN:VCALENDAR",
        ),
        (
            GOOD + "BEGIN:VCARD\r\nFN:Bob\r\nEND:VCALENDAR\r\n",
            "broken.vcf, card 2, line 7: the card ends with END:VCALENDAR instead of END:VCARD",
        ),
        ("Name,Given Name\r\nAnn,Ann\r\n", "broken.vcf, line 1: expected BEGIN:VCARD, found “Name"),
        ("", "broken.vcf: the file is empty"),
        ("\r\n\r\n", "broken.vcf: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "broken.vcf, line 3: this looks like a binary file"),
        (b"PK\x03\x04rest", "broken.vcf: this is a ZIP archive"),
    ],
)
def test_a_broken_file_names_where_it_broke_and_writes_nothing(
    db_path: Path, tmp_path: Path, content: str | bytes, message: str
) -> None:
    import_vcards(APPLE, now=NOW)
    before = counts()
    path = tmp_path / "broken.vcf"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(VCardError) as error:
        import_vcards(path, now=NOW)
    assert str(error.value).startswith(message)
    assert counts() == before


def test_a_broken_card_in_a_vdir_names_its_file(db_path: Path, tmp_path: Path) -> None:
    vdir = tmp_path / "book"
    vdir.mkdir()
    for source in VDIR.glob("*.vcf"):
        (vdir / source.name).write_bytes(source.read_bytes())
    (vdir / "zz-broken.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:X\n", encoding="utf-8")
    with pytest.raises(VCardError) as error:
        import_vcards(vdir, now=NOW)
    assert str(error.value) == (
        "zz-broken.vcf, card 1: the card starting on line 1 is never closed (END:VCARD is missing)"
    )
    assert counts()["contact"] == 0 and counts()["import_batch"] == 0


def test_missing_paths_and_empty_folders(db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(VCardError, match="nowhere.vcf: no such file or folder"):
        import_vcards(tmp_path / "nowhere.vcf")
    (tmp_path / "empty").mkdir()
    with pytest.raises(VCardError, match="empty: the folder holds no .vcf files"):
        import_vcards(tmp_path / "empty")


def test_windows_code_page_cards_are_read_by_their_charset(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "outlook.vcf"
    path.write_bytes(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=Windows-1252:Müller;Jürgen\r\n"
        "FN;CHARSET=Windows-1252:Jürgen Müller\r\nNOTE:Café, crème\r\nEND:VCARD\r\n".encode(
            "cp1252"
        )
    )
    import_vcards(path, now=NOW)
    assert person("Jürgen Müller")["note"] == "Café, crème"


# --- export and round trip -----------------------------------------------------------------


def reopen_empty(path: Path) -> None:
    close_database()
    open_database(path)
    migrate()


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_round_trip_export_then_import_into_an_empty_database(
    db_path: Path, tmp_path: Path, version: str
) -> None:
    import_all()
    with reading():
        ann_id = Contact.get(Contact.name == "Ann Lee").id
    update_contact(
        ann_id,
        ContactDraft(
            name="Ann Lee",
            company="Acme Inc.",
            role="CTO; founder",
            email="ann@acme.example",
            phone="+1 555 0100",
            topics=("chess", "Agile skeptic", "a, b"),
            how_met="PyCon 2024",
            relationship_note="Line one,\nline two; with \\ backslash",
        ),
        now=NOW,
    )
    book = everyone()
    text, count = export_vcards(version=version)
    assert count == len(book) == 7
    exported = tmp_path / "export.vcf"
    exported.write_text(text, encoding="utf-8", newline="")
    reopen_empty(tmp_path / "other.sqlite3")
    result = import_vcards(exported, now=LATER)
    assert (result.created, result.skipped) == (7, ())
    assert everyone() == book
    assert_index_matches_contacts()
    again = import_vcards(exported, now=LATER)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_export_is_valid_for_vobject_and_stable(db_path: Path) -> None:
    import_all()
    text, _count = export_vcards()
    cards = list(vobject.readComponents(text))
    assert len(cards) == 7
    jose = next(card for card in cards if card.fn.value == "José Núñez")
    assert jose.uid.value == "6B29FC40-CA47-1067-B31D-00DD010662DA"
    assert jose.version.value == "3.0"
    assert jose.org.value == ["Globex Corporation"]
    assert jose.title.value == "Staff Engineer"
    assert [(e.value, e.params.get("TYPE")) for e in jose.email_list] == [
        ("jose@globex.example", ["INTERNET", "PREF"]),
        ("jose.nunez@correo.example", ["INTERNET"]),
    ]
    assert jose.rev.value == NOW.strftime("%Y%m%dT%H%M%SZ")
    assert all(line.endswith("\r") or not line for line in text.split("\n"))
    assert all(len(line.encode()) <= 76 for line in text.split("\r\n") if line.isascii())
    assert export_vcards()[0] == text


def test_export_40_marks_preference_and_kind(db_path: Path) -> None:
    import_vcards(V40, now=NOW)
    text, _count = export_vcards(version="4.0")
    assert "VERSION:4.0\r\n" in text and "KIND:individual\r\n" in text
    assert "EMAIL;PREF=1:zoe@acme.example\r\n" in text
    assert "EMAIL;TYPE=home:zoe@home.example\r\n" in text
    assert "TEL;TYPE=work:+1-555-555-0199\r\n" in text
    with pytest.raises(ValueError, match="2.1"):
        export_vcards(version="2.1")


def test_vdir_export_rewrites_the_same_uid_file_and_removes_deleted(
    db_path: Path, tmp_path: Path
) -> None:
    import_all()
    book = tmp_path / "contacts"
    first = export_vcard_dir(book)
    assert (first.items, first.written, first.unchanged, first.removed) == (7, 7, 0, 0)
    files = sorted(path.name for path in book.iterdir())
    assert "urn%3Auuid%3A4fbe8971-0bc3-424c-9c26-36c3e1eff6b1.vcf" in files
    ann_file = book / "a3f1c2d4-0000-4a4a-8888-000000000001.vcf"
    (book / "someone-else.vcf").write_text(GOOD, encoding="utf-8")  # not ours: kept
    with reading():
        ann = Contact.get(Contact.name == "Ann Lee")
        bob_id = Contact.get(Contact.name == "Bob Stone").id
    update_contact(ann.id, ContactDraft(name="Ann Lee", company="Initech", role="CTO"), now=LATER)
    with writing():
        Contact.delete().where(Contact.id == bob_id).execute()
    again = export_vcard_dir(book)
    assert (again.items, again.written, again.unchanged, again.removed) == (6, 1, 5, 1)
    assert sorted(path.name for path in book.iterdir()) == sorted(
        [name for name in files if not name.startswith("b7e2d9f0")] + ["someone-else.vcf"]
    )
    card = vobject.readOne(ann_file.read_text(encoding="utf-8"))
    assert (card.uid.value, card.org.value, card.rev.value) == (
        ann.uid,
        ["Initech"],
        LATER.strftime("%Y%m%dT%H%M%SZ"),
    )
    reopen_empty(tmp_path / "from-vdir.sqlite3")
    assert import_vcards(book, now=LATER).created == 7  # six of ours and someone else's


def test_vdir_file_names_are_safe(db_path: Path) -> None:
    assert vdir.vdir_file_name("abc-123", ".vcf") == "abc-123.vcf"
    assert vdir.vdir_file_name("urn:uuid:x/y", ".vcf") == "urn%3Auuid%3Ax%2Fy.vcf"
    assert vdir.vdir_file_name("../etc", ".vcf").endswith(".vcf")
    assert "/" not in vdir.vdir_file_name("../etc", ".vcf")
    assert len(vdir.vdir_file_name("x" * 500, ".ics")) == 44


# --- the line reader ---------------------------------------------------------------------


def _vobject_lines(text: str) -> list[tuple[int, str, str, str, str, str]]:
    """What vobject's own reader makes of a text: (line, logical line, group, name, …)."""
    from vobject.base import ParseError, getLogicalLines, parseLine

    lines = text.split("\n")
    read = []
    for line, number in getLogicalLines(io.StringIO(text, newline="\n"), True):
        while number < 1 or not lines[number - 1].strip():  # it numbers a blank line before
            number += 1
        try:
            name, _params, value, group = parseLine(line)
        except ParseError:
            read.append((number, line, "", "", "", ""))
            continue
        start = len(group) + 1 if group else 0
        written = line[start : start + len(name)]  # parseLine writes "_" as "-"
        params = line[start + len(name) : -len(value) - 1]
        read.append((number, line, group or "", written, params, value))
    return read


def test_the_line_reader_splits_lines_exactly_as_vobject_does() -> None:
    pieces = [
        "BEGIN:VCARD", "END:VCARD", "FN:Ann", " continued", "\tfolded", " ", "\t", "", "  ",
        "N;ENCODING=QUOTED-PRINTABLE:=41=", "=42", " =43=", "NOTE;quoted-printable:abc=", "X:y=",
        "\x0b", "\u2028", " \x0c", "garbage", "=", " =", "item1.EMAIL;type=INTERNET:a@b.co",
        'X;P="a:b";Q=1,2:v', "\u00a0x", "Ё=", "\x85", "X_Y:z", "TEL;VALUE=uri;PREF=1:tel:+1",
    ]  # fmt: skip
    rng = random.Random(4)
    for _ in range(5000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        text += rng.choice(["", "\n", "\n\n"])
        expected = _vobject_lines(text)
        first, *others = text.split("\n")
        crlf = first + "".join(rng.choice(("\r\n", "\n")) + line for line in others)
        for mine in (vcard_lines.content_lines(text), vcard_lines.content_lines(crlf, crlf=True)):
            assert len(mine) == len(expected), repr(text)
            for (number, line, group, name, params, *value), wanted in zip(
                mine, expected, strict=True
            ):
                if value == [None]:  # left folded, as nothing reads it
                    unfolded = str(line).replace("\r\n", "\n").removesuffix("\r")
                    line = vcard_lines.FOLD.sub("", unfolded)
                    value = [wanted[-1]]
                line = line or vcard_lines.joined(group, name, params, *value)
                assert (number, line, group, name, params, *value) == wanted, repr(text)
        assert list(vcard_lines.content_lines_by_line(text)) == expected, repr(text)


def test_a_line_without_its_colon_is_an_error_however_many_equals_signs_it_has(
    db_path: Path, tmp_path: Path
) -> None:
    # vobject's own pattern backtracks through every way of splitting the "=" runs first.
    path = tmp_path / "broken.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:2.1\nFN:Ann\n"
        "TITLE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTAB" + "=D0=B5" * 30 + "\nEND:VCARD\n",
        encoding="utf-8",
    )
    with pytest.raises(VCardError, match="card 1, line 4: this line isn't a vCard property"):
        import_vcards(path, now=NOW)
    assert counts()["contact"] == 0


def test_a_charset_name_with_bytes_that_arent_utf8_falls_back_to_utf8(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "odd.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"FN;CHARSET=U\xd0TF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=BD=D0=B0\r\nEND:VCARD\r\n"
    )
    assert import_vcards(path, now=NOW).created == 1
    assert person("Ина")["uid"]
