"""`[imap] ca_file`: a self-hosted server's own certificate authority is trusted when the
config names it, and only then; a wrong file is one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import crm
from tests.imap_server import DovecotServer
from tests.services.test_mail_import import ME, NOW, D, message

AT = "2026-12-08 15:00"


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, port: int, ca_line: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[mail]\nme = ["{ME}"]\n'
        f'[imap]\nhost = "127.0.0.1"\nport = {port}\n'
        f'username = "{DovecotServer.username}"\npassword_env = "CRM_TEST_IMAP"\n'
        f'folders = ["INBOX"]\n{ca_line}'
    )
    monkeypatch.setenv("CRM_CONFIG", str(config))
    monkeypatch.setenv("CRM_TEST_IMAP", DovecotServer.password)


def import_imap(capsys, db: Path) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return crm(capsys, "--db", str(db), "--now", AT, "import", "imap", "--json")  # type: ignore[no-any-return]


def test_the_servers_own_ca_is_trusted_only_when_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imap_tls_server: DovecotServer, capsys
) -> None:  # type: ignore[no-untyped-def]
    server = imap_tls_server
    server.append("INBOX", message("ann@initech.example", ME, "Привет", at=NOW - D).as_bytes())
    db = tmp_path / "crm.db"
    code, _, err = crm(
        capsys, "--db", str(db), "contact", "add", "Анна Ли", "--email", "ann@initech.example"
    )
    assert code == 0, err

    configure(tmp_path, monkeypatch, server.port, "")
    code, out, err = import_imap(capsys, db)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "certificate isn't trusted" in err

    configure(tmp_path, monkeypatch, server.port, f'ca_file = "{server.ca_file}"\n')
    code, out, err = import_imap(capsys, db)
    assert code == 0, err
    assert json.loads(out)["logged"] == 1


@pytest.mark.parametrize("content", [None, "not a certificate\n"])
def test_a_ca_file_that_is_missing_or_not_a_certificate_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, content: str | None
) -> None:  # type: ignore[no-untyped-def]
    ca = tmp_path / "ca.pem"
    if content is not None:
        ca.write_text(content)
    # No server: the file is refused before any connection is tried.
    configure(tmp_path, monkeypatch, 1, f'ca_file = "{ca}"\n')
    code, out, err = import_imap(capsys, tmp_path / "crm.db")
    assert code != 0 and out == ""
    assert err.strip().count("\n") == 0 and "[imap] ca_file" in err
