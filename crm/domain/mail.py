"""Reading mail as conversations: who a message is with, which way it went, whether it is
noise, and the short snippet kept of it. Pure: the mailbox is read by crm.services.mail."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from crm.domain.followups import PendingFollowUp
from crm.domain.types import Direction, FollowUpKind

SNIPPET_CHARS = 200
"""About how much of a message's text is kept (the user can ask for whole bodies)."""


class SkipReason:
    """Why a message wasn't logged; the words are the keys of ``crm import mail --json``."""

    NO_DATE = "no or broken date"
    BEFORE_SINCE = "before --since"
    FUTURE = "dated in the future"
    MAILING_LIST = "mailing list or bulk"
    NO_REPLY = "no-reply sender"
    IGNORED_DOMAIN = "ignored domain"
    NOT_A_CONTACT = "no known contact"
    DUPLICATE = "already logged"


NO_REPLY_LOCAL_PARTS = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?"
    r"|notifications?|automailer|auto[-_.]?reply)([-+._].*)?$"
)
BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "ya.ru", "bk.ru", "inbox.ru",
        "list.ru", "rambler.ru", "fastmail.com", "zoho.com", "hey.com",
    }
)  # fmt: skip
"""Domains anyone can write from: a contact's address there says nothing of their company."""


@dataclass(frozen=True)
class MailHeaders:
    """What crm reads of a message before deciding whether to read its body."""

    message_id: str
    sender: tuple[str, str]
    """(display name as written, lower-cased address); ("", "") when missing."""
    recipients: tuple[tuple[str, str], ...]
    """To and Cc, as (display name, lower-cased address)."""
    subject: str
    occurred_at: datetime | None
    """Date, naive UTC; None when missing or unreadable."""
    bulk: bool = False
    """List-Id, List-Unsubscribe or Precedence bulk/list/junk: a mailing list."""


@dataclass(frozen=True)
class Involvement:
    """A known contact a message is with, and which way it went."""

    contact_id: int
    direction: Direction


@dataclass
class Proposal:
    """Someone unknown at a company the user is in a process with, seen in mail."""

    address: str
    name: str
    company_id: int
    first_seen: datetime
    last_seen: datetime
    messages: int = 0


@dataclass
class MailTally:
    """What an import did, counted."""

    logged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    proposed: dict[str, Proposal] = field(default_factory=dict)
    settled: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    read: int = 0
    interviews: list[str] = field(default_factory=list)
    """What the invitations in the messages did: "Scheduled: …", "Cancelled: …"."""

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def decoded(value: str | None) -> str:
    """A header's text with RFC 2047 words («=?utf-8?b?...?=») decoded; "" for none."""
    if not value:
        return ""
    try:
        text = str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError, AssertionError):
        text = value
    return " ".join(text.split())


def addresses(*values: str | None) -> tuple[tuple[str, str], ...]:
    """(display name, lower-cased address) of each address in header values; junk left out."""
    found = getaddresses([value for value in values if value])
    return tuple((name, address.strip().casefold()) for name, address in found if "@" in address)


def message_date(value: str | None) -> datetime | None:
    """A Date header as naive UTC; None when missing or broken (a date without zone is UTC)."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def headers_of(message: Message) -> MailHeaders:
    """MailHeaders from a parsed header block; the subject stays as written (``decoded``)."""

    def text(name: str) -> str:
        value = message.get(name)
        return "" if value is None else str(value)

    def every(name: str) -> list[str]:
        return [str(value) for value in message.get_all(name) or ()]

    sender = addresses(text("From"))
    precedence = text("Precedence").strip().casefold()
    bulk = "List-Id" in message or "List-Unsubscribe" in message or precedence in BULK_PRECEDENCE
    first = sender[0] if sender else ("", "")
    raw_id = text("Message-ID").strip()
    subject = text("Subject")
    message_id = raw_id[:250] or derived_message_id(first[1], text("Date"), subject)
    return MailHeaders(
        message_id=message_id,
        sender=first,
        recipients=addresses(*every("To"), *every("Cc")),
        subject=subject,
        occurred_at=message_date(text("Date")),
        bulk=bulk,
    )


# Starting only where a word starts (the look-behind) finds the same addresses as trying
# every position, at half the cost: a word without "@" is scanned once, not once a letter.
_ADDRESS_LIKE = re.compile(rb"(?<![^\s<>,;:\"'()\[\]])[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")


def mentions_anyone(
    header_bytes: bytes, contact_of: Mapping[str, int], domains: Mapping[str, int]
) -> bool:
    """Whether a raw header block names any known address or a domain of interest.

    A cheap first look: most of a mailbox is with strangers, and this passes over them
    without parsing their headers (a false alarm only costs the full reading).
    """
    for found in _ADDRESS_LIKE.findall(header_bytes.lower()):
        address = found.decode("utf-8", "replace").strip(".")
        if address in contact_of or domain_of(address) in domains:
            return True
    return False


def derived_message_id(sender: str, date: str, subject: str) -> str:
    """A stable stand-in for a missing Message-ID, so importing the file again changes nothing."""
    digest = hashlib.sha256("\0".join((sender, date.strip(), subject)).encode()).hexdigest()
    return f"<{digest[:40]}@crm.derived>"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]


def is_no_reply(address: str) -> bool:
    """Whether an address is a robot's (noreply@, mailer-daemon@, bounces+...@)."""
    return bool(NO_REPLY_LOCAL_PARTS.match(address.partition("@")[0]))


def noise(headers: MailHeaders, ignore_domains: Iterable[str]) -> str | None:
    """Why a message is noise (a SkipReason), or None for a message between people."""
    if headers.bulk:
        return SkipReason.MAILING_LIST
    if is_no_reply(headers.sender[1]):
        return SkipReason.NO_REPLY
    ignored = set(ignore_domains)
    if ignored and any(_in_domains(domain_of(a), ignored) for a in _everyone(headers)):
        return SkipReason.IGNORED_DOMAIN
    return None


def _in_domains(domain: str, domains: set[str]) -> bool:
    """Whether ``domain`` is one of ``domains`` or under one (mail.bank.example)."""
    parts = domain.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))


def _everyone(headers: MailHeaders) -> list[str]:
    return [headers.sender[1], *(address for _, address in headers.recipients)]


def involvements(
    headers: MailHeaders, me: Iterable[str], contact_of: Mapping[str, int]
) -> list[Involvement]:
    """The known contacts a message is with: sent by you, everyone known among To and Cc
    (outbound); sent by a known contact, them (inbound). Display names are ignored."""
    mine = set(me)
    sender = headers.sender[1]
    if sender in mine:
        seen: dict[int, None] = {}
        for _, address in headers.recipients:
            contact_id = contact_of.get(address)
            if contact_id is not None and address not in mine:
                seen.setdefault(contact_id)
        return [Involvement(contact_id, Direction.OUTBOUND) for contact_id in seen]
    contact_id = contact_of.get(sender)
    return [] if contact_id is None else [Involvement(contact_id, Direction.INBOUND)]


def strangers_at_companies(
    headers: MailHeaders,
    me: Iterable[str],
    contact_of: Mapping[str, int],
    company_of_domain: Mapping[str, int],
) -> list[tuple[str, str, int]]:
    """(address, name, company id) of people unknown to crm that a message is with, at a
    domain of a company the user has an open process with: proposed, never created."""
    mine = set(me)
    sender = headers.sender
    people = headers.recipients if sender[1] in mine else (sender,)
    found = []
    for name, address in people:
        if address in mine or address in contact_of or is_no_reply(address):
            continue
        company_id = company_of_domain.get(domain_of(address))
        if company_id is not None:
            found.append((address, decoded(name), company_id))
    return found


def thank_you_window(
    pending: Sequence[PendingFollowUp], occurred_at: datetime
) -> PendingFollowUp | None:
    """The open thank-you e-mail an outbound message at ``occurred_at`` falls in, if any:
    sent between the interview's end and the window's end, it is the thank-you."""
    for follow_up in pending:
        if follow_up.kind is not FollowUpKind.THANK_YOU_EMAIL:
            continue
        start = follow_up.since if follow_up.since is not None else follow_up.window_start
        if start <= occurred_at <= follow_up.window_end:
            return follow_up
    return None


def website_domain(website: str) -> str:
    """A company website's mail domain: "https://www.initech.example/jobs" → "initech.example"."""
    text = website.strip().casefold()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    host = re.split(r"[/?#:]", text, maxsplit=1)[0]
    host = host.removeprefix("www.")
    return host if "." in host else ""


# --- the snippet -----------------------------------------------------------------------------

_WROTE = re.compile(
    r"^(on\b.{0,200}\bwrote:|.{0,200}\b(пишет|написал|написала)\s*:|-{2,}\s*original message"
    r"\s*-{2,}|-{5,}\s*forwarded message)",
    re.IGNORECASE,
)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of what the message says: quoted replies and the signature dropped,
    whitespace collapsed, cut at a word near ``limit`` characters."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if _WROTE.match(stripped) or stripped == "--":
            break
        kept.append(stripped)
        if sum(len(part) for part in kept) > limit * 2:
            break
    words = " ".join(" ".join(kept).split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0] if " " in words[:limit] else words[:limit]
    return cut.rstrip(",;:-") + "…"


def whole_text(text: str) -> str:
    """The whole body for ``store_bodies``, its line breaks kept and its blank runs shortened."""
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


class _TextOfHtml(HTMLParser):
    """The text a reader of an HTML mail sees: no scripts, styles or head, blocks on lines."""

    HIDDEN = frozenset({"script", "style", "head", "title"})
    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.quoted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self.quoted += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self.quoted = max(0, self.quoted - 1)
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.quoted:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The readable text of an HTML body (quoted blocks left out)."""
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        pass
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def summary_of(subject: str, text: str) -> str:
    """What the timeline shows: "Subject — what they said"."""
    subject = " ".join(subject.split())
    if subject and text:
        return f"{subject} — {text}"
    return subject or text or "(no subject)"
