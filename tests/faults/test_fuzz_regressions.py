"""The crashes and gaps the fuzzers found, pinned as plain examples so they stay fixed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crm.cli import main
from crm.db import close_database, migrate, open_database
from crm.domain.types import ContactDraft
from crm.domain.when import WhenError, parse_when
from crm.services import contacts, exchange
from tests.faults.snapshots import snapshot

pytestmark = pytest.mark.faults

NOW = datetime(2026, 11, 18, 15, 0)
TOO_LARGE = str(2**63)  # one more than SQLite's largest integer


def test_a_typed_date_with_a_newline_is_refused_in_one_line() -> None:
    with pytest.raises(WhenError) as refused:
        parse_when("0\n", now=NOW, tz=UTC)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "command",
    [
        ["followup", "done", TOO_LARGE],
        ["followup", "snooze", TOO_LARGE, "--until", "tomorrow"],
        ["opportunity", "stage", TOO_LARGE, "offer"],
        ["interview", "done", TOO_LARGE],
        ["backchannel", "--interview", TOO_LARGE],
        ["import", "undo", TOO_LARGE],
        ["merge", TOO_LARGE, "1"],
        ["log", TOO_LARGE, "--channel", "email", "--kind", "other", "--summary", "Hi"],
        ["log", "Ann Lee", "--channel", "email", "--kind", "other", "--summary", "Hi",
         "--opportunity", TOO_LARGE],
    ],
)  # fmt: skip
def test_an_id_too_large_for_sqlite_is_refused_in_one_line(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = str(tmp_path / "crm.sqlite3")
    with pytest.raises(SystemExit):
        main(["--db", db_path, "contact", "add", "Ann Lee"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db_path, *command])
    close_database()
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1 and out == ""
    assert err == (
        f"crm: The number {TOO_LARGE} is too large "
        "(crm stores numbers up to 9,223,372,036,854,775,807).\n"
    )


def _export_with(tmp_path: Path, **changes: object) -> Path:
    """A one-contact export whose contact has ``changes`` applied."""
    open_database(tmp_path / "source.sqlite3")
    migrate()
    contacts.create_contact(ContactDraft(name="Ann Lee", keep_in_touch_days=30), now=NOW)
    document = json.loads(exchange.export_json())
    close_database()
    document["contacts"][0].update(changes)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))  # ASCII, so a lone surrogate is spelled "\ud800"
    return path


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"keep_in_touch_days": 2**70}, "is not a number of days from 1 to 36,500"),
        ({"keep_in_touch_days": 10**6}, "is not a number of days from 1 to 36,500"),
        ({"keep_in_touch_days": -5}, "is not a number of days from 1 to 36,500"),
        ({"name": "Ann \ud800"}, "contacts[0].name: the text isn't valid Unicode"),
        ({"topics": ["\udcff"]}, "contacts[0].topics: the text isn't valid Unicode"),
    ],
)
def test_a_json_export_sqlite_cant_store_or_the_app_cant_read_is_refused(
    changes: dict[str, object], problem: str, tmp_path: Path
) -> None:
    source = _export_with(tmp_path, **changes)
    target = tmp_path / "target.sqlite3"
    open_database(target)
    migrate()
    close_database()
    before = snapshot(target)
    open_database(target)
    with pytest.raises(
        exchange.ExchangeError, match=problem.replace("[", r"\[").replace("]", r"\]")
    ):
        exchange.import_json_file(source)
    close_database()
    assert snapshot(target) == before
