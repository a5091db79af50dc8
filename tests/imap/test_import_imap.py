"""`crm import imap`: the new mail of the [imap] folders, from a real Dovecot on loopback,
becomes conversations; nothing on the server changes, and only new mail is read again."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli import crm
from tests.imap_server import DovecotServer
from tests.services.test_mail_import import ME, NOW, D, message

AT = "2026-12-08 15:00"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imap_server: DovecotServer, capsys):  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text(
        f'[mail]\nme = ["{ME}"]\n'
        f'[imap]\nhost = "{imap_server.host}"\nport = {imap_server.port}\n'
        f'username = "{imap_server.username}"\npassword_env = "CRM_TEST_IMAP"\n'
        'folders = ["INBOX", "Sent"]\ntls = false\n'
    )
    monkeypatch.setenv("CRM_CONFIG", str(config))
    monkeypatch.setenv("CRM_TEST_IMAP", imap_server.password)
    imap_server.create("Sent")
    db = tmp_path / "crm.db"
    code, _, err = crm(
        capsys,
        "--db",
        str(db),
        "--now",
        AT,
        "contact",
        "add",
        "Анна Ли",
        "--email",
        "ann@initech.example",
    )
    assert code == 0, err
    return db


def run(capsys, db: Path, *args: str) -> dict:  # type: ignore[no-untyped-def]
    code, out, err = crm(capsys, "--db", str(db), "--now", AT, "import", "imap", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def test_new_mail_is_logged_once_and_the_server_is_left_as_it_was(
    setup: Path, imap_server: DovecotServer, capsys
) -> None:  # type: ignore[no-untyped-def]
    imap_server.append(
        "INBOX", message("ann@initech.example", ME, "Привет", at=NOW - 2 * D).as_bytes()
    )
    imap_server.append("INBOX", message("news@shop.example", ME, "Sale", at=NOW - 2 * D).as_bytes())
    imap_server.append(
        "Sent", message(ME, "ann@initech.example", "Re: Привет", at=NOW - D).as_bytes()
    )
    flags = {folder: imap_server.flags(folder) for folder in ("INBOX", "Sent")}
    assert run(capsys, setup, "--dry-run")["logged"] == 2
    first = run(capsys, setup)
    assert (first["read"], first["logged"]) == (3, 2)
    assert {folder: imap_server.flags(folder) for folder in ("INBOX", "Sent")} == flags
    imap_server.append(
        "INBOX", message("ann@initech.example", ME, "Вопрос", at=NOW - D / 2).as_bytes()
    )
    again = run(capsys, setup)
    assert (again["read"], again["logged"]) == (1, 1)  # only the new message is fetched
    assert run(capsys, setup)["read"] == 0
    with closing(sqlite3.connect(setup)) as connection:
        summaries = [row[0] for row in connection.execute("SELECT summary FROM interaction")]
    assert sorted(s.split(" — ")[0] for s in summaries) == ["Re: Привет", "Вопрос", "Привет"]


def test_a_renumbered_folder_is_read_again_without_logging_twice(
    setup: Path, imap_server: DovecotServer, capsys
) -> None:  # type: ignore[no-untyped-def]
    imap_server.append("Sent", message(ME, "ann@initech.example", "Thanks", at=NOW - D).as_bytes())
    assert run(capsys, setup)["logged"] == 1
    imap_server.recreate("Sent")
    imap_server.append("Sent", message(ME, "ann@initech.example", "Thanks", at=NOW - D).as_bytes())
    result = run(capsys, setup)
    assert (result["read"], result["logged"]) == (1, 0)


def test_a_wrong_password_is_one_line_and_writes_nothing(
    setup: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRM_TEST_IMAP", "wrong")
    code, out, err = crm(capsys, "--db", str(setup), "--now", AT, "import", "imap")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "refused the login" in err


def test_crm_sync_fetches_the_new_mail_too(setup: Path, imap_server: DovecotServer, capsys) -> None:  # type: ignore[no-untyped-def]
    imap_server.append("INBOX", message("ann@initech.example", ME, "Hello", at=NOW - D).as_bytes())
    code, out, err = crm(capsys, "--db", str(setup), "--now", AT, "sync", "--json")
    assert code == 0, err
    assert json.loads(out)["mail"]["logged"] == 1
    code, out, err = crm(capsys, "--db", str(setup), "--now", AT, "sync")
    assert (code, out.strip()) == (0, "Mail: logged 0 conversations from 0 new messages.")
