"""Cards from a CardDAV address book (the phone's), read one at a time for sync."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from crm.services.importing.cards import AddressCard, ParsedCards
from crm.services.importing.vcard import parse_vcards
from crm.services.importing.vcard_lines import VCardError

SOURCE_CARDDAV = "carddav"

# REV as 3.0 and 4.0 write it: 20261118T150000Z, 2026-11-18T15:00:00Z, or a date alone.
_REV = re.compile(
    r"^REV(?:;[^:\r\n]*)?:(\d{4})-?(\d\d)-?(\d\d)(?:T(\d\d):?(\d\d):?(\d\d)(Z)?)?",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class ServerCard:
    """One card as the server holds it: what crm reads of it, and when it last changed."""

    parsed: ParsedCards
    card: AddressCard | None  # None: not a person crm can keep (a group, no name)
    rev: datetime | None  # naive UTC; None when the card doesn't say


def read_server_card(body: str, href: str) -> ServerCard | None:
    """Read one card's text; None when it isn't a readable vCard."""
    try:
        parsed = parse_vcards(body.encode("utf-8"), file=href)
    except VCardError:
        return None
    return ServerCard(parsed, parsed.cards[0] if parsed.cards else None, card_rev(body))


def card_rev(body: str) -> datetime | None:
    """The card's REV as naive UTC (a REV without Z is taken as UTC), or None."""
    found = _REV.search(body.replace("\r\n ", "").replace("\n ", ""))
    if found is None:
        return None
    year, month, day, hour, minute, second, _zulu = found.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    return moment
