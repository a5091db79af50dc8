"""In the app too, the user's own commitment in a logged summary is the next touch."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crm.db.models import FollowUp
from crm.services.tx import reading
from tests.tui.helpers import build_app, settle
from tests.tui.test_log_rules import log_with, notices, process


async def test_a_summary_with_a_day_plans_that_day(db_path: Path, now: datetime) -> None:
    ids = process(now)  # now is Wednesday 18 November 2026 (TZ=UTC)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await log_with(
            app, pilot, ids["ann"], {"summary": "Sent the deck. Наберу вам в понедельник в 11:00."}
        )
        said = notices(app)
    assert [severity for _, severity in said] == ["information"]
    assert "due Mon 23 Nov 11:00" in said[0][0]
    with reading():
        [start] = [f.window_start for f in FollowUp.select() if f.done_at is None]
    assert start == datetime(2026, 11, 23, 11, 0)
