"""Contacts ↔ the address book (CardDAV), against Radicale and Xandikos."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable

import pytest

from tests.sync.conftest import Synced
from tests.sync.phone import vcard

NAMES = ("Кэти Смирнова", "山田 太郎", "José Ñúñez")
FIRST = "2026-11-18 15:00"
LATER = "2026-11-18 16:00"


def _db(synced: Synced) -> sqlite3.Connection:
    return sqlite3.connect(synced.db)


def _contact(synced: Synced, name: str) -> dict[str, object]:
    with _db(synced) as con:
        con.row_factory = sqlite3.Row
        row = con.execute(
            "SELECT c.*, co.name AS company FROM contact c"
            " LEFT JOIN company co ON co.id = c.company_id WHERE c.name = ?",
            (name,),
        ).fetchone()
        assert row is not None, name
        out = dict(row)
        out["topics"] = [
            t
            for (t,) in con.execute(
                "SELECT name FROM contact_topic WHERE contact_id = ? ORDER BY position",
                (row["id"],),
            )
        ]
        out["methods"] = con.execute(
            "SELECT kind, value FROM contact_method WHERE contact_id = ? ORDER BY position",
            (row["id"],),
        ).fetchall()
    return out


def _history(synced: Synced, contact_id: object) -> list[tuple[str, dict[str, object]]]:
    with _db(synced) as con:
        rows = con.execute(
            "SELECT action, detail FROM sync_event WHERE contact_id = ? ORDER BY id",
            (contact_id,),
        ).fetchall()
    return [(action, json.loads(detail) if detail else {}) for action, detail in rows]


def _local_edit(synced: Synced, name: str, at: str, **columns: str) -> None:
    sets = ", ".join(f"{column} = ?" for column in columns)
    with _db(synced) as con:
        con.execute(
            f"UPDATE contact SET {sets}, updated_at = ? WHERE name = ?",
            (*columns.values(), at + ":00", name),
        )


def _replace(pattern: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        unfolded = text.replace("\r\n ", "").replace("\n ", "")
        changed, count = re.subn(pattern, new, unfolded, flags=re.MULTILINE)
        assert count, (pattern, unfolded)
        return changed

    return change


def _seed(synced: Synced) -> dict[str, str]:
    """Three contacts with non-ASCII names, synced once; returns their uids by name."""
    synced.ok(
        "contact", "add", NAMES[0], "--company", "Initech", "--role", "Recruiter",
        "--email", "katya@initech.example", "--phone", "+44 20 7946 0000",
        "--linkedin", "https://www.linkedin.com/in/katya", "--topic", "python",
        "--note", "Met at PyCon", "--how-met", "PyCon 2026", "--keep-in-touch", "30",
        "--rapport", "good",
    )  # fmt: skip
    synced.ok("contact", "add", NAMES[1], "--company", "Sony", "--email", "taro@sony.example")
    synced.ok("contact", "add", NAMES[2], "--email", "jose@example.org")
    report = synced.sync(now=FIRST)
    assert report["collections"]["cards"]["sent"] == 3
    with _db(synced) as con:
        return dict(con.execute("SELECT name, uid FROM contact").fetchall())


def _card(synced: Synced, uid: str) -> str:
    cards = {card.uid: card for card in synced.phone.cards("crm")}
    return cards[uid].vcard.replace("\r\n", "\n")


def test_first_sync_sends_every_contact_as_vcard_3_with_its_uid(synced: Synced) -> None:
    uids = _seed(synced)
    cards = {card.uid: card.vcard for card in synced.phone.cards("crm")}
    assert set(cards) == set(uids.values())
    for name, uid in uids.items():
        text = cards[uid].replace("\r\n ", "").replace("\n ", "")
        assert "VERSION:3.0" in text
        assert f"FN:{name}" in text
    again = synced.sync(now=FIRST)
    assert again["collections"].get("cards", {"sent": 0, "received": 0}) in (
        {"sent": 0, "received": 0, "deleted": 0},
        {"sent": 0, "received": 0},
    )


def test_no_change_sync_sends_nothing_even_after_an_unrelated_change(synced: Synced) -> None:
    _seed(synced)
    synced.ok("contact", "add", "Ann Lee")
    second = synced.sync(now=LATER)
    assert second["collections"]["cards"] == {"sent": 1, "received": 0, "deleted": 0}
    third = synced.sync(now=LATER)
    assert third["collections"].get("cards", {}).get("sent", 0) == 0


PHONE_EDITS = [
    (r"^FN:.*$", "FN:Katya Smirnova", "name", "Katya Smirnova"),
    (r"^ORG:.*$", "ORG:Globex", "company", "Globex"),
    (r"^TITLE:.*$", "TITLE:Head of Talent", "role", "Head of Talent"),
    (r"^NOTE:.*$", "NOTE:Moved to Berlin", "relationship_note", "Moved to Berlin"),
    (r"^EMAIL[^:]*:.*$", "EMAIL;TYPE=INTERNET:k@globex.example", "email", "k@globex.example"),
    (r"^TEL[^:]*:.*$", "TEL;TYPE=CELL:+49 30 1234567", "phone", "+49 30 1234567"),
    (r"^CATEGORIES:.*$", "CATEGORIES:python,rust", "topics", ["python", "rust"]),
    (
        r"^END:VCARD",
        "URL:https://katya.example.org\r\nEND:VCARD",
        "methods",
        [("url", "https://katya.example.org")],
    ),
]


@pytest.mark.parametrize(("pattern", "new", "column", "expected"), PHONE_EDITS)
def test_a_phone_edit_comes_back_and_crm_only_fields_stay(
    synced: Synced, pattern: str, new: str, column: str, expected: object
) -> None:
    uids = _seed(synced)
    uid = uids[NAMES[0]]
    synced.phone.edit_card(uid, _replace(pattern, new))
    report = synced.sync(now=LATER)
    assert report["collections"]["cards"]["received"] == 1
    name = expected if column == "name" else NAMES[0]
    contact = _contact(synced, str(name))
    value = contact[column]
    if column == "methods":
        value = [tuple(row) for row in value]  # type: ignore[union-attr]
    assert value == expected
    # crm-only data is untouched
    assert contact["rapport"] == "good"
    assert contact["keep_in_touch_days"] == 30
    assert contact["how_met"] == "PyCon 2026"
    assert contact["uid"] == uid
    assert any(a == "changed on the phone" for a, _ in _history(synced, contact["id"]))
    # Nothing left to do either way.
    again = synced.sync(now=LATER)
    assert again["collections"].get("cards", {}).get("sent", 0) == 0
    assert again["collections"].get("cards", {}).get("received", 0) == 0


@pytest.mark.parametrize("phone_later", [True, False])
def test_conflict_later_change_wins_and_loser_is_kept(synced: Synced, phone_later: bool) -> None:
    uids = _seed(synced)
    uid = uids[NAMES[0]]
    # crm edits the title at 16:00; the phone at 17:00 (REV) or 15:30.
    _local_edit(synced, NAMES[0], LATER, role="CTO")
    rev = "20261118T170000Z" if phone_later else "20261118T153000Z"
    synced.phone.edit_card(
        uid, lambda t: _replace(r"^REV:.*$", f"REV:{rev}")(_replace(r"^TITLE:.*$", "TITLE:CEO")(t))
    )
    report = synced.sync(now="2026-11-18 18:00")
    kept, lost = ("CEO", "CTO") if phone_later else ("CTO", "CEO")
    contact = _contact(synced, NAMES[0])
    assert contact["role"] == kept
    notes = [n for n in report["notes"] if n["action"] == "changed on both sides"]
    assert notes == [
        {
            "collection": "cards",
            "action": "changed on both sides",
            "what": NAMES[0],
            "detail": f"title: kept {kept}, lost {lost}",
        }
    ]
    history = [d for a, d in _history(synced, contact["id"]) if a == "changed on both sides"]
    assert history and history[0]["kept"] == kept and history[0]["lost"] == lost
    assert f"\nTITLE:{kept}\n" in _card(synced, uid)
    again = synced.sync(now="2026-11-18 18:00")
    assert again["collections"].get("cards", {}).get("sent", 0) == 0


def test_phone_and_crm_edit_different_fields_both_kept(synced: Synced) -> None:
    uids = _seed(synced)
    uid = uids[NAMES[0]]
    _local_edit(synced, NAMES[0], LATER, role="CTO")
    synced.phone.edit_card(uid, _replace(r"^NOTE:.*$", "NOTE:Call in May"))
    synced.sync(now="2026-11-18 18:00")
    contact = _contact(synced, NAMES[0])
    assert (contact["role"], contact["relationship_note"]) == ("CTO", "Call in May")
    card = _card(synced, uid)
    assert "TITLE:CTO" in card and "NOTE:Call in May" in card


def test_412_race_phone_edits_between_read_and_put(
    synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm.services.sync.dav import Server

    uids = _seed(synced)
    uid = uids[NAMES[0]]
    _local_edit(synced, NAMES[0], LATER, role="CTO")
    original = Server.put
    raced: list[str] = []

    def put(self: Server, href: str, body: str, content_type: str, etag: str | None) -> str:
        if href.endswith(".vcf") and not raced:
            raced.append(href)
            synced.phone.edit_card(uid, _replace(r"^NOTE:.*$", "NOTE:Edited on the bus"))
        return original(self, href, body, content_type, etag)

    monkeypatch.setattr(Server, "put", put)
    synced.sync(now="2026-11-18 18:00")
    assert raced
    contact = _contact(synced, NAMES[0])
    assert (contact["role"], contact["relationship_note"]) == ("CTO", "Edited on the bus")
    card = _card(synced, uid)
    assert "TITLE:CTO" in card and "NOTE:Edited on the bus" in card


def test_a_card_added_on_the_phone_becomes_a_contact_in_an_import_batch(synced: Synced) -> None:
    _seed(synced)
    synced.phone.add_card("crm", vcard("phone-new-1", "Zoë Adams", "zoe@example.com", "Acme"))
    report = synced.sync(now=LATER)
    assert report["collections"]["cards"]["received"] == 1
    contact = _contact(synced, "Zoë Adams")
    assert contact["uid"] == "phone-new-1"
    assert (contact["email"], contact["company"]) == ("zoe@example.com", "Acme")
    batches = json.loads(synced.ok("import", "list", "--json"))
    assert any(b.get("source") == "carddav" for b in _batches(batches))
    again = synced.sync(now=LATER)
    assert again["collections"].get("cards", {}).get("sent", 0) == 0
    assert len([c for c in synced.phone.cards("crm") if c.uid == "phone-new-1"]) == 1
    batch = next(b for b in _batches(batches) if b.get("source") == "carddav")
    synced.ok("import", "undo", str(batch["id"]))
    with _db(synced) as con:
        assert not con.execute("SELECT 1 FROM contact WHERE uid = 'phone-new-1'").fetchall()


def _batches(listing: object) -> list[dict[str, object]]:
    if isinstance(listing, dict):
        for value in listing.values():
            if isinstance(value, list):
                return value
    assert isinstance(listing, list)
    return listing


def test_a_phone_card_with_a_known_email_is_matched_not_duplicated(synced: Synced) -> None:
    uids = _seed(synced)
    crm_uid = uids[NAMES[1]]
    synced.phone.add_card("crm", vcard("phone-taro", "Taro Yamada", "taro@sony.example", "Sony"))
    synced.sync(now=LATER)
    with _db(synced) as con:
        assert con.execute("SELECT COUNT(*) FROM contact").fetchone()[0] == 3
    contact = _contact(synced, NAMES[1])
    assert contact["uid"] == crm_uid  # crm's UID never changes
    cards = synced.phone.cards("crm")
    # crm's own card for the contact is gone; the phone's card is the contact's from now on.
    assert sorted(c.uid for c in cards) == sorted([uids[NAMES[0]], uids[NAMES[2]], "phone-taro"])
    _local_edit(synced, NAMES[1], "2026-11-18 17:00", role="Engineer")
    synced.sync(now="2026-11-18 18:00")
    cards = {c.uid: c.vcard for c in synced.phone.cards("crm")}
    assert "TITLE:Engineer" in cards["phone-taro"] and crm_uid not in cards
    again = synced.sync(now="2026-11-18 18:00")
    assert again["collections"].get("cards", {}).get("sent", 0) == 0


def test_a_card_deleted_on_the_server_keeps_the_contact_and_is_not_sent_again(
    synced: Synced,
) -> None:
    uids = _seed(synced)
    uid = uids[NAMES[2]]
    synced.phone.delete_card(uid)
    report = synced.sync(now=LATER)
    assert report["collections"]["cards"]["deleted"] == 1, report
    assert any(
        n["action"] == "deleted on the server" and n["what"] == NAMES[2] for n in report["notes"]
    )
    contact = _contact(synced, NAMES[2])
    assert any(a == "deleted on the server" for a, _ in _history(synced, contact["id"]))
    _local_edit(synced, NAMES[2], "2026-11-18 17:00", role="Chef")
    synced.sync(now="2026-11-18 18:00")
    assert uid not in {c.uid for c in synced.phone.cards("crm")}
    # Until the user says so.
    _send_again(synced, int(str(contact["id"])))
    synced.sync(now="2026-11-18 19:00")
    assert uid in {c.uid for c in synced.phone.cards("crm")}
    assert any(a == "sent again" for a, _ in _history(synced, contact["id"]))


def _send_again(synced: Synced, contact_id: int) -> None:
    out = synced.ok("sync", "send-again", str(contact_id), now="2026-11-18 18:30")
    assert "next sync" in out
    code, out, err = synced.crm("sync", "send-again", str(contact_id), now="2026-11-18 18:30")
    assert code == 1 and out == "" and "wasn't kept off the server" in err
    # The history tells the story, newest first.
    lines = synced.ok("sync", "history", str(contact_id)).splitlines()
    assert "sent again" in lines[0] and "deleted on the server" in lines[-1]


def test_a_contact_deleted_in_crm_is_deleted_on_the_server(synced: Synced) -> None:
    uids = _seed(synced)
    with _db(synced) as con:
        cid = con.execute("SELECT id FROM contact WHERE name = ?", (NAMES[1],)).fetchone()[0]
    synced.ok("contact", "delete", str(cid), "--yes")
    synced.sync(now=LATER)
    assert uids[NAMES[1]] not in {c.uid for c in synced.phone.cards("crm")}


def test_what_the_phone_added_that_crm_doesnt_keep_survives_crms_edits(synced: Synced) -> None:
    """A birthday, an address, a nickname added on the phone stay on the card when crm sends
    the contact again."""
    uids = _seed(synced)
    uid = uids[NAMES[0]]
    extra = "BDAY:1990-04-01\nADR;TYPE=work:;;1 Main St;London;;N1 9GU;UK\nNICKNAME:Katya\n"
    synced.phone.edit_card(uid, lambda text: text.replace("END:VCARD", extra + "END:VCARD"))
    synced.sync(now=LATER)
    _local_edit(synced, NAMES[0], "2026-11-18 17:00", role="Head of Talent")
    report = synced.sync(now="2026-11-18 18:00")
    assert report["collections"]["cards"]["sent"] == 1
    card = _card(synced, uid)
    assert "TITLE:Head of Talent" in card
    for line in ("BDAY:1990-04-01", "1 Main St", "NICKNAME:Katya"):
        assert line in card, card
    assert synced.sync(now="2026-11-18 18:30")["collections"] == {}
