"""Reading LinkedIn's Connections.csv: header finding, quirks, URLs, dates and clear failures."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.domain.linkedin import (
    Connection,
    LinkedInExportError,
    how_met_text,
    parse_connected_on,
    parse_export,
)
from crm.domain.linkedin_header import match_header
from crm.domain.linkedin_urls import _normalize_any_url, normalize_profile_url

FIXTURES = Path(__file__).parent.parent / "fixtures" / "linkedin"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
NOTICE = (
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    'https://www.linkedin.com/psettings/privacy/email."'
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def export(*rows: str, preamble: str = f"Notes:\n{NOTICE}\n\n", bom: bool = True) -> bytes:
    text = preamble + HEADER + "\n" + "".join(row + "\n" for row in rows)
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def by_name(connections: tuple[Connection, ...]) -> dict[str, Connection]:
    return {c.name: c for c in connections}


# --- profile URLs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com/in/annlee", "https://linkedin.com/in/annlee"),
        ("http://www.linkedin.com/in/annlee/", "https://linkedin.com/in/annlee"),
        ("https://de.linkedin.com/in/AnnLee", "https://linkedin.com/in/annlee"),
        ("www.linkedin.com/in/annlee?trk=public_profile#about", "https://linkedin.com/in/annlee"),
        ("linkedin.com/in/annlee///", "https://linkedin.com/in/annlee"),
        ("  HTTPS://WWW.LINKEDIN.COM/IN/ANNLEE  ", "https://linkedin.com/in/annlee"),
        ("https://m.linkedin.com:443/in/annlee", "https://linkedin.com/in/annlee"),
        ("https://www.linkedin.com/in/j%C3%B6rg-m", "https://linkedin.com/in/j%C3%B6rg-m"),
        ("https://www.linkedin.com/in/j%c3%b6rg-m", "https://linkedin.com/in/j%C3%B6rg-m"),
        ("https://www.linkedin.com/in/jörg-m", "https://linkedin.com/in/j%C3%B6rg-m"),
        ("https://www.linkedin.com/in/J%C3%96RG-M", "https://linkedin.com/in/j%C3%B6rg-m"),
        ("https://www.linkedin.com/in/Jörg-M/", "https://linkedin.com/in/j%C3%B6rg-m"),
        ("https://ru.linkedin.com/in/%D0%AF%D1%80", "https://linkedin.com/in/%D1%8F%D1%80"),
        (
            "https://www.linkedin.com/in/ярослав",
            "https://linkedin.com/in/%D1%8F%D1%80%D0%BE%D1%81%D0%BB%D0%B0%D0%B2",
        ),
        ("", ""),
        ("   ", ""),
    ],
)
def test_profile_urls_have_one_canonical_form(raw: str, expected: str) -> None:
    assert normalize_profile_url(raw) == expected


@pytest.mark.parametrize(
    "other",
    ["https://example.com/in/annlee", "https://linkedin.com.evil.example/in/x", "mailto:a@b.c"],
)
def test_other_sites_keep_their_host(other: str) -> None:
    assert not normalize_profile_url(other).startswith("https://linkedin.com/")


_slug_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="?#"), max_size=30
)


@given(
    scheme=st.sampled_from(["", "http://", "https://", "HTTPS://"]),
    host=st.sampled_from(
        ["linkedin.com", "www.linkedin.com", "de.linkedin.com", "WWW.LinkedIn.com"]
    ),
    path=_slug_text,
    tail=st.sampled_from(["", "/", "?trk=x", "#a", "/?x=1#y"]),
)
def test_normalising_is_idempotent_and_matches_the_general_path(
    scheme: str, host: str, path: str, tail: str
) -> None:
    url = f"{scheme}{host}/in/{path}{tail}"
    normal = normalize_profile_url(url)
    assert normalize_profile_url(normal) == normal
    assert _normalize_any_url(url.strip()) == normal
    assert normal.isascii()


@given(st.text(max_size=60))
def test_normalising_never_raises(text: str) -> None:
    normal = normalize_profile_url(text)
    assert normalize_profile_url(normal) == normal


# --- header --------------------------------------------------------------------------------


def test_header_columns_are_matched_by_name_in_any_order_and_language() -> None:
    language, columns = match_header(
        ["Verbunden am", "Vorname", "Nachname", "E-Mail-Adresse", "Unternehmen", "URL", "x"]
    ) or ("", {})
    assert language == "de"
    assert columns == {
        "connected_on": 0,
        "first_name": 1,
        "last_name": 2,
        "email": 3,
        "company": 4,
        "url": 5,
    }


@pytest.mark.parametrize(
    "cells",
    [
        ["Notes:"],
        ["First Name", "Last Name"],  # names alone could be anything
        ["Name", "URL", "Company"],
        [NOTICE],
    ],
)
def test_lines_that_are_not_headers(cells: list[str]) -> None:
    assert match_header(cells) is None


def test_header_names_tolerate_case_spacing_and_a_stray_bom() -> None:
    found = match_header(["\ufefffirst  name", "LAST NAME", "url", "email-address"])
    assert found is not None and found[1]["email"] == 3


# --- whole files ---------------------------------------------------------------------------


def test_real_export_with_every_quirk() -> None:
    parsed = parse_export(fixture("connections_en.csv"))
    assert parsed.header_line == 4 and parsed.language == "en"
    people = by_name(parsed.connections)
    assert set(people) == {
        "Ann Lee",
        "Bob Smith",
        "Ярослав Петров",
        "太郎 山田",
        "José Núñez",
        "Priya Patel",
        "Ghost Nobody",
        "Mark O'Neil",
    }
    ann = people["Ann Lee"]
    assert (ann.line, ann.company, ann.position, ann.email) == (
        5,
        "Acme, Inc.",
        "CTO",
        "ann.lee@acme.example",
    )
    assert ann.connected_on == date(2023, 3, 15)
    assert people["Bob Smith"].position == 'Engineer, Platform "Core" team'
    assert people["Bob Smith"].email == ""
    assert people["Ярослав Петров"].line == 8  # the row of commas above still counts as a line
    assert people["太郎 山田"].url == "https://linkedin.com/in/yamada-taro"
    assert people["José Núñez"].url == "https://linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez"
    assert people["Priya Patel"].url == "" and people["Priya Patel"].email
    assert people["Mark O'Neil"].connected_on is None
    assert [(s.line, s.reason) for s in parsed.skipped] == [(14, "no name")]


def test_german_export() -> None:
    parsed = parse_export(fixture("connections_de.csv"))
    assert parsed.language == "de"
    jurgen = by_name(parsed.connections)["Jürgen Müller"]
    assert jurgen.company == "Stark Analytics GmbH"
    assert jurgen.position == "Leiter Daten, Berlin"
    assert jurgen.connected_on == date(2023, 3, 15)  # "15 Mär 2023"
    assert by_name(parsed.connections)["Łukasz Kowalski"].connected_on == date(2020, 10, 1)


def test_old_export_without_preamble_with_crlf_and_other_column_order() -> None:
    parsed = parse_export(fixture("connections_old.csv"))
    assert parsed.header_line == 1
    minji = by_name(parsed.connections)["Minji Kim"]
    assert (minji.line, minji.position, minji.url) == (
        2,
        "데이터 과학자",
        "https://linkedin.com/in/minji-kim",
    )
    assert by_name(parsed.connections)["Ekaterina Ivanova"].company == "Initech, Ltd."


@pytest.mark.parametrize(
    "preamble",
    [
        "",
        "Notes:\n",
        "Notes:\n\n",
        f"Notes:\n{NOTICE}\n\n",
        f"Notes:\n{NOTICE}\n\n\n\n",
        'Notes:\n"First line of a notice,\nsecond line, with commas"\n\n',
        'Notes:\n"An unbalanced quote in the notice\n\n',
        "Notes:\nSome text\nMore text, with a comma\n\n",
    ],
)
def test_the_header_is_found_after_any_preamble(preamble: str) -> None:
    data = export(
        "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme,CTO,15 Mar 2023", preamble=preamble
    )
    parsed = parse_export(data)
    header_line = preamble.count("\n") + 1
    assert parsed.header_line == header_line
    [ann] = parsed.connections
    assert ann.line == header_line + 1 and ann.name == "Ann Lee"


def test_quoted_newlines_keep_line_numbers_right() -> None:
    parsed = parse_export(
        export(
            'Ann,Lee,https://www.linkedin.com/in/a,,Acme,"CTO,\nand co-founder",15 Mar 2023',
            ",,https://www.linkedin.com/in/nobody,,,,",
        )
    )
    assert parsed.connections[0].position == "CTO, and co-founder"
    assert [s.line for s in parsed.skipped] == [7]  # the record starting after the 2-line one


def test_blank_and_comma_only_rows_are_ignored_and_short_rows_padded() -> None:
    parsed = parse_export(export("", ",,,,,,", " , , ,", "Ann,Lee,https://linkedin.com/in/a"))
    [ann] = parsed.connections
    assert (ann.company, ann.position, ann.connected_on) == ("", "", None)
    assert parsed.skipped == ()


def test_trailing_empty_cells_are_tolerated() -> None:
    parsed = parse_export(export("Ann,Lee,https://linkedin.com/in/a,,Acme,CTO,15 Mar 2023,,"))
    assert parsed.connections[0].connected_on == date(2023, 3, 15)


def test_rows_that_cannot_be_contacts_are_skipped_with_reasons() -> None:
    parsed = parse_export(
        export(
            ",,https://linkedin.com/in/a,,,,",
            "Ann,Lee,https://example.com/ann,,,,",
            f"{'A' * 250},B,https://linkedin.com/in/b,,,,",
            "Cy,Doe,https://linkedin.com/in/c,not-an-email,,,",
        )
    )
    reasons = [s.reason for s in parsed.skipped]
    assert reasons[0] == "no name"
    assert reasons[1].startswith("not a LinkedIn profile URL")
    assert reasons[2].startswith("name longer than")
    assert by_name(parsed.connections)["Cy Doe"].email == ""  # not kept: it isn't one


def test_semicolons_from_a_spreadsheet_and_utf16_from_excel() -> None:
    semicolons = (
        "Vorname;Nachname;URL;E-Mail-Adresse;Unternehmen;Position;Verbunden am\n"
        "Jürgen;Müller;https://de.linkedin.com/in/jm;;Acme, Inc.;CTO;15 Mär 2023\n"
    )
    assert parse_export(semicolons.encode()).connections[0].company == "Acme, Inc."
    tabs = f"{HEADER.replace(',', chr(9))}\nAnn\tLee\thttps://linkedin.com/in/a\t\t\t\t\n"
    assert parse_export(tabs.encode("utf-16")).connections[0].name == "Ann Lee"


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (codecs.BOM_UTF8 + b"\r\n \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "line 3: this looks like a binary file"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
        (f"{HEADER}\nAnn,Lee,,,Caf\xe9,,\n".encode("latin-1"), "line 2: the file isn't UTF-8"),
        (b"Notes:\nhello\n", "no header row found in its 2 lines"),
        (
            export('Ann,"Lee,https://linkedin.com/in/a,,,,'),
            "line 5: a quoted field is never closed",
        ),
        (export('Ann,"Lee"x,https://linkedin.com/in/a,,,,'), "line 5: a closing quote"),
        (
            export("Ann,Lee,https://linkedin.com/in/a,,Acme, Inc.,CTO,15 Mar 2023"),
            "line 5: the row has 8 columns but the header (line 4) has 7",
        ),
        (export(f"Ann,Lee,https://linkedin.com/in/a,,{'x' * 20_000},,"), "line 5: a field is"),
    ],
)
def test_malformed_files_fail_with_one_clear_line(data: bytes, fragment: str) -> None:
    with pytest.raises(LinkedInExportError) as failure:
        parse_export(data)
    message = str(failure.value)
    assert fragment in message
    assert "\n" not in message


def test_fixture_files_that_must_fail() -> None:
    with pytest.raises(LinkedInExportError, match="line 6: the row has 8 columns"):
        parse_export(fixture("too_many_columns.csv"))
    with pytest.raises(LinkedInExportError, match="no header row"):
        parse_export(fixture("no_header.csv"))


def test_error_knows_its_line() -> None:
    with pytest.raises(LinkedInExportError) as failure:
        parse_export(export("a,b,https://linkedin.com/in/a,,,,,extra"))
    assert failure.value.line == 5


# --- dates and how met ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Mar 2023", date(2023, 3, 15)),
        ("5 Mar 2023", date(2023, 3, 5)),
        ("15 Mär 2023", date(2023, 3, 15)),
        ("15. März 2023", date(2023, 3, 15)),
        ("01 Okt 2020", date(2020, 10, 1)),
        ("12 févr. 2021", date(2021, 2, 12)),
        ("2023-03-15", date(2023, 3, 15)),
        ("31 Feb 2023", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_connected_on_dates(text: str, expected: date | None) -> None:
    assert parse_connected_on(text) == expected


def test_how_met_names_the_connection_date() -> None:
    ann = parse_export(export("Ann,Lee,https://linkedin.com/in/a,,,,15 Mär 2023")).connections[0]
    assert how_met_text(ann) == "LinkedIn connection since 15 Mar 2023"
    odd = ann._replace(connected_on=None, connected_on_text="Q1 2023")
    assert how_met_text(odd) == "LinkedIn connection since Q1 2023"
    assert how_met_text(ann._replace(connected_on=None, connected_on_text="")) == (
        "LinkedIn connection"
    )


# --- anything at all -----------------------------------------------------------------------

_cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_or_fails_with_the_export_error(text: str) -> None:
    try:
        parse_export(text.encode("utf-8"))
    except LinkedInExportError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_fail_with_the_export_error(data: bytes) -> None:
    try:
        parse_export(data)
    except LinkedInExportError:
        pass


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_cells, max_size=9), max_size=8),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_random_rows_under_a_real_header(
    rows: list[list[str]], delimiter: str, newline: str
) -> None:
    lines = [HEADER.replace(",", delimiter)] + [delimiter.join(cells) for cells in rows]
    try:
        parsed = parse_export(newline.join(lines).encode("utf-8"))
    except LinkedInExportError as error:
        assert error.line is None or error.line >= 2
        return
    for connection in parsed.connections:
        assert connection.name and connection.line >= 2
        assert connection.url == "" or connection.url.startswith("https://linkedin.com/")
