"""The app in the user's zone: typed times are read on their own date's offset, shown local."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from crm import paths
from crm.screens.interview_form import InterviewDraft, InterviewForm
from crm.services import opportunities
from crm.widgets.cells import ago, local_time, short_local
from crm.zone import reset_user_zone
from tests.tui.test_interview_forms import FormHost, add_contact, settle

# Monday 1 June 2026, 09:00 in New York (EDT, UTC-4).
NOW = datetime(2026, 6, 1, 13, 0)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2026-07-01 15:00", datetime(2026, 7, 1, 19, 0)),  # EDT, UTC-4
        ("2026-12-01 15:00", datetime(2026, 12, 1, 20, 0)),  # EST, UTC-5
    ],
)
async def test_an_interview_typed_in_the_form_is_read_on_its_dates_offset(
    db_path: Path, new_york: None, typed: str, stored: datetime
) -> None:
    ann = add_contact("Ann Lee", "Initech")
    wanted = opportunities.add_opportunity("Initech", "Engineer", now=NOW)
    app = FormHost(InterviewForm(wanted), NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*typed, "tab", "tab", *"Ann Lee", "tab", "enter")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, InterviewDraft) and draft.interviewer_ids == (ann,)
    assert draft.starts_at == stored


def test_times_are_shown_in_the_zone_of_their_own_date(new_york: None) -> None:
    assert short_local(datetime(2026, 10, 30, 19, 0)) == "Fri 30 Oct 15:00"  # EDT
    assert short_local(datetime(2026, 11, 6, 20, 0)) == "Fri 06 Nov 15:00"  # EST
    # 18:00 and 22:00 in New York are one day to the user, though UTC has moved to the 19th.
    assert ago(datetime(2026, 11, 18, 23, 0), datetime(2026, 11, 19, 3, 0)) == "today"
    assert ago(datetime(2026, 11, 18, 3, 0), datetime(2026, 11, 18, 6, 0)) == "yesterday"


def test_the_config_zone_is_the_one_shown(tmp_path: Path) -> None:
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[time]\nzone = "Asia/Kolkata"\n')
    reset_user_zone()  # the file changed under an unchanged path
    try:
        assert short_local(datetime(2026, 10, 30, 9, 30)) == "Fri 30 Oct 15:00"
        assert local_time(datetime(2026, 10, 30, 9, 30)).utcoffset().total_seconds() == 19800  # type: ignore[union-attr]
    finally:
        config.unlink()
        reset_user_zone()
