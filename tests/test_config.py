"""Settings from config.toml, and the CLI honouring them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from crm import paths
from crm.cli import main
from crm.config import DEFAULT_BACKUPS_KEPT, ConfigError, load_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml").backups_keep == DEFAULT_BACKUPS_KEPT


def test_keep_is_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[backups]\nkeep = 14\n")
    assert load_settings(config).backups_keep == 14


@pytest.mark.parametrize(
    "text", ["[backups]\nkeep = -1\n", "[backups]\nkeep = 'x'\n", "not toml ["]
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=str(config)):
        load_settings(config)


def test_after_process_days_defaults_to_90_and_is_read(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml").after_process_days == 90
    config = tmp_path / "config.toml"
    config.write_text("[keep_in_touch]\nafter_process_days = 45\n")
    assert load_settings(config).after_process_days == 45


@pytest.mark.parametrize(
    "text",
    [
        "[keep_in_touch]\nafter_process_days = 0\n",
        "[keep_in_touch]\nafter_process_days = 'x'\n",
        "[keep_in_touch]\nafter_process_days = true\n",
        "[keep_in_touch]\nafter_process_days = 99999999\n",
        "keep_in_touch = 5\n",
    ],
)
def test_a_bad_after_process_days_is_a_clear_error(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match="after_process_days"):
        load_settings(config)


def run(*args: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    return int(done.value.code or 0)


def test_keep_zero_turns_daily_backups_off(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = Path(paths.config_path())
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[backups]\nkeep = 0\n")
    db = tmp_path / "crm.sqlite3"
    run("--db", str(db), "contact", "add", "Ann")
    run("--db", str(db), "search", "ann", "--json")
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())


def test_daily_backup_is_taken_and_private(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "crm.sqlite3"
    run("--db", str(db), "contact", "add", "Ann")
    run("--db", str(db), "search", "ann", "--json")
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700


def test_wal_files_are_private_too(tmp_path: Path) -> None:
    from crm.db import close_database, db, migrate, open_database

    path = tmp_path / "crm.sqlite3"
    open_database(path)
    migrate()
    with db.connection_context():
        db.execute_sql("CREATE TABLE IF NOT EXISTS probe (x)")
        wal = Path(str(path) + "-wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    close_database()
