"""Follow-ups as tasks and interviews as events, on Radicale and Xandikos, with the phone
(the caldav library) acting between syncs."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar

from tests.sync.conftest import Synced

NOW = datetime(2026, 11, 18, 15, 0)
TASKS, EVENTS = "crm follow-ups", "crm interviews"


def _rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql, params).fetchall()


def _pending(db: Path) -> dict[str, tuple[Any, ...]]:
    """uid → (kind, contact, e-mail, opens, due) of every pending follow-up; a snooze to S
    moves both to S at the earliest."""
    return {
        uid: (kind, name, email, max(start, snoozed or start), max(end, snoozed or end))
        for uid, kind, name, email, start, end, snoozed in _rows(
            db,
            "SELECT f.uid, f.kind, c.name, c.email, f.window_start, f.window_end,"
            " f.snoozed_until"
            " FROM follow_up f JOIN contact c ON c.id = f.contact_id WHERE f.done_at IS NULL",
        )
    }


def _component(text: str, name: str) -> icalendar.cal.Component:
    return next(c for c in icalendar.Calendar.from_ical(text).walk(name))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _demo(synced: Synced) -> None:
    synced.ok("demo", "--no-open")


def test_first_sync_makes_the_collections_and_sends_every_pending_follow_up(
    synced: Synced,
) -> None:
    _demo(synced)
    report = synced.sync()
    pending = _pending(synced.db)
    assert report["collections"]["tasks"]["sent"] == len(pending) > 0
    kinds = {c.name: c for c in synced.phone.collections()}
    assert kinds[TASKS].kind == "calendar" and "VTODO" in kinds[TASKS].components
    assert kinds[EVENTS].kind == "calendar"
    tasks = {t.uid: t for t in synced.phone.tasks(TASKS)}
    assert set(tasks) == set(pending)
    for uid, (_kind, name, email, start, end) in pending.items():
        todo = _component(tasks[uid].ical, "VTODO")
        assert name in str(todo["SUMMARY"])
        assert todo["DTSTART"].dt == _utc(start) and todo["DUE"].dt == _utc(end)
        alarm = next(c for c in todo.walk("VALARM"))
        assert alarm["TRIGGER"].params.get("VALUE") == "DATE-TIME"
        assert alarm["TRIGGER"].dt == _utc(start)  # rings when the window opens
        description = str(todo["DESCRIPTION"])
        if email:
            assert f"E-mail: {email}" in description
        assert str(todo["STATUS"]) == "NEEDS-ACTION"


def test_interviews_are_events_with_a_reminder_and_never_attendees(synced: Synced) -> None:
    _demo(synced)
    synced.sync()
    interviews = _rows(synced.db, "SELECT uid, starts_at FROM interview")
    events = {e.uid: e for e in synced.phone.events(EVENTS)}
    assert set(events) == {uid for uid, _ in interviews}
    with_interviewers = 0
    for uid, starts_at in interviews:
        event = _component(events[uid].ical, "VEVENT")
        assert event["DTSTART"].dt == _utc(starts_at)
        assert "ATTENDEE" not in event and "ORGANIZER" not in event
        assert list(event.walk("VALARM")), "an interview event has a reminder"
        with_interviewers += "Interviewers:" in str(event.get("DESCRIPTION", ""))
    assert with_interviewers, "interviewers are named in the description"


def _file_digest(db: Path) -> str:
    digest = hashlib.sha256()
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_a_sync_with_nothing_new_sends_nothing_and_writes_nothing(synced: Synced) -> None:
    _demo(synced)
    synced.sync()
    synced.sync()  # may see its own writes once
    before = _file_digest(synced.db)
    report = synced.sync()
    assert report["collections"] == {} and report["notes"] == []
    assert report["requests"] <= 4, "a no-change sync asks each collection once"
    assert _file_digest(synced.db) == before


def _thank_you(db: Path) -> tuple[str, int, int]:
    uid, fid, cid = _rows(
        db,
        "SELECT uid, id, contact_id FROM follow_up"
        " WHERE kind = 'thank-you-email' AND done_at IS NULL ORDER BY id LIMIT 1",
    )[0]
    return uid, fid, cid


def test_a_thank_you_ticked_on_the_phone_is_done_then_and_plans_the_handwritten_note(
    synced: Synced,
) -> None:
    _demo(synced)
    synced.sync()
    uid, fid, cid = _thank_you(synced.db)
    ticked = datetime(2026, 11, 18, 13, 30, tzinfo=UTC)  # on the bus, before this sync
    synced.phone.complete(uid, at=ticked)
    report = synced.sync()
    assert any(n["action"] == "done on the phone" for n in report["notes"])
    [(done_at,)] = _rows(synced.db, "SELECT done_at FROM follow_up WHERE id = ?", fid)
    assert _utc(done_at) == ticked
    notes = _rows(
        synced.db,
        "SELECT uid, window_start, window_end FROM follow_up"
        " WHERE contact_id = ? AND kind = 'handwritten-note' AND done_at IS NULL",
        cid,
    )
    assert notes, "the handwritten note follows the e-mail ticked on the phone"
    note_uid, start, _ = notes[0]
    assert _utc(start) >= ticked + timedelta(hours=24)
    # ... and the note reaches the phone in the same sync.
    assert note_uid in {t.uid for t in synced.phone.tasks(TASKS)}
    history = _rows(synced.db, "SELECT action, contact_id FROM sync_event WHERE uid = ?", uid)
    assert history == [("done on the phone", cid)]


def test_a_due_date_moved_on_the_phone_snoozes_the_follow_up(synced: Synced) -> None:
    _demo(synced)
    synced.sync()
    uid = next(iter(_pending(synced.db)))
    moved = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    synced.phone.move_due(uid, moved)
    report = synced.sync()
    assert [n["action"] for n in report["notes"]] == ["due date moved on the phone"]
    [(snoozed,)] = _rows(synced.db, "SELECT snoozed_until FROM follow_up WHERE uid = ?", uid)
    assert _utc(snoozed) == moved
    # The phone keeps the date it was given.
    task = next(t for t in synced.phone.tasks(TASKS) if t.uid == uid)
    assert task.due == moved


def test_a_task_deleted_on_the_phone_is_dismissed_and_not_sent_again(synced: Synced) -> None:
    _demo(synced)
    synced.sync()
    uid = next(iter(_pending(synced.db)))
    synced.phone.delete(uid)
    report = synced.sync()
    assert [n["action"] for n in report["notes"]] == ["deleted on the phone"]
    [(done_at, cancelled_by)] = _rows(
        synced.db, "SELECT done_at, cancelled_by FROM follow_up WHERE uid = ?", uid
    )
    assert done_at is not None and cancelled_by == "phone"
    assert _rows(synced.db, "SELECT action FROM sync_event WHERE uid = ?", uid) == [
        ("deleted on the phone",)
    ]
    [line] = json.loads(synced.ok("sync", "history", "--json"))
    assert line["action"] == "deleted on the phone" and line["what"] in report["notes"][0]["what"]
    assert "deleted on the phone" in synced.ok("sync", "history")
    synced.sync()
    assert uid not in {t.uid for t in synced.phone.tasks(TASKS)}


def test_a_task_made_by_hand_in_crms_list_is_left_alone_and_reported_once(
    synced: Synced,
) -> None:
    _demo(synced)
    synced.sync()
    before = _rows(synced.db, "SELECT count(*) FROM follow_up")
    mine = synced.phone.add_task(TASKS, "Buy a new tie")
    report = synced.sync()
    assert [(n["action"], n["what"]) for n in report["notes"]] == [
        ("not crm's: left alone", "Buy a new tie")
    ]
    assert _rows(synced.db, "SELECT count(*) FROM follow_up") == before
    assert synced.sync()["notes"] == []
    assert mine in {t.uid for t in synced.phone.tasks(TASKS)}


def test_done_and_cancelled_in_crm_reach_the_phone(synced: Synced) -> None:
    _demo(synced)
    synced.sync()
    uid, fid, _ = _thank_you(synced.db)
    synced.ok("followup", "done", str(fid))
    opportunity = _rows(
        synced.db,
        "SELECT f.uid, f.opportunity_id FROM follow_up f WHERE f.done_at IS NULL"
        " AND f.opportunity_id IS NOT NULL ORDER BY f.id LIMIT 1",
    )[0]
    synced.ok("opportunity", "stage", str(opportunity[1]), "rejected")
    synced.sync()
    tasks = {t.uid: t for t in synced.phone.tasks(TASKS)}
    assert tasks[uid].status == "COMPLETED" and tasks[uid].completed is not None
    assert tasks[opportunity[0]].status == "CANCELLED"


def test_dry_run_changes_nothing_on_either_side(synced: Synced) -> None:
    _demo(synced)
    before = _file_digest(synced.db)
    report = synced.sync("--dry-run")
    assert report["dry_run"] is True
    assert report["collections"]["tasks"]["sent"] == len(_pending(synced.db))
    assert TASKS not in {c.name for c in synced.phone.collections()}
    assert _file_digest(synced.db) == before


def test_tasks_as_events_for_servers_without_tasks(synced: Synced) -> None:
    synced.configure(tasks_as_events=True)
    _demo(synced)
    synced.sync()
    pending = _pending(synced.db)
    events = {e.uid: e for e in synced.phone.events(TASKS)}
    assert set(events) == set(pending)
    uid = next(iter(pending))
    event = _component(events[uid].ical, "VEVENT")
    assert event["DTSTART"].dt == _utc(pending[uid][3])
    assert list(event.walk("VALARM"))
    synced.phone.delete(uid)
    synced.sync()
    [(cancelled_by,)] = _rows(synced.db, "SELECT cancelled_by FROM follow_up WHERE uid = ?", uid)
    assert cancelled_by == "phone"


def test_the_json_report_is_valid_for_a_first_sync(synced: Synced) -> None:
    _demo(synced)
    out = synced.ok("sync", "--json")
    assert json.loads(out)["dry_run"] is False


def test_a_due_date_without_a_time_is_that_day_in_the_users_zone(synced: Synced) -> None:
    """Phones often keep a due date alone (DUE;VALUE=DATE); crm reads it as that day where
    the user lives, not in UTC."""
    from datetime import date

    synced.config.write_text(synced.config.read_text() + '\n[time]\nzone = "Asia/Tokyo"\n')
    _demo(synced)
    synced.sync()
    uid = next(iter(_pending(synced.db)))
    synced.phone.move_due(uid, date(2026, 11, 27))
    synced.sync()
    [(snoozed,)] = _rows(synced.db, "SELECT snoozed_until FROM follow_up WHERE uid = ?", uid)
    # Midnight on the 27th in Tokyo is 15:00 UTC on the 26th.
    assert _utc(snoozed) == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_an_interview_event_edited_on_the_phone_is_set_back_and_a_deleted_one_kept_off(
    synced: Synced,
) -> None:
    _demo(synced)
    synced.sync()
    first, second = sorted(e.uid for e in synced.phone.events(EVENTS))[:2]

    def rename(component: Any) -> None:
        component.pop("SUMMARY")
        component.add("SUMMARY", "Renamed on the phone")

    synced.phone._edit(first, "VEVENT", rename)
    synced.phone.delete(second)
    report = synced.sync()
    actions = sorted((n["action"], n["what"].startswith("Interview:")) for n in report["notes"])
    assert actions == [
        ("changed on the phone", True),
        ("deleted on the server: not sent again", True),
    ]
    events = {e.uid: e for e in synced.phone.events(EVENTS)}
    assert events[first].summary.startswith("Interview:")  # crm's interviews are the truth
    assert second not in events
    synced.sync()
    assert second not in {e.uid for e in synced.phone.events(EVENTS)}


def test_a_follow_up_done_in_crm_leaves_the_calendar_when_tasks_are_events(
    synced: Synced,
) -> None:
    synced.configure(tasks_as_events=True)
    _demo(synced)
    synced.sync()
    uid, fid, _ = _thank_you(synced.db)
    synced.ok("followup", "done", str(fid))
    synced.sync()
    assert uid not in {e.uid for e in synced.phone.events(TASKS)}


def test_dry_run_after_changes_on_both_sides_says_so_and_changes_nothing(
    synced: Synced,
) -> None:
    _demo(synced)
    synced.sync()
    uid = next(iter(_pending(synced.db)))
    synced.phone.complete(uid)
    synced.ok("contact", "add", "Ngozi Okafor", "--company", "Umbrella")
    before, tasks_before = _file_digest(synced.db), synced.phone.tasks(TASKS)
    cards_before = len(synced.phone.cards("crm"))
    report = synced.sync("--dry-run")
    assert report["collections"]["tasks"]["received"] == 1
    assert report["collections"]["cards"]["sent"] == 1
    assert _file_digest(synced.db) == before
    assert len(synced.phone.cards("crm")) == cards_before
    assert [t.status for t in synced.phone.tasks(TASKS)] == [t.status for t in tasks_before]
    real = synced.sync()
    assert real["collections"]["cards"]["sent"] == 1
    assert [n["action"] for n in real["notes"]] == ["done on the phone"]
