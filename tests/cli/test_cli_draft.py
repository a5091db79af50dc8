"""`crm draft`: the text, --lang, --eml, --mailto, --json, --log-sent, and its one-line errors."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.cli.test_cli_daily import Cli, one_line_error

# Tuesday 8 December 2026, 15:00 (tests run with TZ=UTC): the next step is Thursday.
NOW = "2026-12-08 15:00"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


@pytest.fixture
def email_id(cli: Cli) -> int:
    """Кэти Смирнова (Russian drafts) interviewed the user this morning for Staff Engineer at
    Initech, which Ann Lee referred them to: the thank-you e-mail is due."""
    cli.ok("contact", "add", "Кэти Смирнова", "--email", "katie@initech.example",
           "--lang", "ru", now=NOW)  # fmt: skip
    cli.ok("contact", "add", "Ann Lee", now=NOW)
    opp = cli.new_id("opportunity", "add", "--company", "Initech", "--role", "Staff Engineer",
                     "--referrer", "Ann Lee", now=NOW)  # fmt: skip
    cli.ok("interview", "add", str(opp), "--at", "2026-12-08 10:00",
           "--interviewer", "Кэти Смирнова", now="2026-12-07 10:00")  # fmt: skip
    cli.ok("interview", "done", "1", "--at", "2026-12-08 11:00", now=NOW)
    [email] = [i for i in cli.agenda(now=NOW)["due"] if i["kind"] == "thank-you-email"]
    return int(email["id"])


def test_the_draft_prints_subject_and_body_in_the_contacts_language(
    cli: Cli, email_id: int
) -> None:
    code, out, err = cli("draft", str(email_id), now=NOW)
    assert code == 0
    assert out.startswith("Subject: Спасибо за собеседование на позицию Staff Engineer\n\n")
    assert "Здравствуйте, Кэти Смирнова!" in out and "Я свяжусь с вами в четверг." in out
    assert err == "crm: 2 blanks to fill: interview_notes, signature\n"
    english = cli("draft", str(email_id), "--lang", "en", now=NOW)[1]
    assert english.startswith("Subject: Thank you for the first-round interview for Staff")
    assert "I'll follow up on Thursday." in english


def test_json_names_the_blanks(cli: Cli, email_id: int) -> None:
    code, out, _ = cli("draft", str(email_id), "--json", "--lang", "en", now=NOW)
    payload = json.loads(out)
    assert code == 0 and payload["to"] == "katie@initech.example"
    assert payload["blanks"] == ["interview_notes", "signature"]
    assert payload["kind"] == "thank-you-email" and payload["language"] == "en"


def test_eml_writes_a_new_file_and_refuses_to_overwrite_it(
    cli: Cli, email_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "thanks.eml"
    code, out, _ = cli("draft", str(email_id), "--eml", str(path), now=NOW)
    assert code == 0 and out == f"Wrote {path}.\n"
    message = BytesParser(policy=default).parsebytes(path.read_bytes())
    assert message["To"].addresses[0].addr_spec == "katie@initech.example"
    assert message["Subject"] == "Спасибо за собеседование на позицию Staff Engineer"
    body = message.get_body(("plain",))
    assert body is not None and "Я свяжусь с вами в четверг." in body.get_content()
    before = path.read_bytes()
    one_line_error(*cli("draft", str(email_id), "--eml", str(path), now=NOW), "--force")
    assert path.read_bytes() == before
    assert cli("draft", str(email_id), "--eml", str(path), "--force", "--lang", "en",
               now=NOW)[0] == 0  # fmt: skip
    assert b"Thank you for the first-round interview" in path.read_bytes()


def test_mailto_prints_a_link_that_parses_back(cli: Cli, email_id: int) -> None:
    code, out, _ = cli("draft", str(email_id), "--mailto", now=NOW)
    parts = urlsplit(out.strip())
    assert code == 0 and parts.scheme == "mailto" and parts.path == "katie@initech.example"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Спасибо за собеседование на позицию Staff Engineer"]
    assert "Я свяжусь с вами в четверг." in query["body"][0]


def test_log_sent_settles_and_plans_the_note(cli: Cli, email_id: int, tmp_path: Path) -> None:
    sent = tmp_path / "sent.txt"
    sent.write_text("Subject: Спасибо!\n\nСпасибо за встречу. Я свяжусь с вами в четверг.\n")
    code, out, err = cli("draft", str(email_id), "--log-sent", "--text", str(sent), now=NOW)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Logged conversation #") and "(thank-you by email)" in lines[0]
    assert any(line.startswith("Settled: ") and f"(#{email_id})" in line for line in lines)
    assert any(line.startswith("Planned: Send a handwritten thank-you note") for line in lines)
    shown = cli.ok("conversation", "show", lines[0].split("#")[1].split()[0], now=NOW)
    assert "Sent: Спасибо!" in shown
    one_line_error(*cli("draft", str(email_id), "--log-sent", now=NOW), "done already")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("draft", "999"), "There is no follow-up #999"),
        (("draft", "1", "--lang", "fr"), "isn't a draft language"),
        (("draft", "1", "--mailto", "--json"), "not several"),
        (("draft", "1", "--text", "x.txt"), "--text goes with --log-sent"),
        (("draft", "1", "--log-sent", "--text", "/no/such/file"), "/no/such/file"),
    ],
)
def test_bad_input_is_one_line(
    cli: Cli, email_id: int, args: tuple[str, ...], fragment: str
) -> None:
    one_line_error(*cli(*args, now=NOW), fragment)


def test_locate_prints_the_drafts_folder(cli: Cli, tmp_path: Path) -> None:
    assert cli.ok("locate", "drafts").strip() == str(tmp_path / "config" / "drafts")
    assert "drafts:" in cli.ok("locate")


def test_eml_dash_writes_the_message_to_standard_output(cli: Cli, email_id: int) -> None:
    code, out, err = cli("draft", str(email_id), "--eml", "-", "--lang", "en", now=NOW)
    assert code == 0 and "blanks to fill" in err
    message = BytesParser(policy=default).parsebytes(out.encode())
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == "Thank you for the first-round interview for Staff Engineer"
