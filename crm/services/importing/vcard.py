"""vCards in: the fast reader of .vcf files and vdirs, whose cards the import pipeline takes.

Reading (vcard_lines.py) splits lines exactly as vobject's ``getLogicalLines`` and
``parseLine`` do (unfolding, quoted-printable soft breaks, group, name, parameters and value),
but with one regex over the whole text instead of a buffer per physical line, which is much
cheaper on files with photos (hundreds of folded lines each); it uses vobject's grammar
(``line_re``, rewritten so that a malformed line can't make the regex engine backtrack for
minutes), its ``parseParams`` and list splitting (``stringToTextValues``), then reads each
card's properties here. vobject's ``readComponents`` builds a tree of Python objects per line,
too slow for big address books, and its text decoding keeps only what comes before the first
unescaped comma of a NOTE or TITLE, which vCard 2.1 doesn't escape.
tests/services/test_vcards.py checks it against vobject card by card.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from vobject.icalendar import stringToTextValues  # type: ignore[import-untyped]

from crm.domain.linkedin import SkippedRow
from crm.domain.text import clean_text
from crm.domain.validation import MAX_NAME_LENGTH
from crm.services.importing.batches import ImportResult, Progress
from crm.services.importing.cards import (
    AddressCard,
    ParsedCards,
    clean_email,
    clean_phone,
    clean_topics,
    linkedin_profile,
    phone_key,
    unique_methods,
)
from crm.services.importing.pipeline import import_cards
from crm.services.importing.vcard_lines import (
    FOLD,
    READ,
    Parameters,
    Property,
    VCardError,
    content_lines,
    decode_file,
    joined,
    make_property,
    read_bytes,
    read_parameters,
)

SOURCE_VCARD = "vcard"
VCARD_SUFFIXES = (".vcf", ".vcard")
PROGRESS_EVERY = 500  # cards read between progress reports

# --- reading vCards ----------------------------------------------------------------------

_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_NOT_PEOPLE = frozenset({"group", "org"})


def parse_vcards(
    data: bytes,
    *,
    file: str,
    where: Callable[[int], str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ParsedCards:
    """Read every card of one .vcf file, or raise VCardError naming the card and line at fault.

    Nothing is half-read: a file that fails anywhere fails as a whole.

    Args:
        data: the file's bytes.
        file: its name, for messages.
        where: how skipped cards are named, from their number ("card 3" by default).
        progress: called with the number of cards read so far, now and then.
    """
    text, has_raw_bytes = decode_file(data, file)
    crlf = "\r" in text
    if crlf and text.count("\r") != text.count("\r\n"):  # a "\r" alone ends a line too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        crlf = False
    if not text or text.isspace():
        raise VCardError("the file is empty", file=file)
    parsed = ParsedCards()
    card_number = 0
    depth = 0
    start = 0
    properties: list[Property] = []
    names: dict[str, str] = {}  # as written -> as compared
    parameters: dict[str, Parameters] = {}  # as written -> read
    for number, line, group, written_name, params, value in content_lines(text, crlf):
        if value is None:  # a folded line nothing reads (a photo): only where it is matters
            if depth == 0:
                shown = " ".join(FOLD.sub("", str(line).replace("\r\n", "\n")).split())
                raise VCardError(
                    f"expected BEGIN:VCARD, found “{shown[:60]}”", file=file, line=number
                )
            continue
        name = names.get(written_name, "")
        if not name:
            if not written_name:
                shown = " ".join(str(line).split())[:60]
                problem = (
                    f"this line isn't a vCard property: “{shown}”"
                    if depth
                    else f"expected BEGIN:VCARD, found “{shown}”"
                )
                raise VCardError(
                    problem, file=file, card=card_number if depth else None, line=number
                )
            name = names[written_name] = written_name.replace("_", "-").upper()
        if depth == 1 and name in READ:
            read = parameters.get(params)
            if read is None:
                read = parameters[params] = read_parameters(params)
            if read[2] or has_raw_bytes:
                properties.append(make_property(group, name, read, value, has_raw_bytes))
            else:
                value = clean_text(value, allow_newlines=True)  # no controls from any card
                properties.append(Property(group, name, read[0], value, read[3], read[4]))
        elif name == "BEGIN":
            if value.strip().upper() != "VCARD":
                raise VCardError(
                    f"expected BEGIN:VCARD, found BEGIN:{value.strip()}", file=file, line=number
                )
            if depth == 0:
                card_number += 1
                start = number
                properties = []
            else:  # a card inside a card (2.1's AGENT): said, never dropped in silence
                parsed.skipped.append(
                    SkippedRow(
                        number,
                        f"a card inside card {card_number} (line {start}) is not imported;"
                        " save it as a card of its own",
                    )
                )
            depth += 1
        elif name == "END":
            if depth == 0:
                raise VCardError("END:VCARD without a BEGIN:VCARD", file=file, line=number)
            if value.strip().upper() != "VCARD":
                raise VCardError(
                    f"the card ends with END:{value.strip()} instead of END:VCARD",
                    file=file,
                    card=card_number,
                    line=number,
                )
            depth -= 1
            if depth == 0:
                named = where(card_number) if where else f"card {card_number}"
                _read_card(properties, start, named, parsed)
                if progress is not None and card_number % PROGRESS_EVERY == 0:
                    progress(card_number)
        elif depth == 0:
            shown = " ".join(joined(group, written_name, params, value).split())[:60]
            raise VCardError(f"expected BEGIN:VCARD, found “{shown}”", file=file, line=number)
    if depth:
        raise VCardError(
            f"the card starting on line {start} is never closed (END:VCARD is missing)",
            file=file,
            card=card_number,
        )
    if card_number == 0:
        raise VCardError("there are no vCards in the file", file=file)
    if progress is not None:
        progress(card_number)
    return parsed


def _text(value: str, version: str) -> str:
    """A text value with its escapes read: 2.1 escapes only ``;``, later versions more.

    Unknown escapes stay as written, as vobject leaves them.
    """
    if "\\" not in value:
        return value
    if version == "2.1":
        return value.replace("\\;", ";")
    return _TEXT_ESCAPE.sub(_unescaped, value)


_TEXT_ESCAPE = re.compile(r'\\([\\;,nN"])')


def _unescaped(found: re.Match[str]) -> str:
    return "\n" if found[1] in "nN" else found[1]


def _components(value: str, version: str) -> list[str]:
    """The ``;``-separated parts of N, ORG or ADR, each read as text."""
    if "\\" not in value:
        return value.split(";")
    parts = stringToTextValues(value, listSeparator=";", charList=";")
    return [_text(part, version) for part in parts]


def _list(value: str, version: str) -> list[str]:
    """The values of CATEGORIES: ``,``-separated (and ``;`` in 2.1)."""
    if version == "2.1":
        value = value.replace(";", ",")
    if "\\" not in value:
        return value.split(",")
    return [str(part) for part in stringToTextValues(value)]


def _label_and_rank(prop: Property, group_labels: dict[str, str]) -> tuple[str, int]:
    """A method's label (from X-ABLabel or TYPE) and its preference rank (lower first)."""
    label = group_labels.get(prop.group.lower(), "") if prop.group else ""
    return label or prop.type_label, prop.rank


def _apple_label(value: str) -> str:
    found = _APPLE_LABEL.match(value.strip())
    if found:
        return found[1].strip().lower()
    return " ".join(value.split())


def _read_card(properties: list[Property], start: int, where: str, parsed: ParsedCards) -> None:
    """Turn one card's properties into an AddressCard, or a skipped row saying why not."""
    version = "3.0"
    group_labels: dict[str, str] = {}
    for prop in properties:
        if prop.name == "VERSION":
            version = prop.value.strip()
        elif prop.name == "X-ABLABEL" and prop.group:
            group_labels[prop.group.lower()] = _apple_label(_text(prop.value, version))

    names: list[str] = []
    structured_name: list[str] = []
    uid = company = role = title_role = how_met = ""
    notes: list[str] = []
    topics: list[str] = []
    emails: list[tuple[int, str, str]] = []
    phones: list[tuple[int, str, str]] = []
    urls: list[tuple[int, str, str]] = []
    profiles: list[str] = []
    kind = ""
    for prop in properties:
        name = prop.name
        if name == "FN":
            names.append(_text(prop.value, version))
        elif name == "N":
            structured_name = _components(prop.value, version)
        elif name == "EMAIL":
            address = clean_email(_text(prop.value, version))
            if address:
                label, rank = _label_and_rank(prop, group_labels)
                emails.append((rank, address, label))
        elif name == "TEL":
            number = clean_phone(_text(prop.value, version))
            if number:
                label, rank = _label_and_rank(prop, group_labels)
                phones.append((rank, number, label))
        elif name == "ORG":
            company = company or " ".join(_components(prop.value, version)[0].split())
        elif name == "TITLE":
            title_role = title_role or " ".join(_text(prop.value, version).split())
        elif name == "ROLE":
            role = role or " ".join(_text(prop.value, version).split())
        elif name == "NOTE":
            note = _text(prop.value, version).strip()
            if note:
                notes.append(note)
        elif name == "CATEGORIES":
            topics.extend(_list(prop.value, version))
        elif name == "URL":
            url = _text(prop.value, version).strip()
            profile = linkedin_profile(url)
            if profile:
                profiles.append(profile)
            elif url:
                label, rank = _label_and_rank(prop, group_labels)
                urls.append((rank, url, label))
        elif name == "X-SOCIALPROFILE":
            profile = linkedin_profile(_text(prop.value, version))
            types = {value.lower() for value in prop.params.get("TYPE", ())}
            user = prop.params.get("X-USER", [""])[0].strip()
            if not profile and "linkedin" in types and user:
                profile = linkedin_profile(f"https://linkedin.com/in/{user}")
            if profile:
                profiles.append(profile)
        elif name == "UID":
            uid = uid or _text(prop.value, version).strip()
        elif name in ("KIND", "X-ADDRESSBOOKSERVER-KIND"):
            kind = prop.value.strip().lower()
        elif name == "X-CRM-HOW-MET":
            how_met = _text(prop.value, version).strip()
        # PHOTO, LOGO, SOUND, KEY, ADR, BDAY…: nothing the CRM keeps.

    if kind in _NOT_PEOPLE:
        what = "a contact group" if kind == "group" else "an organisation"
        parsed.skipped.append(SkippedRow(start, f"{what}, not a person ({where})"))
        return
    display = " ".join(names[0].split()) if names else ""
    if not display and structured_name:
        # N is family; given; additional; prefix; suffix.
        parts = (structured_name + [""] * 5)[:5]
        display = " ".join(" ".join((parts[3], parts[1], parts[2], parts[0], parts[4])).split())
    if not display:
        parsed.skipped.append(SkippedRow(start, f"no name ({where})"))
        return
    if len(display) > MAX_NAME_LENGTH:
        parsed.skipped.append(
            SkippedRow(start, f"name longer than {MAX_NAME_LENGTH} characters ({where})")
        )
        return
    parsed.cards.append(
        AddressCard(
            line=start,
            where=where,
            uid=uid,
            name=display,
            company=company,
            role=title_role or role,
            emails=unique_methods(emails, str.casefold),
            phones=unique_methods(phones, phone_key),
            urls=unique_methods(urls, str.casefold),
            linkedin_url=profiles[0] if profiles else "",
            note="\n\n".join(notes),
            how_met=how_met,
            topics=clean_topics(topics),
        )
    )


def _in_file(name: str) -> Callable[[int], str]:
    """How a vdir's skipped cards are named: by their file (and number, if it holds several)."""

    def where(number: int) -> str:
        return name if number == 1 else f"{name} card {number}"

    return where


def read_vcards(path: Path, progress: Progress | None = None) -> ParsedCards:
    """Read a .vcf file of any number of cards, or a vdir: a folder of one card per file.

    Raises:
        VCardError: a file can't be read or isn't valid; the message names the file, the
            card and the line at fault.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(
            entry
            for entry in path.iterdir()
            if entry.suffix.lower() in VCARD_SUFFIXES
            and not entry.name.startswith(".")
            and entry.is_file()
        )
        if not files:
            raise VCardError("the folder holds no .vcf files", file=path.name)
        contents = [(entry.name, read_bytes(entry, entry.name)) for entry in files]
    elif path.exists():
        contents = [(path.name, read_bytes(path, path.name))]
    else:
        raise VCardError("no such file or folder", file=path.name)
    # An estimate for progress (nested cards count too); the parse counts exactly.
    total = sum(data.count(b"BEGIN:VCARD") + data.count(b"begin:vcard") for _, data in contents)
    total = max(total, 1)
    done = 0

    def report(cards_in_file: int) -> None:
        if progress is not None:
            progress(min(done + cards_in_file, total), total)

    parsed = ParsedCards()
    several = len(contents) > 1
    for name, data in contents:
        one = parse_vcards(
            data, file=name, where=_in_file(name) if several else None, progress=report
        )
        parsed.cards.extend(one.cards)
        parsed.skipped.extend(one.skipped)
        done += len(one.cards) + len(one.skipped)
    return parsed


def import_vcards(
    path: Path,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a .vcf file or a vdir as one undoable batch (source "vcard").

    Cards match contacts by UID, then by any e-mail, phone or LinkedIn profile, then by the
    name at the same company, so importing the same cards again changes nothing; a match
    gains what it lacks, never losing what the user typed. A new contact keeps the card's UID.

    Args:
        path: a .vcf file, or a folder of them.
        now: the import's time (naive UTC).
        progress: called with (cards done, cards in all) as the import goes on.
        dry_run: work out and return what would happen without writing anything.

    Raises:
        VCardError: nothing was written; the message names the file, card and line at fault.
    """
    parsed = read_vcards(path, progress)
    return import_cards(
        parsed,
        source=SOURCE_VCARD,
        filename=Path(path).name,
        now=now,
        progress=progress,
        dry_run=dry_run,
    )
