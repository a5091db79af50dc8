"""Bad input, fuzzed: every importer either imports or refuses in one line, writing nothing.

Inputs are the valid fixtures in tests/fixtures/ mutated the way real files go wrong (see
mutations.py), random bytes and random text. An importer must return a result or raise its
own error; a refused import (and a dry run) must leave every row of the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.db import close_database, migrate, open_database
from crm.domain.types import ContactDraft
from crm.services import (
    contacts,
    demo,
    exchange,
    followups,
    suggestions,
)
from crm.services.importing import google, linkedin, vcard
from crm.services.importing.batches import ImportResult
from tests.faults.fuzzing import fuzz_settings
from tests.faults.mutations import bad_files, edited_documents
from tests.faults.test_json_stream import assert_read_alike
from tests.faults.workspace import Workspace

pytestmark = pytest.mark.faults

FIXTURES = Path(__file__).parents[1] / "fixtures"
NOW = datetime(2026, 11, 18, 15, 0, 0)

LINKEDIN_SEEDS = [path.read_bytes() for path in sorted((FIXTURES / "linkedin").glob("*.csv"))]
GOOGLE_SEEDS = [path.read_bytes() for path in sorted((FIXTURES / "google").glob("*.csv"))]
VCARD_SEEDS = [path.read_bytes() for path in sorted((FIXTURES / "vcard").rglob("*.vcf"))]


def _people_the_fixtures_know() -> None:
    """Contacts the fixture files match, so that imports update as well as create."""
    for draft in (
        ContactDraft(name="Ann Lee", company="Acme", email="ann.lee@acme.example",
                     linkedin_url="https://www.linkedin.com/in/annlee"),
        ContactDraft(name="José Núñez", company="Initech", email="jose@initech.example"),
        ContactDraft(name="山田 太郎", company="山田商事", phone="+81 3 1234 5678"),
    ):  # fmt: skip
        contacts.create_contact(draft, now=NOW)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Database files every example starts from: one with a few contacts, one empty."""
    folder = tmp_path_factory.mktemp("templates")
    made = {"people": folder / "people.sqlite3", "empty": folder / "empty.sqlite3"}
    for name, path in made.items():
        open_database(path)
        migrate()
        if name == "people":
            _people_the_fixtures_know()
        close_database()
    return made


@pytest.fixture(scope="module")
def json_inputs(tmp_path_factory: pytest.TempPathFactory) -> st.SearchStrategy[bytes]:
    """JSON exports to import: the demo sample's and a small one's, edited or mutated."""
    seeds = []
    for name in ("demo", "small"):
        open_database(tmp_path_factory.mktemp("export") / "crm.sqlite3")
        migrate()
        if name == "demo":
            demo.write_sample(NOW)
        else:
            _people_the_fixtures_know()
        seeds.append(exchange.export_json())
        close_database()
    edited = edited_documents(seeds)
    return st.one_of(edited, edited, bad_files([seed.encode("utf-8") for seed in seeds]))


@pytest.fixture
def workspaces(
    tmp_path: Path, tally: Callable[[str, int], None]
) -> Iterator[Callable[[str, Path], Workspace]]:
    """The Workspace of a fuzz target, made by its first example and kept for the others.

    Its count of inputs tried is tallied at the end.
    """
    made: dict[str, Workspace] = {}

    def make(target: str, template: Path) -> Workspace:
        if target not in made:
            made[target] = Workspace(tmp_path / target.replace(" ", "-"), template)
        return made[target]

    yield make
    close_database()
    for target, workspace in made.items():
        tally(f"fuzz inputs tried: {target}", workspace.tried)
        for outcome, count in workspace.outcomes.items():
            tally(f"fuzz inputs tried: {target}: {outcome}", count)


def try_import(
    workspace: Workspace, run: Callable[[], ImportResult | object], errors: type[Exception]
) -> None:
    """Run one import on the workspace's database and check how it ended."""
    workspace.start()
    try:
        result = run()
    except errors as error:
        message = str(error)
        assert message.strip() and "\n" not in message, f"not one line: {message!r}"
        assert workspace.unchanged(), f"a refused import wrote to the database: {message}"
        workspace.outcomes["refused"] += 1
        return
    if isinstance(result, ImportResult) and result.dry_run:
        assert workspace.unchanged(), "a dry run wrote to the database"
        workspace.outcomes["dry run"] += 1
    else:
        workspace.written()
        workspace.outcomes["imported"] += 1
        read_like_the_app()


def read_like_the_app() -> None:
    """What the app reads at start-up and on Today must work on whatever an import stored."""
    followups.agenda(now=NOW)
    suggestions.today(now=NOW)
    contacts.contacts_page(now=NOW)
    contacts.search_contacts("a")


@pytest.mark.slow
@fuzz_settings(500)
@given(data=bad_files(LINKEDIN_SEEDS), dry_run=st.booleans())
def test_linkedin_import(workspaces, templates, data: bytes, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    workspace = workspaces("linkedin csv", templates["people"])
    path = workspace.file("Connections.csv", data)
    try_import(
        workspace,
        lambda: linkedin.import_linkedin(path, now=NOW, dry_run=dry_run),
        linkedin.LinkedInExportError,
    )


@pytest.mark.slow
@fuzz_settings(500)
@given(data=bad_files(GOOGLE_SEEDS), dry_run=st.booleans())
def test_google_contacts_import(workspaces, templates, data: bytes, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    workspace = workspaces("google csv", templates["people"])
    path = workspace.file("contacts.csv", data)
    try_import(
        workspace,
        lambda: google.import_google_contacts(path, now=NOW, dry_run=dry_run),
        google.GoogleContactsError,
    )


@pytest.mark.slow
@fuzz_settings(500)
@given(
    cards=st.lists(bad_files(VCARD_SEEDS), min_size=1, max_size=3),
    as_folder=st.booleans(),
    dry_run=st.booleans(),
)
def test_vcard_import(  # type: ignore[no-untyped-def]
    workspaces, templates, cards: list[bytes], as_folder: bool, dry_run: bool
) -> None:
    workspace = workspaces("vcard", templates["people"])
    if as_folder:  # a vdir: one card per file
        folder = workspace.inputs / "vdir"
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for number, data in enumerate(cards):
            (folder / f"card-{number}.vcf").write_bytes(data)
        source = folder
    else:
        source = workspace.file("contacts.vcf", b"".join(cards))
    try_import(
        workspace,
        lambda: vcard.import_vcards(source, now=NOW, dry_run=dry_run),
        vcard.VCardError,
    )


@fuzz_settings(300)
@given(data=st.data())
def test_json_import(workspaces, templates, json_inputs, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    workspace = workspaces("json", templates["empty"])
    document = data.draw(json_inputs)
    path = workspace.file("export.json", document)
    try_import(workspace, lambda: exchange.import_json_file(path), exchange.ExchangeError)


@fuzz_settings(300)
@given(data=st.data())
def test_json_is_read_as_the_whole_file_import_read_it(  # type: ignore[no-untyped-def]
    tmp_path_factory, json_inputs, data: st.DataObject
) -> None:
    path = tmp_path_factory.getbasetemp() / "streamed.json"
    path.write_bytes(data.draw(json_inputs))
    assert_read_alike(path, (7, 4096, None))
