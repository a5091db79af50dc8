"""Hostile text: control characters, escape sequences, bidi overrides and Rich markup in data.

Text is cleaned where it enters (typed, or from any importer) and escaped where the command
line prints it, so that rows stored before cleaning existed print safely too: no ESC or BEL
byte from data reaches the terminal, nothing crashes, and markup prints literally. Every
failure of the command line is one line on stderr.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from crm.cli import main
from crm.db import close_database, migrate, open_database
from crm.domain.text import clean_text, show_controls
from crm.services import demo

pytestmark = pytest.mark.faults

NOW = "2026-11-18 15:00"

OSC_TITLE = "\x1b]0;PWNED\x07"
HIDDEN = "\x1b[8mhidden\x1b[0m"
OSC_LINK = "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"
BIDI = "\u202eevil\u202c"
C1_CSI = "\x9b31m"
NUL = "nul\x00byte"
MARKUP = ("[/]", "[link=http://evil.example]click[/link]", "[bold]loud[/bold]")
HOSTILE = (OSC_TITLE, HIDDEN, OSC_LINK, BIDI, C1_CSI, NUL, *MARKUP)
"""Each piece alone; ``HOSTILE_TEXT`` is all of them in one value."""
HOSTILE_TEXT = " ".join(HOSTILE)

UNSAFE = ("\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u202c")
"""What must never reach a terminal from data."""


def run_crm(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``crm ARGS`` in-process, as a user would; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    close_database()
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def assert_terminal_safe(out: str, err: str) -> None:
    for text in (out, err):
        for char in UNSAFE:
            assert char not in text, (repr(char), text)
    assert "Traceback" not in err and "unexpected error" not in err, err


def stored_texts(path: Path) -> list[str]:
    """Every text value in every table (the search index aside)."""
    values: list[str] = []
    with closing(sqlite3.connect(path)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'contact_index%' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                values += [value for value in row if isinstance(value, str)]
    return values


def assert_stored_clean(path: Path) -> None:
    for value in stored_texts(path):
        for char in UNSAFE:
            assert char not in value, (repr(char), value)


# --- the two helpers -----------------------------------------------------------------------


@pytest.mark.parametrize("piece", HOSTILE)
def test_clean_text_drops_controls_and_bidi_overrides_and_keeps_markup_as_text(
    piece: str,
) -> None:
    cleaned = clean_text(f"Ann {piece} Lee")
    assert not any(char in cleaned for char in UNSAFE)
    assert cleaned.startswith("Ann ") and cleaned.endswith(" Lee")
    if piece in MARKUP:
        assert piece in cleaned  # markup is text: stored as typed, printed literally


def test_clean_text_keeps_lines_only_where_a_field_allows_them() -> None:
    assert clean_text("one\r\ntwo\tthree\x1b") == "one two three"
    assert clean_text("one\r\ntwo\rthree\tfour\x1b", allow_newlines=True) == (
        "one\ntwo\nthree\tfour"
    )
    # Right-to-left marks are hints real names use; they stay.
    assert clean_text("\u200fשלום\u200e") == "\u200fשלום\u200e"


def test_show_controls_writes_each_one_out_visibly() -> None:
    assert show_controls(f"Bob{OSC_TITLE}") == "Bob\\x1b]0;PWNED\\x07"
    assert show_controls("a\u202eb\x9b") == "a\\u202eb\\x9b"
    assert show_controls("two\nlines") == "two\nlines"
    assert show_controls("two\nlines", one_line=True) == "two\\nlines"
    assert show_controls("Кэти [/]") == "Кэти [/]"


# --- typed on the command line -------------------------------------------------------------


@pytest.fixture
def typed_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A database where every field was typed with the whole hostile corpus in it."""
    path = tmp_path / "typed.sqlite3"
    db = ("--db", str(path), "--now", NOW)
    for name, email in ((f"Ann {HOSTILE_TEXT} Lee", "ann@x.example"), ("Bob Stone", "")):
        code, _out, err = run_crm(
            capsys,
            *db,
            "contact",
            "add",
            name,
            "--company",
            f"Acme {HOSTILE_TEXT}",
            "--role",
            HOSTILE_TEXT,
            "--topic",
            HOSTILE_TEXT,
            "--note",
            HOSTILE_TEXT,
            "--how-met",
            HOSTILE_TEXT,
            *(("--email", email) if email else ()),
        )
        assert code == 0, err
    # A second Ann with the same e-mail: a likely duplicate to list.
    assert run_crm(capsys, *db, "contact", "add", "Ann Lee", "--email", "ann@x.example")[0] == 0
    steps = [
        ["opportunity", "add", "--company", f"Acme {HOSTILE_TEXT}", "--role", HOSTILE_TEXT,
         "--referrer", "2"],
        ["interview", "add", "1", "--at", "2026-11-16 10:00", "--interviewer", "1",
         "--kind", HOSTILE_TEXT],
        ["interview", "done", "1"],
        ["log", "1", "--channel", "email", "--kind", "check-in", "--summary", HOSTILE_TEXT,
         "--opportunity", "1", "--next", "in 2 days"],
        ["references", "add", "2", "--relationship", HOSTILE_TEXT,
         "--talking-points", HOSTILE_TEXT],
        ["references", "give", "2", "--opportunity", "1"],
        ["connect", "1", "2", "--note", HOSTILE_TEXT],
    ]  # fmt: skip
    for step in steps:
        code, _out, err = run_crm(capsys, *db, *step)
        assert code == 0, (step, err)
    return path


def test_typed_text_is_stored_without_control_characters(typed_db: Path) -> None:
    assert_stored_clean(typed_db)
    assert any("[link=http://evil.example]click[/link]" in v for v in stored_texts(typed_db))


PRINTING_COMMANDS = [
    ["search", "ann"],
    ["search", "acme", "--json"],
    ["agenda"],
    ["agenda", "--json"],
    ["backchannel", "--company", "acme"],
    ["backchannel", "--interview", "1"],
    ["backchannel", "--company", "acme", "--json"],
    ["references"],
    ["references", "--json"],
    ["references", "export"],
    ["references", "export", "--plain"],
    ["connections", "1"],
    ["connections", "1", "--json"],
    ["duplicates"],
    ["duplicates", "--json"],
    ["opportunity", "list"],
    ["opportunity", "list", "--json"],
    ["import", "list"],
    ["import", "list", "--json"],
    ["export", "json"],
    ["export", "csv", "contacts"],
    ["export", "csv", "interactions"],
    ["export", "vcard"],
]


@pytest.mark.parametrize("command", PRINTING_COMMANDS, ids=" ".join)
def test_typed_hostile_text_prints_safely(
    command: list[str], typed_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_crm(capsys, "--db", str(typed_db), "--now", NOW, *command)
    assert code == 0, err
    assert_terminal_safe(out, err)


def test_markup_in_data_prints_literally(
    typed_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_crm(capsys, "--db", str(typed_db), "--now", NOW, "connections", "2")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "[/]" in flat and "[bold]loud[/bold]" in flat


# --- rows stored before input was cleaned --------------------------------------------------


@pytest.fixture(scope="module")
def dirty_database(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The demo sample, with the hostile corpus written into its text straight through
    sqlite3, as a database from before cleaning (or another program) may hold it."""
    path = tmp_path_factory.mktemp("dirty") / "crm.sqlite3"
    open_database(path)
    migrate()
    demo.write_sample(datetime(2026, 11, 18, 15))
    close_database()
    with closing(sqlite3.connect(path)) as connection, connection:
        h = HOSTILE_TEXT
        connection.execute("UPDATE contact SET name = name || ' ' || ?, role = ?", (h, h))
        connection.execute("UPDATE company SET name = name || ' ' || ?", (h,))
        connection.execute("UPDATE opportunity SET role = role || ' ' || ?", (h,))
        connection.execute("UPDATE interaction SET summary = ?", (h,))
        connection.execute("UPDATE follow_up SET note = ?", (h,))
        connection.execute("UPDATE connection SET note = ?", (h,))
        connection.execute("UPDATE reference SET relationship = ?, talking_points = ?", (h, h))
        connection.execute("UPDATE contact_topic SET name = name || ' ' || ?", (h,))
        connection.execute(
            "INSERT INTO import_batch (source, filename, created_at, summary)"
            " VALUES ('linkedin', ?, '2026-11-18 10:00:00', '{}')",
            (f"{h}.csv",),
        )
    return path.read_bytes()


@pytest.fixture
def dirty_db(dirty_database: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "crm.sqlite3"
    path.write_bytes(dirty_database)
    return path


SHOWS_NO_CORPUS = {"duplicates"}


@pytest.mark.parametrize("command", PRINTING_COMMANDS, ids=" ".join)
def test_stored_hostile_text_prints_safely(
    command: list[str], dirty_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if command[0] == "search":
        command = [command[0], "a", *command[2:]]  # the index holds the names before the corpus
    code, out, err = run_crm(capsys, "--db", str(dirty_db), "--now", NOW, *command)
    assert code == 0, err
    assert_terminal_safe(out, err)
    if "--json" in command or command[0] == "export":
        return
    if command[0] not in SHOWS_NO_CORPUS:
        assert "\\x1b" in out  # the data is there, made visible


def test_stored_hostile_text_in_what_log_and_followup_say(
    dirty_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", str(dirty_db), "--now", NOW)
    code, out, err = run_crm(
        capsys, *db, "log", "1", "--channel", "email", "--kind", "casual", "--summary", "hi"
    )
    assert code == 0, err
    assert_terminal_safe(out, err)
    assert "\\x1b]0;PWNED\\x07" in out
    code, out, err = run_crm(capsys, *db, "agenda", "--json")
    first = json.loads(out)["overdue"][0]["id"]
    code, out, err = run_crm(capsys, *db, "followup", "done", str(first))
    assert code == 0, err
    assert_terminal_safe(out, err)


def test_an_error_quoting_user_text_is_one_safe_line(
    dirty_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", str(dirty_db), "--now", NOW)
    for command in (
        ["backchannel", "--company", f"Nowhere {HOSTILE_TEXT}\nsecond line"],
        ["log", f"Nobody {HOSTILE_TEXT}", "--channel", "email", "--kind", "other",
         "--summary", "x"],
        ["search", "x", "--limit", f"{OSC_TITLE}"],
    ):  # fmt: skip
        code, out, err = run_crm(capsys, *db, *command)
        assert code != 0 and out == ""
        assert err.startswith("crm: ") and len(err.splitlines()) == 1, err
        assert_terminal_safe(out, err)


# --- from each importer --------------------------------------------------------------------


def _linkedin_csv(folder: Path) -> Path:
    path = folder / "Connections.csv"
    rows = [
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        f'"Kat{OSC_TITLE}","Lee {BIDI}",https://www.linkedin.com/in/kat-lee,'
        f'"kat{HIDDEN}@x.example","Acme {OSC_LINK} [/]","{C1_CSI} [link=http://e.x]x[/link]",'
        "01 Nov 2026",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _vcard(folder: Path) -> Path:
    path = folder / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"FN:Kat{OSC_TITLE}Lee {BIDI}\r\n"
        f"ORG:Acme {OSC_LINK} [/]\r\n"
        f"TITLE:{HIDDEN} [bold]x[/bold]\r\n"
        f"NOTE:line one\\n{C1_CSI}line two\r\n"
        f"CATEGORIES:Chess{OSC_TITLE}\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "FN;ENCODING=QUOTED-PRINTABLE:Quoted=1B]0;PWNED=07Printable\r\n"
        "END:VCARD\r\n",
        encoding="utf-8",
    )
    return path


def _google_csv(folder: Path) -> Path:
    path = folder / "contacts.csv"
    rows = [
        "First Name,Last Name,Organization Name,Organization Title,E-mail 1 - Value,Notes",
        f'"Kat{OSC_TITLE}","Lee {BIDI}","Acme {OSC_LINK} [/]","{HIDDEN}",kat@x.example,'
        f'"note{C1_CSI}"',
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _json_export(folder: Path) -> Path:
    path = folder / "export.json"
    source = folder / "source.sqlite3"
    open_database(source)
    migrate()
    demo.write_sample(datetime(2026, 11, 18, 15))
    from crm.services.exchange import export_document

    document = export_document()
    close_database()
    for contact in document["contacts"]:
        contact["name"] += f" {OSC_TITLE} {BIDI} [/]"
        contact["topics"] = [f"chess{HIDDEN}"]
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


IMPORTERS = {
    "linkedin": _linkedin_csv,
    "vcard": _vcard,
    "google": _google_csv,
    "json": _json_export,
}


@pytest.mark.parametrize("source", sorted(IMPORTERS))
def test_imported_text_is_cleaned_and_prints_safely(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "crm.sqlite3"
    db = ("--db", str(path), "--now", NOW)
    file = IMPORTERS[source](tmp_path)
    code, out, err = run_crm(capsys, *db, "import", source, str(file))
    assert code == 0, err
    assert_terminal_safe(out, err)
    assert_stored_clean(path)
    query = "a" if source == "json" else "kat"
    code, out, err = run_crm(capsys, *db, "search", query)
    assert code == 0, err
    assert_terminal_safe(out, err)
    if source == "vcard":  # quoted-printable spelled ESC and BEL as =1B and =07
        code, out, err = run_crm(capsys, *db, "search", "quoted")
        assert "Quoted]0;PWNEDPrintable" in out


# --- one-line messages ---------------------------------------------------------------------


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "crm.sqlite3"


def assert_one_line(code: int, out: str, err: str, expected_code: int, *fragments: str) -> None:
    assert code == expected_code and out == "", (code, out)
    assert err.startswith("crm: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "unexpected error" not in err and "Usage:" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_a_missing_option_with_choices_is_one_line(
    empty_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_crm(
        capsys, "--db", str(empty_db), "log", "Ann", "--kind", "other", "--summary", "x"
    )
    assert_one_line(code, out, err, 2, "Missing option '--channel'", "(see: crm log --help)")


@pytest.mark.parametrize("group", ["import", "export", "opportunity", "interview", "followup"])
def test_a_group_without_a_command_is_one_line_and_exit_2(
    group: str, empty_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_crm(capsys, "--db", str(empty_db), group)
    assert_one_line(code, out, err, 2, "Missing command", f"(see: crm {group} --help)")


@pytest.fixture
def tz_past_a_day() -> Iterator[None]:
    """TZ=XXX+99, which the C library reads as 24 h off UTC and no Python date can carry."""
    os.environ["TZ"] = "XXX+99"
    time.tzset()
    yield
    os.environ["TZ"] = "UTC"  # as the session's fixture left it
    time.tzset()


def test_a_tz_no_date_can_carry_is_one_line(
    dirty_db: Path, tz_past_a_day: None, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["agenda"], ["references"], ["interview", "done", "1"], []):
        code, out, err = run_crm(capsys, "--db", str(dirty_db), *command)
        assert_one_line(code, out, err, 1, "TZ=XXX+99", "Europe/Berlin")


def test_a_file_name_too_long_is_one_line(
    empty_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_name = str(tmp_path / ("a" * 300))
    assert run_crm(capsys, "--db", str(empty_db), "contact", "add", "Ann Lee")[0] == 0
    for command in (["backup", "-o", long_name], ["export", "json", "-o", long_name]):
        code, out, err = run_crm(capsys, "--db", str(empty_db), *command)
        assert_one_line(code, out, err, 1, "too long")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("[" * 100_000, "nested too deeply"), ('{"format": ' + "9" * 5_000 + "}", "digits")],
    ids=["100,000 nested lists", "a 5,000-digit number"],
)
def test_hostile_json_is_one_line(
    content: str, fragment: str, empty_db: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    file = tmp_path / "export.json"
    file.write_text(content, encoding="utf-8")
    code, out, err = run_crm(capsys, "--db", str(empty_db), "import", "json", str(file))
    assert_one_line(code, out, err, 1, "export.json", fragment)


# --- the app -------------------------------------------------------------------------------


def _terminal_output(app: object) -> str:
    """What the app would write to the terminal to draw its whole screen now."""
    import io

    from rich.console import Console

    update = app.screen._compositor.render_update(full=True)  # type: ignore[attr-defined]
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")
    return "".join(update.render_segments(console))


async def test_the_app_shows_hostile_names_literally_and_writes_no_escape_from_data(
    dirty_db: Path, now: datetime
) -> None:
    from crm.widgets.contact_card import ContactCard
    from tests.tui.helpers import build_app, plain_text, settle

    open_database(dirty_db)
    app = build_app(dirty_db, now)
    async with app.run_test(size=(160, 50)) as pilot:
        for keys in ([], ["f2"], ["enter"], ["escape", "f3"]):
            await pilot.press(*keys)
            await settle(pilot)
            drawn = _terminal_output(app)
            # No BEL, no OSC (a title, an OSC 8 link) and no C1 CSI: Textual's own output
            # is CSI colour codes only.
            assert "\x07" not in drawn and "\x1b]" not in drawn and "\x9b" not in drawn, keys
            assert "\u202e" not in drawn
            assert "[/]" in drawn and "[link=http://evil.example]click[/link]" in drawn
        await pilot.press("escape", "f2")
        await settle(pilot)
        card = plain_text(app.screen.query_one(ContactCard))
        assert "␛]0;PWNED" in card and "[bold]loud[/bold]" in card
    close_database()
