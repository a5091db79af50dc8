"""What new mail does to a proposal the user has already answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.domain.review import ACCEPTED, IGNORED, PENDING, SKIPPED, state_after_mail

SEEN = datetime(2026, 11, 18, 15, 0)
LATER = SEEN + timedelta(minutes=1)


def test_ignored_never_comes_back() -> None:
    assert state_after_mail(IGNORED, SEEN, LATER) == IGNORED


def test_skipped_comes_back_only_with_newer_mail() -> None:
    assert state_after_mail(SKIPPED, SEEN, SEEN) == SKIPPED
    assert state_after_mail(SKIPPED, SEEN, SEEN - timedelta(days=3)) == SKIPPED
    assert state_after_mail(SKIPPED, SEEN, LATER) == PENDING


def test_accepted_then_unknown_again_is_proposed_again_with_newer_mail() -> None:
    assert state_after_mail(ACCEPTED, SEEN, SEEN) == ACCEPTED
    assert state_after_mail(ACCEPTED, SEEN, LATER) == PENDING


def test_pending_stays_pending() -> None:
    assert state_after_mail(PENDING, SEEN, SEEN - timedelta(days=1)) == PENDING
