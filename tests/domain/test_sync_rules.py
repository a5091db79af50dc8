"""The sync's pure rules: the field merge (later change wins) and the title bar's words."""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.domain.sync import merge_fields, status_label

T0 = datetime(2026, 11, 18, 9, 0)


def test_a_field_changed_on_one_side_takes_that_side() -> None:
    base = {"name": "Ann", "title": "Dev"}
    merged = merge_fields(
        base,
        {"name": "Ann", "title": "Lead"},
        {"name": "Anne", "title": "Dev"},
        local_at=T0,
        remote_at=T0,
    )
    assert merged.values == {"name": "Anne", "title": "Lead"}
    assert merged.conflicts == ()
    assert merged.local_changed and merged.remote_changed


def test_both_sides_changed_the_later_wins_and_the_loser_is_kept() -> None:
    base = {"title": "Dev"}
    later_phone = merge_fields(
        base, {"title": "Lead"}, {"title": "CTO"}, local_at=T0, remote_at=T0 + timedelta(hours=1)
    )
    assert later_phone.values == {"title": "CTO"}
    [conflict] = later_phone.conflicts
    assert (conflict.kept, conflict.lost, conflict.winner) == ("CTO", "Lead", "server")
    later_crm = merge_fields(
        base, {"title": "Lead"}, {"title": "CTO"}, local_at=T0 + timedelta(hours=1), remote_at=T0
    )
    assert later_crm.values == {"title": "Lead"} and later_crm.conflicts[0].winner == "crm"
    assert later_crm.remote_changed and not later_crm.local_changed


def test_a_card_without_rev_counts_as_changed_when_seen() -> None:
    merged = merge_fields(
        {"title": "Dev"}, {"title": "Lead"}, {"title": "CTO"}, local_at=T0, remote_at=None
    )
    assert merged.values == {"title": "CTO"}


def test_no_base_means_every_difference_is_a_conflict() -> None:
    merged = merge_fields(
        None,
        {"emails": ("a@x.org",)},
        {"emails": ("b@x.org",)},
        local_at=T0 + timedelta(1),
        remote_at=T0,
    )
    assert merged.values == {"emails": ("a@x.org",)}
    assert merged.conflicts[0].lost == ("b@x.org",)


def test_the_title_bar_words() -> None:
    now = T0
    assert status_label(last_synced=None, failure="", running=False, now=now) == ""
    assert status_label(last_synced=None, failure="", running=True, now=now) == "syncing…"
    assert status_label(last_synced=now, failure="", running=False, now=now) == "synced just now"
    assert (
        status_label(last_synced=now - timedelta(minutes=2), failure="", running=False, now=now)
        == "synced 2 min ago"
    )
    assert (
        status_label(last_synced=now, failure="x refused", running=False, now=now)
        == "sync failed: x refused"
    )
