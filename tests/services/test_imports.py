"""LinkedIn imports against a real database: matching, idempotence, updates, undo, failures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.db import db
from crm.db.models import Company, Contact, ImportBatch, ImportChange
from crm.db.search import FoldCache, index_contact
from crm.domain.text import fold, sort_key
from crm.domain.types import Channel, ContactDraft, InteractionKind
from crm.services.contacts import create_contact, get_contact, search_contacts
from crm.services.importing import batches, linkedin
from crm.services.importing.batches import (
    ImportAlreadyUndone,
    ImportBatchNotFound,
    list_imports,
    undo_import,
)
from crm.services.importing.linkedin import LinkedInExportError, import_linkedin
from crm.services.tx import reading, writing

FIXTURES = Path(__file__).parent.parent / "fixtures" / "linkedin"
NOW = datetime(2026, 11, 18, 15, 0, 0)
LATER = NOW + timedelta(days=300)
EN = FIXTURES / "connections_en.csv"
EN_NEWER = FIXTURES / "connections_en_newer.csv"


def names(text: str) -> set[str]:
    return {row.name for row in search_contacts(text, now=NOW)}


def contact_by_name(name: str) -> Contact:
    with reading():
        return Contact.select().where(Contact.name == name).get()


def counts() -> dict[str, int]:
    with reading():
        return {
            table: db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("contact", "company", "contact_index", "import_batch", "import_change")
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


# --- first import --------------------------------------------------------------------------


def test_first_import_creates_contacts_from_every_quirky_row(db_path: Path) -> None:
    result = import_linkedin(EN, now=NOW)
    assert (result.created, result.updated, result.unchanged) == (7, 0, 0)
    assert [(s.line, s.reason) for s in result.skipped] == [
        (13, "no profile URL or e-mail to match on"),
        (14, "no name"),
    ]
    assert result.batch_id is not None and result.filename == "connections_en.csv"
    ann = get_contact(contact_by_name("Ann Lee").id, now=NOW)
    assert (ann.company, ann.role, ann.email, ann.linkedin_url) == (
        "Acme, Inc.",
        "CTO",
        "ann.lee@acme.example",
        "https://linkedin.com/in/annlee",
    )
    assert ann.how_met == "LinkedIn connection since 15 Mar 2023"
    assert ann.created_at == NOW and ann.phone == "" and ann.topics == ()
    assert get_contact(contact_by_name("Mark O'Neil").id).how_met == "LinkedIn connection"
    assert contact_by_name("Ann Lee").import_batch_id == result.batch_id
    assert contact_by_name("Ярослав Петров").sort_key == sort_key("Ярослав Петров")
    assert_index_matches_contacts()


def test_imported_people_are_found_in_every_script(db_path: Path) -> None:
    import_linkedin(EN, now=NOW)
    assert names("ярослав") == {"Ярослав Петров"}
    assert names("山田") == {"太郎 山田"}
    assert names("jose nunez") == {"José Núñez"}
    assert names("priya@hooli") == {"Priya Patel"}
    assert "Bob Smith" in names("initech")


def test_companies_are_matched_loosely_and_shared(db_path: Path) -> None:
    create_contact(ContactDraft(name="Existing Person", company="ACME Inc"), now=NOW)
    import_linkedin(EN, now=NOW)
    with reading():
        acme = [c.name for c in Company.select() if "acme" in c.key]
        assert acme == ["ACME Inc"]  # "Acme, Inc." joined the company already there
        assert (
            contact_by_name("Ann Lee").company_id == contact_by_name("Existing Person").company_id
        )


def test_german_and_old_exports(db_path: Path) -> None:
    import_linkedin(FIXTURES / "connections_de.csv", now=NOW)
    import_linkedin(FIXTURES / "connections_old.csv", now=NOW)
    jurgen = get_contact(contact_by_name("Jürgen Müller").id)
    assert (jurgen.company, jurgen.role) == ("Stark Analytics GmbH", "Leiter Daten, Berlin")
    assert jurgen.how_met == "LinkedIn connection since 15 Mar 2023"
    assert get_contact(contact_by_name("Minji Kim").id).role == "데이터 과학자"
    assert names("muller") == {"Jürgen Müller"}


# --- importing again -----------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(db_path: Path) -> None:
    import_linkedin(EN, now=NOW)
    before, index_before = counts(), index_rows()
    again = import_linkedin(EN, now=LATER)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    after = counts()
    assert after["import_batch"] == before["import_batch"] + 1  # every import is recorded
    assert {k: v for k, v in after.items() if k != "import_batch"} == {
        k: v for k, v in before.items() if k != "import_batch"
    }
    assert index_rows() == index_before
    assert get_contact(contact_by_name("Ann Lee").id).updated_at == NOW


def test_a_newer_export_updates_companies_and_roles(db_path: Path) -> None:
    first = import_linkedin(EN, now=NOW)
    newer = import_linkedin(EN_NEWER, now=LATER)
    assert (newer.created, newer.updated, newer.unchanged) == (1, 3, 4)
    bob = get_contact(contact_by_name("Bob Smith").id)
    assert (bob.company, bob.role, bob.email) == ("Globex", "Staff Engineer", "bob@globex.example")
    assert bob.updated_at == LATER
    assert bob.how_met == "LinkedIn connection since 02 Jan 2021"
    ann = get_contact(contact_by_name("Ann Lee").id)
    assert (ann.company, ann.role) == ("Acme, Inc.", "Chief Technology Officer")
    assert get_contact(contact_by_name("Priya Patel").id).role == "Group Product Manager"
    assert contact_by_name("Bob Smith").import_batch_id == first.batch_id  # still its creator
    with reading():
        changes = {
            Contact.get_by_id(change.contact_id).name: json.loads(change.previous)
            for change in ImportChange.select().where(ImportChange.batch == newer.batch_id)
        }
    assert set(changes) == {"Ann Lee", "Bob Smith", "Priya Patel"}
    assert changes["Bob Smith"]["role"] == 'Engineer, Platform "Core" team'
    assert changes["Bob Smith"]["email"] == ""
    assert changes["Ann Lee"] == {"role": "CTO", "updated_at": "2026-11-18 15:00:00"}
    assert "staff" in {
        word for row in search_contacts("staff engineer") for word in fold(row.role).split()
    }
    assert_index_matches_contacts()


def test_contacts_typed_by_hand_are_matched_not_duplicated(db_path: Path) -> None:
    typed_id = create_contact(
        ContactDraft(
            name="Ann (from PyCon)",
            company="Acme",
            linkedin_url="HTTP://WWW.LinkedIn.com/in/AnnLee/?trk=x",
            how_met="Met at PyCon",
            relationship_note="Great mentor.",
        ),
        now=NOW,
    )
    by_email_id = create_contact(
        ContactDraft(name="Priya P.", email="Priya@Hooli.example", role="PM"), now=NOW
    )
    result = import_linkedin(EN, now=LATER)
    assert result.created == 5 and result.updated == 2
    ann = get_contact(typed_id)
    assert ann.name == "Ann (from PyCon)"  # names are the user's
    assert ann.how_met == "Met at PyCon"  # never overwritten
    assert ann.role == "CTO" and ann.email == "ann.lee@acme.example"
    assert ann.linkedin_url == "HTTP://WWW.LinkedIn.com/in/AnnLee/?trk=x"
    priya = get_contact(by_email_id)
    assert (priya.role, priya.company, priya.email) == (
        "PM",  # typed by hand: an import fills only what is empty
        "Hooli",
        "Priya@Hooli.example",
    )


def test_a_profile_row_takes_over_a_contact_known_only_by_email(db_path: Path) -> None:
    known = create_contact(ContactDraft(name="Ann", email="ann.lee@acme.example"), now=NOW)
    import_linkedin(EN, now=NOW)
    assert get_contact(known).linkedin_url == "https://linkedin.com/in/annlee"
    assert len(names("ann")) == 1


def test_repeated_rows_in_one_file_are_skipped(db_path: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "Connections.csv"
    csv_file.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme,CTO,\n"
        "Ann,Lee,https://de.linkedin.com/in/AnnLee/,,Acme,CEO,\n"
        "Priya,Patel,,p@h.example,,,\n"
        "Priya,Patel,,P@H.example,,,\n"
    )
    result = import_linkedin(csv_file, now=NOW)
    assert result.created == 2
    assert [(s.line, s.reason) for s in result.skipped] == [
        (3, "same profile as line 2"),
        (5, "same e-mail as line 4"),
    ]


# --- undo ----------------------------------------------------------------------------------


def test_undo_removes_created_restores_updated_and_leaves_the_rest(db_path: Path) -> None:
    mine = create_contact(ContactDraft(name="My Own Friend", company="Globex"), now=NOW)
    first = import_linkedin(EN, now=NOW)
    after_first = (counts(), index_rows())
    newer = import_linkedin(EN_NEWER, now=LATER)
    assert names("zoe") == {"Zoë Ørsted"}

    undone = undo_import(newer.batch_id or 0, now=LATER)
    assert (undone.removed, undone.restored) == (1, 3)
    assert names("zoe") == set()
    history = ("import_batch", "import_change")  # kept: the record of what was undone
    assert {k: v for k, v in counts().items() if k not in history} == {
        k: v for k, v in after_first[0].items() if k not in history
    }
    assert index_rows() == after_first[1]
    bob = get_contact(contact_by_name("Bob Smith").id)
    assert (bob.company, bob.role, bob.email) == ("Initech", 'Engineer, Platform "Core" team', "")
    assert bob.updated_at == NOW
    assert get_contact(mine).name == "My Own Friend"

    undo_import(first.batch_id or 0, now=LATER)
    assert names("lee") == set() and names("山田") == set()
    assert get_contact(mine).company == "Globex"  # the company stays: someone uses it
    with reading():
        assert [c.name for c in Contact.select()] == ["My Own Friend"]
        assert [c.name for c in Company.select()] == ["Globex"]
    assert_index_matches_contacts()
    assert [b.undone_at for b in list_imports()] == [LATER, LATER]


def test_undo_keeps_contacts_that_existed_before(db_path: Path) -> None:
    typed_id = create_contact(
        ContactDraft(name="Ann", linkedin_url="https://www.linkedin.com/in/annlee", role="Dev"),
        now=NOW,
    )
    batch = import_linkedin(EN, now=LATER)
    filled = get_contact(typed_id)
    assert (filled.role, filled.company) == ("Dev", "Acme, Inc.")  # the user's role stays
    undo_import(batch.batch_id or 0)
    ann = get_contact(typed_id)
    assert (ann.role, ann.company, ann.email) == ("Dev", "", "")
    assert names("ann") == {"Ann"}


def test_undo_twice_or_an_unknown_batch_is_a_clear_error(db_path: Path) -> None:
    batch = import_linkedin(EN, now=NOW)
    undo_import(batch.batch_id or 0, now=LATER)
    with pytest.raises(ImportAlreadyUndone, match=r"already undone on 2027-09-14"):
        undo_import(batch.batch_id or 0)
    with pytest.raises(ImportBatchNotFound, match="no import #999"):
        undo_import(999)


# --- failures, dry runs, progress, history -------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        (FIXTURES / "too_many_columns.csv").read_bytes(),
        (FIXTURES / "no_header.csv").read_bytes(),
        b"",
        b"First Name,Last Name,URL\nJos\xe9,Lee,https://linkedin.com/in/j\n",
        b"\x00\x01\x02binary",
    ],
)
def test_a_malformed_file_writes_nothing(db_path: Path, tmp_path: Path, content: bytes) -> None:
    import_linkedin(EN, now=NOW)
    before = counts()
    bad = tmp_path / "Connections.csv"
    bad.write_bytes(content)
    with pytest.raises(LinkedInExportError):
        import_linkedin(bad, now=LATER)
    assert counts() == before


def test_the_bad_row_is_named_even_after_thousands_of_good_ones(
    db_path: Path, tmp_path: Path
) -> None:
    lines = (EN.read_text(encoding="utf-8-sig")).splitlines()
    good = [f"P{n},Q,https://linkedin.com/in/p{n},,Acme,Dev,15 Mar 2023" for n in range(3000)]
    bad = tmp_path / "Connections.csv"
    bad.write_text("\n".join([*lines[:4], *good, "Ann,Lee,u,e,Acme, Inc.,CTO,x,y"]) + "\n")
    with pytest.raises(LinkedInExportError, match="line 3005: the row has 9 columns"):
        import_linkedin(bad, now=NOW)
    assert counts()["contact"] == 0


def test_unreadable_paths(db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(LinkedInExportError, match="can't read"):
        import_linkedin(tmp_path / "missing.csv")
    with pytest.raises(LinkedInExportError, match="it is a folder"):
        import_linkedin(tmp_path)


def test_dry_run_reports_without_writing(db_path: Path) -> None:
    import_linkedin(EN, now=NOW)
    before = counts()
    preview = import_linkedin(EN_NEWER, now=LATER, dry_run=True)
    assert (preview.batch_id, preview.created, preview.updated, preview.dry_run) == (
        None,
        1,
        3,
        True,
    )
    assert counts() == before


def test_progress_is_reported_up_to_the_total(db_path: Path, tmp_path: Path) -> None:
    from bench.files import connections_csv

    big = tmp_path / "Connections.csv"
    big.write_bytes(connections_csv(12_000, seed=7))
    seen: list[tuple[int, int]] = []
    result = import_linkedin(big, now=NOW, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 12_000) and seen[-1] == (12_000, 12_000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) >= 4
    # The bulk path drops and rebuilds the contact indexes: they must all be back.
    with reading():
        indexes = {row[1] for row in db.execute_sql("PRAGMA index_list('contact')")}
    assert {"contact_uid", "contact_sort_key", "contact_linkedin_url"} <= indexes
    assert result.created == 12_000 and counts()["contact_index"] == 12_000
    again = import_linkedin(big, now=LATER)
    assert (again.created, again.updated) == (0, 0)
    with reading():
        sample = [c.id for c in Contact.select(Contact.id).order_by(Contact.id).limit(50)]
    written = index_rows()
    with writing():
        for contact_id in sample:
            index_contact(contact_id)
    assert index_rows() == written


def test_a_bulk_import_is_searchable_and_leaves_the_index_settings_as_they_were(
    db_path: Path, tmp_path: Path
) -> None:
    from bench.files import connections_csv

    big = tmp_path / "Connections.csv"
    big.write_bytes(connections_csv(3_000, seed=11))
    create_contact(ContactDraft(name="Zofia Łukasiewicz", company="Acme"), now=NOW)
    with writing():  # a search row left behind where the next contact's id will be
        db.execute_sql(
            "INSERT INTO contact_index (rowid, name, company, role, topics, notes)"
            " VALUES (2, 'stale', 'stale', '', '', '')"
        )
    result = import_linkedin(big, now=NOW)
    assert result.created == 3_000
    with reading():
        config = db.execute_sql("SELECT k, v FROM contact_index_config").fetchall()
        (integrity,) = db.execute_sql("PRAGMA integrity_check").fetchone()
        db.execute_sql(
            "INSERT INTO contact_index (contact_index, rank) VALUES ('integrity-check', 1)"
        )
    assert config == [("version", 4)] and integrity == "ok"
    assert names("stale") == set()
    assert names("zofia") == {"Zofia Łukasiewicz"}
    with reading():
        newest = Contact.select().order_by(Contact.id.desc()).get()
    assert newest.name in names(newest.name.split()[-1][:3])
    assert_index_matches_contacts()


def test_a_bulk_import_that_fails_while_writing_leaves_no_trace(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.files import connections_csv

    big = tmp_path / "Connections.csv"
    big.write_bytes(connections_csv(3_000, seed=11))
    before = counts()

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(linkedin, "_uids", fail)  # inside the bulk write, index settings raised
    with pytest.raises(OSError):
        import_linkedin(big, now=NOW)
    monkeypatch.undo()
    assert counts() == before
    with reading():
        config = db.execute_sql("SELECT k, v FROM contact_index_config").fetchall()
    assert config == [("version", 4)]
    assert import_linkedin(big, now=NOW).created == 3_000


def test_history_lists_batches_newest_first(db_path: Path) -> None:
    first = import_linkedin(EN, now=NOW)
    second = import_linkedin(EN_NEWER, now=LATER)
    history = list_imports()
    assert [b.id for b in history] == [second.batch_id, first.batch_id]
    latest = history[0]
    assert (latest.source, latest.filename, latest.created, latest.updated, latest.unchanged) == (
        "linkedin",
        "connections_en_newer.csv",
        1,
        3,
        4,
    )
    assert latest.created_at == LATER and latest.undone_at is None
    assert batches.get_import(first.batch_id or 0).skipped[0].line == 13
    with reading():
        assert ImportBatch.select().count() == 2


# --- helpers that must agree with the domain -----------------------------------------------


@given(st.text(max_size=40))
def test_fast_folding_equals_fold_and_sort_key(text: str) -> None:
    assert FoldCache()[text] == fold(text)
    name_keys = linkedin._NameKeys()
    assert name_keys.of(text) == (sort_key(text), fold(text))
    assert name_keys.of(f"{text} {text[::-1]}") == (  # again, from the words' cache
        sort_key(f"{text} {text[::-1]}"),
        fold(f"{text} {text[::-1]}"),
    )


def test_generated_uids_are_version_4_and_distinct() -> None:
    import uuid

    uids = linkedin._uids(1000)
    assert len(set(uids)) == 1000
    assert all(uuid.UUID(u).version == 4 and str(uuid.UUID(u)) == u for u in uids)


# --- anything at all -----------------------------------------------------------------------

_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
_cell = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10) | st.sampled_from(
    ["https://www.linkedin.com/in/annlee", "ann@x.example", "Acme, Inc.", "15 Mar 2023", '"']
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.lists(_cell, max_size=8).map(",".join), max_size=6).map(
            lambda rows: _HEADER + "\n".join(rows)
        ),
    )
)
def test_any_text_file_imports_or_fails_with_the_export_error(
    db_path: Path, tmp_path: Path, text: str
) -> None:
    csv_file = tmp_path / "Connections.csv"
    csv_file.write_text(text, encoding="utf-8")
    before = counts()
    try:
        result = import_linkedin(csv_file, now=NOW)
    except LinkedInExportError:
        assert counts() == before
        return
    assert counts()["contact"] == before["contact"] + result.created


def test_undo_keeps_imported_people_the_user_has_worked_with(tmp_path, db_path, now) -> None:  # type: ignore[no-untyped-def]
    from crm.domain.types import LogDraft
    from crm.services import contacts as contact_service
    from crm.services import conversations
    from crm.services.importing import batches, linkedin

    csv_file = tmp_path / "Connections.csv"
    csv_file.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme,CTO,15 Mar 2023\n"
        "Bob,Stone,https://www.linkedin.com/in/bobstone,,Globex,SRE,16 Mar 2023\n",
        encoding="utf-8",
    )
    result = linkedin.import_linkedin(csv_file, now=now)
    [ann] = contact_service.search_contacts("ann lee")
    conversations.log_conversation(
        LogDraft(ann.id, Channel.CALL, InteractionKind.CHECK_IN, now, "Coffee"), now=now
    )
    undone = batches.undo_import(result.batch_id, now=now)
    assert (undone.removed, undone.kept) == (1, 1)
    assert [c.name for c in contact_service.search_contacts("ann lee")] == ["Ann Lee"]
    assert contact_service.search_contacts("bob stone") == []


@pytest.mark.parametrize("enabled_before", [True, False])
@pytest.mark.parametrize("path", [EN, FIXTURES / "no_such_file.csv"])
def test_an_import_leaves_the_garbage_collector_as_it_found_it(
    db_path: Path, path: Path, enabled_before: bool
) -> None:
    import gc

    seen_during: list[bool] = []
    was_enabled = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        try:
            import_linkedin(
                path, now=NOW, progress=lambda _done, _total: seen_during.append(gc.isenabled())
            )
        except LinkedInExportError:
            pass
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was_enabled else gc.disable)()
    assert not any(seen_during)
