"""Looking up one follow-up's due time directly, not by scanning the (capped) agenda."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from crm.domain.types import FollowUpKind
from crm.services import followups
from tests.services.test_today import NOW, add_follow_ups, person

D = timedelta(days=1)


def test_a_pending_follow_up_is_found_however_far_ahead_and_however_many_others(
    db_path: Path,
) -> None:
    ann, bo = person("Ann Lee"), person("Bo Chen")
    # More overdue follow-ups than the agenda lists, then Ann's check-in a month ahead.
    add_follow_ups(bo, [(NOW - 20 * D, NOW - 10 * D, None, None)] * (followups.AGENDA_LIMIT + 5))
    (far,) = add_follow_ups(ann, [(NOW + 30 * D, NOW + 31 * D, None, None)])
    assert followups.pending_window_end(FollowUpKind.CHECK_IN, ann, None) == NOW + 31 * D
    assert followups.window_end(far) == NOW + 31 * D
    assert followups.pending_window_end(FollowUpKind.HEADS_UP, ann, None) is None
    assert followups.window_end(far + 10_000) is None


def test_a_done_follow_up_is_not_pending(db_path: Path) -> None:
    ann = person("Ann Lee")
    (done,) = add_follow_ups(ann, [(NOW - 2 * D, NOW - D, None, NOW - D)])
    assert followups.pending_window_end(FollowUpKind.CHECK_IN, ann, None) is None
    assert followups.window_end(done) == NOW - D
