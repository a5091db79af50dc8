"""What goes wrong between crm and a server: one line each, a non-zero exit, nothing changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.dav_servers import RadicaleServer
from tests.sync.conftest import Synced


def _digest(db: Path) -> str:
    digest = hashlib.sha256()
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _fails(synced: Synced, fragment: str, *args: str) -> str:
    before = _digest(synced.db)
    code, out, err = synced.crm("sync", *args)
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and fragment in err, err
    assert _digest(synced.db) == before
    return err


def test_an_unreachable_server_is_one_line(synced: Synced) -> None:
    synced.ok("demo", "--no-open")
    synced.server.kill()
    _fails(synced, "refused the connection")


def test_a_wrong_password_is_one_line_and_never_printed(
    tmp_path: Path, synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not isinstance(synced.server, RadicaleServer):
        pytest.skip("Xandikos has no authentication of its own")
    synced.ok("demo", "--no-open")
    monkeypatch.setenv("CRM_TEST_DAV_PASSWORD", "wrong-secret-123")
    err = _fails(synced, "refused the user name or password")
    assert "wrong-secret-123" not in err


def test_a_password_command_is_run_without_a_shell(synced: Synced, tmp_path: Path) -> None:
    script = tmp_path / "secret.sh"
    script.write_text(f"#!/bin/sh\necho '{synced.server.password or 'x'}'\n")
    script.chmod(0o755)
    synced.configure(password_command=f"{script} --for crm")
    synced.config.write_text(
        synced.config.read_text().replace('password_env = "CRM_TEST_DAV_PASSWORD"\n', "")
    )
    synced.ok("demo", "--no-open")
    assert synced.sync()["collections"]["tasks"]["sent"] > 0


def test_a_failing_password_command_is_one_line(synced: Synced) -> None:
    synced.configure(password_command="false")
    synced.config.write_text(
        synced.config.read_text().replace('password_env = "CRM_TEST_DAV_PASSWORD"\n', "")
    )
    synced.ok("demo", "--no-open")
    _fails(synced, "password_command 'false' failed")


def test_a_collection_that_cant_hold_tasks_is_one_line(synced: Synced) -> None:
    synced.phone.mkcalendar("crm follow-ups", ("VEVENT",))
    synced.ok("demo", "--no-open")
    _fails(synced, "can't hold tasks")


def test_sync_not_set_up_is_one_line(synced: Synced) -> None:
    synced.config.write_text("")
    synced.ok("demo", "--no-open")
    _fails(synced, "Sync is not set up")


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('url = "ftp://x"', "must start with https://"),
        ("every = -1", "every must be a whole number"),
        ("tasks_as_events = 3", "true or false"),
        ('colour = "red"', "no setting 'colour'"),
    ],
)
def test_bad_sync_settings_are_one_line(synced: Synced, line: str, fragment: str) -> None:
    synced.ok("demo", "--no-open")
    text = synced.config.read_text()
    key = line.split(" =")[0]
    kept = [entry for entry in text.splitlines() if not entry.startswith(key + " ")]
    synced.config.write_text("\n".join([*kept, line]) + "\n")
    _fails(synced, fragment)


def test_the_config_option_names_another_file(synced: Synced, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text(synced.config.read_text())
    synced.config.write_text("")
    synced.ok("demo", "--no-open")
    out = synced.ok("--config", str(other), "sync")
    assert out.startswith("Synced:")
    assert synced.ok("--config", str(other), "locate", "config").strip() == str(other)


def test_tls_is_verified_and_ca_file_trusts_a_private_ca(
    radicale_tls: RadicaleServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crm import paths

    synced = Synced(
        radicale_tls, tmp_path / "crm.sqlite3", paths.config_path(), capsys, monkeypatch
    )
    synced.ok("demo", "--no-open")
    _fails(synced, "certificate could not be verified")
    synced.configure(ca_file=str(radicale_tls.ca_file))
    assert synced.sync()["collections"]["tasks"]["sent"] > 0
    synced.configure(ca_file=str(tmp_path / "missing.pem"))
    _fails(synced, "is not a file")
