"""Settings from config.toml, and the CLI honouring them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from crm import paths
from crm.cli import main
from crm.config import DEFAULT_BACKUPS_KEPT, ConfigError, load_settings, save_theme


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


def test_keys_and_theme_are_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\napp-quit = "ctrl+q,f10"\n\n[ui]\ntheme = "nord"\n')
    settings = load_settings(config)
    assert settings.keys == {"app-quit": "ctrl+q,f10"}
    assert settings.theme == "nord"
    assert load_settings(tmp_path / "none.toml").keys == {}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[keys]\napp-quit = 5\n", "app-quit"),
        ('[keys]\napp-quit = ""\n', "app-quit"),
        ("keys = 5\n", "[keys]"),
        ("[ui]\ntheme = 5\n", "theme"),
    ],
)
def test_bad_keys_or_theme_is_a_clear_error(tmp_path: Path, text: str, fragment: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert fragment in str(raised.value) and "\n" not in str(raised.value)


USER_CONFIG = """\
# my crm settings
[backups]
keep = 14  # two weeks

[ui]
# dark at night
theme = "nord"

[keys]
app-quit = "ctrl+q,f10"  # F10 like mc
"""


def test_saving_the_theme_keeps_everything_else(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(USER_CONFIG)
    save_theme(config, "gruvbox")
    assert config.read_text() == USER_CONFIG.replace('"nord"', '"gruvbox"')


def test_saving_the_theme_adds_the_line_or_the_section(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    without_line = USER_CONFIG.replace('theme = "nord"\n', "")
    config.write_text(without_line)
    save_theme(config, "gruvbox")
    assert config.read_text() == without_line.replace(
        "# dark at night\n", '# dark at night\ntheme = "gruvbox"\n'
    )
    no_section = "# mine\n[backups]\nkeep = 3"
    config.write_text(no_section)
    save_theme(config, "nord")
    assert config.read_text() == no_section + '\n\n[ui]\ntheme = "nord"\n'
    assert load_settings(config).backups_keep == 3
    missing = tmp_path / "new" / "config.toml"
    save_theme(missing, "nord")
    assert load_settings(missing).theme == "nord"


@pytest.mark.parametrize(
    "text", ['ui = { theme = "nord" }\n', "not toml [", 'ui.theme = "nord"\n[ui.x]\na = 1\n']
)
def test_a_theme_that_cant_be_saved_safely_leaves_the_file(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError):
        save_theme(config, "gruvbox")
    assert config.read_text() == text


def test_drafts_language_and_signature_are_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[drafts]\nlanguage = "RU"\nsignature = "  Анна Петрова "\n')
    drafts = load_settings(config).drafts
    assert (drafts.language, drafts.signature) == ("ru", "Анна Петрова")
    default = load_settings(tmp_path / "none.toml").drafts
    assert (default.language, default.signature) == ("en", "")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[drafts]\nlanguage = "fr"\n', "[drafts] language"),
        ("[drafts]\nlanguage = 5\n", "[drafts] language"),
        ("[drafts]\nsignature = 5\n", "[drafts] signature"),
        ('[drafts]\nsignatur = "me"\n', "signatur"),
        ("drafts = 5\n", "[drafts]"),
    ],
)
def test_bad_drafts_settings_are_one_clear_line(tmp_path: Path, text: str, fragment: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert fragment in str(raised.value) and "\n" not in str(raised.value)


def test_imap_defaults_and_values_are_read(tmp_path: Path) -> None:
    imap = load_settings(tmp_path / "none.toml").imap
    assert (imap.configured, imap.port, imap.folders, imap.tls) == (
        False,
        993,
        ("INBOX", "Sent"),
        True,
    )
    config = tmp_path / "config.toml"
    config.write_text(
        "[imap]\n"
        'host = " imap.example.org "\n'
        'username = "me@example.org"\n'
        "port = 1143\n"
        "password_command = \"pass show 'mail app'\"\n"
        'folders = ["INBOX", "Отправленные", "INBOX"]\n'
        "tls = false\n"
    )
    imap = load_settings(config).imap
    assert imap.configured
    assert (imap.host, imap.username, imap.port, imap.tls) == (
        "imap.example.org",
        "me@example.org",
        1143,
        False,
    )
    assert imap.password_command == ("pass", "show", "mail app")
    assert imap.folders == ("INBOX", "Отправленные")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("imap = 5\n", "[imap] must be a table"),
        ('[imap]\nhost = "imap.example.org"\n', "[imap] username must be set"),
        ('[imap]\nhost = "https://imap.example.org"\nusername = "me"\n', "[imap] host must be"),
        ('[imap]\nhost = "h"\nusername = "me"\nport = 0\n', "[imap] port must be"),
        ('[imap]\nhost = "h"\nusername = "me"\nport = "993"\n', "[imap] port must be"),
        ('[imap]\nhost = "h"\nusername = "me"\nfolders = "INBOX"\n', "[imap] folders must be"),
        ('[imap]\nhost = "h"\nusername = "me"\nfolders = []\n', "[imap] folders must be"),
        ('[imap]\nhost = "h"\nusername = "me"\nfolders = ["", "x"]\n', "[imap] folders must"),
        ('[imap]\nhost = "h"\nusername = "me"\ntls = "yes"\n', "[imap] tls must be true"),
        ('[imap]\nhost = "h"\nusername = "me"\npassword_command = 5\n', "[imap] password_co"),
        ('[imap]\nhost = "h"\nusername = "me"\npassword_command = "pass \'x"\n', "[imap] pa"),
        ('[imap]\nhost = "h"\nusername = "me"\nfolder = ["INBOX"]\n', "no setting 'folder'"),
    ],
)
def test_a_bad_imap_setting_is_one_clear_error(tmp_path: Path, text: str, words: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    message = str(raised.value)
    assert message.startswith(str(config)) and words in message and "\n" not in message


def test_mail_settings_are_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[mail]\nme = ["Anna@Example.org", " anna@gmail.com"]\n'
        'ignore_domains = ["@Bank.example"]\nstore_bodies = true\n'
    )
    mail = load_settings(config).mail
    assert mail.me == ("anna@example.org", "anna@gmail.com")
    assert mail.ignore_domains == ("bank.example",)
    assert mail.store_bodies is True
    default = load_settings(tmp_path / "none.toml").mail
    assert (default.me, default.ignore_domains, default.store_bodies) == ((), (), False)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[mail]\nme = "me@example.org"\n', "[mail] me"),
        ('[mail]\nme = ["not an address"]\n', "[mail] me"),
        ("[mail]\nme = [5]\n", "[mail] me"),
        ('[mail]\nignore_domains = ["nodot"]\n', "[mail] ignore_domains"),
        ('[mail]\nstore_bodies = "yes"\n', "[mail] store_bodies"),
        ("[mail]\nstore_body = true\n", "store_body"),
        ("mail = 5\n", "[mail]"),
    ],
)
def test_bad_mail_settings_are_one_clear_line(tmp_path: Path, text: str, fragment: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert fragment in str(raised.value) and "\n" not in str(raised.value)
