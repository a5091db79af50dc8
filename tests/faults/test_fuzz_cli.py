"""Bad input, fuzzed: generated command lines end in success or a clear error, never a crash.

Each command line is a real command with a random choice of its options, values that are
right, nearly right or random, and now and then a stray extra argument; plus argv lists of
random words. Run through click's CliRunner (not `crm.cli.main`, whose last line of defence
would hide a crash as "unexpected error"), any exception other than click's own exit, or a
DatabaseError (which `main` reports in one line), is a bug.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from crm.cli import cli
from crm.db import DatabaseError, close_database, migrate, open_database
from crm.domain.types import Channel, ContactDraft, InteractionKind, Stage
from crm.services import contacts, interviews, opportunities
from tests.faults.fuzzing import fuzz_settings

pytestmark = pytest.mark.faults

FIXTURES = Path(__file__).parents[1] / "fixtures"

RANDOM = st.text(max_size=30)
KNOWN_NAMES = st.sampled_from(["Ann Lee", "ann", "Кэти", "山田", "1", "2", "3"])
NAMES = st.one_of(KNOWN_NAMES, KNOWN_NAMES, st.sampled_from(["999999", "-1", " ", "", "a"]), RANDOM)
GOOD_WHENS = st.sampled_from(
    ["now", "tomorrow 4pm", "2 days ago", "fri", "next mon 10:00", "in 3 days", "yesterday",
     "2026-12-01 14:30"]
)  # fmt: skip
WHENS = st.one_of(
    GOOD_WHENS,
    GOOD_WHENS,
    st.sampled_from(["2026-02-30", "25:00", "in 99999999999 years", "none", "", "0\n"]),
    RANDOM,
)
SMALL_NUMBERS = st.integers(-1, 6).map(str)
NUMBERS = st.one_of(
    SMALL_NUMBERS,
    SMALL_NUMBERS,
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from([2**63, 10**30]).map(str),  # more than SQLite can store
    RANDOM,
)


def _choice(values: list[str]) -> st.SearchStrategy[str]:
    """Mostly one of ``values``, sometimes a near miss or random text."""
    valid = st.sampled_from(values)
    return st.one_of(valid, valid, valid, st.sampled_from(["", "EMAIL", "bogus"]), RANDOM)


def _paths(folder: Path) -> st.SearchStrategy[str]:
    """Files an import might be pointed at: real exports, the wrong kind, missing, a folder."""
    return st.sampled_from(
        [
            str(FIXTURES / "linkedin" / "connections_en.csv"),
            str(FIXTURES / "google" / "contacts_current.csv"),
            str(FIXTURES / "vcard" / "apple_30.vcf"),
            str(FIXTURES / "vcard" / "vdir"),
            str(folder / "crm.sqlite3"),
            str(folder / "missing.csv"),
            str(folder),
            "",
        ]
    )


Options = dict[str, st.SearchStrategy[str] | None]


def _command(
    head: list[str],
    positional: list[st.SearchStrategy[str]],
    required: Options,
    optional: Options,
) -> st.SearchStrategy[list[str]]:
    """``head``, its arguments and required options (each now and then left out), then a
    random pick of its other options, and now and then a stray word or a ``--now``."""

    @st.composite
    def build(draw: st.DrawFn) -> list[str]:
        argv = list(head)
        for argument in positional:
            if draw(st.integers(0, 9)):
                argv.append(draw(argument))
        names = [name for name in required if draw(st.integers(0, 9))]
        if optional:
            names += draw(st.lists(st.sampled_from(sorted(optional)), max_size=len(optional)))
        for name in names:
            argv.append(name)
            value = required.get(name, optional.get(name))
            if value is not None and draw(st.integers(0, 19)):
                argv.append(draw(value))
        if not draw(st.integers(0, 9)):
            argv.insert(draw(st.integers(0, len(argv))), draw(RANDOM))
        if not draw(st.integers(0, 3)):
            argv[:0] = ["--now", draw(WHENS)]
        return argv

    return build()


@functools.cache
def command_lines(folder: Path) -> st.SearchStrategy[list[str]]:
    """Command lines for a database in ``folder`` (built once: strategies are costly to make)."""
    channels = [c.value for c in Channel]
    kinds = [k.value for k in InteractionKind]
    stages = [s.value for s in Stage]
    paths = _paths(folder)
    commands = [
        _command(["log"], [NAMES],
                 {"--channel": _choice(channels), "--kind": _choice(kinds), "--summary": RANDOM},
                 {"--at": WHENS, "--next": WHENS, "--no-next": RANDOM, "--opportunity": NUMBERS,
                  "--inbound": None}),
        _command(["contact", "add"], [NAMES], {},
                 {"--company": RANDOM, "--role": RANDOM, "--email": RANDOM, "--phone": RANDOM,
                  "--linkedin": RANDOM, "--topic": RANDOM, "--note": RANDOM,
                  "--how-met": RANDOM, "--keep-in-touch": NUMBERS,
                  "--rapport": _choice(["good", "neutral", "strained"])}),
        _command(["search"], [NAMES], {},
                 {"--company": RANDOM, "--limit": NUMBERS, "--json": None}),
        _command(["agenda"], [], {}, {"--json": None}),
        _command(["followup", "snooze"], [NUMBERS], {"--until": WHENS}, {}),
        _command(["followup", "done"], [NUMBERS], {}, {}),
        _command(["opportunity", "add"], [], {"--company": NAMES, "--role": RANDOM},
                 {"--referrer": NAMES, "--quiet": None, "--stage": _choice(stages)}),
        _command(["opportunity", "stage"], [NUMBERS, _choice(stages)], {}, {}),
        _command(["interview", "add"], [NUMBERS], {"--at": WHENS, "--interviewer": NAMES},
                 {"--minutes": NUMBERS, "--interviewer": NAMES, "--kind": RANDOM}),
        _command(["interview", "done"], [NUMBERS], {}, {"--at": WHENS}),
        _command(["connect"], [NAMES, NAMES], {},
                 {"--source": _choice(["linkedin-mutual", "they-said-so", "same-team", "other"]),
                  "--note": RANDOM}),
        _command(["connections"], [NAMES], {}, {"--json": None}),
        _command(["backchannel"], [], {}, {"--company": NAMES, "--interview": NUMBERS,
                                           "--json": None}),
        _command(["references", "add"], [NAMES],
                 {"--relationship": RANDOM, "--talking-points": RANDOM}, {}),
        _command(["references", "give"], [NAMES], {"--opportunity": NUMBERS}, {"--call": WHENS}),
        _command(["references", "briefed"], [NAMES], {}, {"--at": WHENS}),
        _command(["import", "linkedin"], [paths], {}, {"--dry-run": None, "--json": None}),
        _command(["import", "google"], [paths], {}, {"--dry-run": None, "--json": None}),
        _command(["import", "vcard"], [paths], {}, {"--dry-run": None, "--json": None}),
        _command(["import", "json"], [paths], {}, {}),
        _command(["import", "undo"], [NUMBERS], {}, {}),
        _command(["merge"], [NUMBERS, NUMBERS], {}, {}),
    ]  # fmt: skip
    return st.one_of(*commands, st.lists(RANDOM, max_size=6))


@pytest.fixture
def cli_db(tmp_path: Path, now: datetime) -> Iterator[Path]:
    """A database with people, an opportunity and an interview for the commands to act on."""
    path = tmp_path / "crm.sqlite3"
    open_database(path)
    migrate()
    ann = contacts.create_contact(ContactDraft(name="Ann Lee", company="Acme"))
    contacts.create_contact(ContactDraft(name="Кэти Смирнова", company="Initech"))
    contacts.create_contact(ContactDraft(name="山田 太郎", company="Acme"))
    opportunity = opportunities.add_opportunity("Acme", "Staff Engineer", now=now)
    interviews.add_interview(
        opportunity, now - timedelta(hours=5), interviewer_ids=[ann], now=now - timedelta(days=2)
    )
    close_database()
    yield path
    close_database()


@pytest.fixture
def counted(tally: Callable[[str, int], None]) -> Iterator[dict[str, int]]:
    counts = {"cli argv": 0, "cli argv: succeeded": 0, "cli argv: refused": 0}
    yield counts
    for target, count in counts.items():
        tally(f"fuzz inputs tried: {target}", count)


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Without a subcommand crm opens the app: record that instead of running it."""
    opened: list[Path] = []
    monkeypatch.setattr("crm.cli.run_tui", lambda db_path, now=None: opened.append(db_path))
    return opened


@pytest.mark.slow
@fuzz_settings(600)
@given(data=st.data())
def test_generated_command_lines(  # type: ignore[no-untyped-def]
    cli_db: Path, counted: dict[str, int], no_app, data: st.DataObject
) -> None:
    argv = ["--db", str(cli_db), *data.draw(command_lines(cli_db.parent))]
    result = CliRunner().invoke(cli, argv, catch_exceptions=True)
    counted["cli argv"] += 1
    close_database()
    error = result.exception
    if isinstance(error, DatabaseError) and "\n" not in str(error):
        counted["cli argv: refused"] += 1  # crm.cli.main reports these in one line
        return
    if error is not None and not isinstance(error, SystemExit):
        raise AssertionError(f"crm {argv} crashed") from error
    if result.exit_code == 0:
        counted["cli argv: succeeded"] += 1
        return
    counted["cli argv: refused"] += 1
    assert result.stderr.strip(), f"crm {argv} failed silently"
    assert "Traceback" not in result.output
