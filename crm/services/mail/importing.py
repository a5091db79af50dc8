"""`crm import mail`: the messages of an mbox or Maildir with known contacts become
conversations, logged as if the user had typed them; strangers at a company in play are
proposed for review. Read-only on the mailbox; idempotent by Message-ID."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from time import monotonic

from crm.clock import utc_now
from crm.config import ImapSettings, MailSettings
from crm.db import db
from crm.db.models import (
    Company,
    MailSource,
)
from crm.db.typed import tuples
from crm.domain import mail as rules
from crm.domain.invites import may_carry_invitation
from crm.domain.mail import MailHeaders, MailTally, Proposal, SkipReason
from crm.domain.text import counted
from crm.domain.types import Channel
from crm.services.invites import message_invitations
from crm.services.mail.conversation import log_message
from crm.services.mail.people import Known as _Known
from crm.services.mail.people import known_people as _known
from crm.services.mail.people import save_proposals
from crm.services.mail.reader import (
    MailboxError,
    MailMessage,
    fetched_message,
    kind_of,
    read_mailbox,
)
from crm.services.tx import reading, rolled_back_if, writing

__all__ = [
    "MailImportResult",
    "MailSetupError",
    "MailboxError",
    "import_configured_imap",
    "import_configured_mail",
    "import_imap",
    "import_mail",
    "summary_text",
]

SET_ME = (
    'Say which addresses are yours first: [mail] me = ["you@example.org"] in'
    " config.toml (crm locate config)."
)
"""What a mail import says when it can't tell your messages from theirs."""

RESUMED = "Read on from where the last import of this file stopped."
"""Said when an mbox import started where the last one stopped (see _MboxRead)."""

BATCH_MESSAGES = 200
RESUME_PROBE = 4096
"""Bytes at the file's start and before the resume offset that must be as they were."""
BATCH_SECONDS = 0.5


class MailSetupError(ValueError):
    """crm can't read mail until the user says which addresses are theirs."""


@dataclass(frozen=True)
class ProposedContact:
    address: str
    name: str
    company: str
    messages: int


@dataclass(frozen=True)
class MailImportResult:
    """What an import of a mailbox did (or, with dry_run, would do)."""

    source: str
    dry_run: bool
    read: int
    logged: int
    skipped: dict[str, int]
    proposed: tuple[ProposedContact, ...]
    settled: tuple[str, ...]
    planned: tuple[str, ...]
    interviews: tuple[str, ...] = ()
    """What invitations did: "Scheduled: …", "Rescheduled: …", "Cancelled: …"."""
    resumed_from: int = 0
    """Where in an mbox this import started: where the last one stopped (0: the start)."""


def import_mail(
    path: Path,
    *,
    settings: MailSettings,
    since: datetime | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    tz: tzinfo = UTC,
    progress: Callable[[int, int], None] | None = None,
) -> MailImportResult:
    """Log the messages in the mbox file or Maildir at ``path`` that involve known contacts.

    Each message is logged in its own transaction (a dry run: all in one, rolled back), so
    an interrupted import keeps what it logged and a second run skips it by Message-ID.

    Raises:
        MailSetupError: ``[mail] me`` is not set.
        MailboxError: ``path`` is no mailbox.
    """
    if not settings.me:
        raise MailSetupError(SET_ME)
    kind_of(path)
    moment = now or utc_now()
    source = str(path.resolve())
    tally = MailTally()
    read: list[_MboxRead | None] = [None]

    def log() -> None:
        read[0] = _run(path, source, settings, since, moment, tz, tally, progress)

    _log_then_save(log, lambda: _save(tally, read[0]), dry_run)
    result = _result(source, dry_run, tally)
    return replace(result, resumed_from=read[0].start) if read[0] is not None else result


def import_configured_mail(
    path: Path, *, now: datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> MailImportResult:
    """``import_mail`` with the user's [mail] settings and time zone (the app's import)."""
    from crm.config import current_settings
    from crm.zone import user_zone

    return import_mail(
        path, settings=current_settings().mail, now=now, tz=user_zone(), progress=progress
    )


def import_configured_imap(
    *,
    since: datetime | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    notice: Callable[[str], None] | None = None,
) -> MailImportResult:
    """``import_imap`` with the user's [mail] and [imap] settings and time zone."""
    from crm.config import current_settings
    from crm.zone import user_zone

    config = current_settings()
    return import_imap(
        config.mail,
        config.imap,
        since=since,
        dry_run=dry_run,
        now=now,
        tz=user_zone(),
        notice=notice,
    )


def logged_from(result: MailImportResult, *, new: bool = False) -> str:
    """ "1 conversation from 1,200 messages" ("new messages" for a server's fetch)."""
    messages = ("new message", "new messages") if new else ("message", "messages")
    return (
        f"{counted(result.logged, 'conversation', 'conversations')}"
        f" from {counted(result.read, *messages)}"
    )


def fetched_line(result: MailImportResult) -> str:
    """What a sync's mail fetch did, in one line: "Mail: logged 2 conversations from 40 new
    messages; 1 person to review (crm review)."."""
    line = f"Mail: {'would log' if result.dry_run else 'logged'} {logged_from(result, new=True)}"
    if result.proposed:
        line += f"; {counted(len(result.proposed), 'person', 'people')} to review (crm review)"
    if result.interviews:
        line += f"; {counted(len(result.interviews), 'invitation', 'invitations')} read"
    return line + "."


def summary_text(result: MailImportResult) -> str:
    """One paragraph of plain text: "Logged 3 conversations from 1,200 messages (…)."."""
    would = "Would log" if result.dry_run else "Logged"
    text = f"{would} {logged_from(result)}"
    if result.skipped:
        text += " (skipped: " + ", ".join(f"{n:,} {why}" for why, n in result.skipped.items())
        text += ")"
    text += "."
    if result.resumed_from:
        text += f" {RESUMED}"
    if result.settled:
        text += f" Settled {len(result.settled):,}: " + "; ".join(result.settled[:3]) + "."
    if result.proposed:
        names = "; ".join(f"{p.name or p.address} at {p.company}" for p in result.proposed[:3])
        people = counted(len(result.proposed), "person", "people")
        text += f" {people} to review, not created ({names})."
    if result.interviews:
        text += " Invitations: " + "; ".join(result.interviews[:3]) + "."
    return text


def _run(
    path: Path,
    source: str,
    settings: MailSettings,
    since: datetime | None,
    now: datetime,
    tz: tzinfo,
    tally: MailTally,
    progress: Callable[[int, int], None] | None,
) -> _MboxRead | None:
    """Read the mailbox (an mbox from where an earlier import may resume); returns where an
    mbox was read to (None for a Maildir, which is read whole each time)."""
    known = _known(settings.me)
    read = None
    if kind_of(path) == "mbox":
        read = _MboxRead(path, source, _rules_digest(settings, known), since, now, tally)
    start = 0
    if read is not None:
        start = read.start = read.resume_at()
    position = [start]
    total = path.stat().st_size if path.is_file() else 0

    def report(_: int) -> None:
        if progress is not None:
            progress(position[0], total)

    messages = read_mailbox(path, position, start)
    checkpoint = read.save_at if read is not None else None
    _log_all(messages, settings, since, now, tz, tally, report, known, checkpoint)
    if read is not None:
        read.offset = position[0]
    return read


def _log_all(
    messages: Iterable[MailMessage],
    settings: MailSettings,
    since: datetime | None,
    now: datetime,
    tz: tzinfo,
    tally: MailTally,
    report: Callable[[int], None],
    known: _Known | None = None,
    checkpoint: Callable[[int], None] | None = None,
) -> None:
    """Log each message of a stream (a file's or a server's) that involves known contacts.

    ``checkpoint(offset)`` is called in each batch's transaction as it is committed, with
    the offset of the first message after it (where a later import may resume)."""
    known = known or _known(settings.me)
    with _Batches() as batches:
        for message in messages:
            batches.tick(None if checkpoint is None else partial(checkpoint, message.offset))
            tally.read += 1
            if tally.read % 1000 == 0:
                report(tally.read)
            _one(message, settings, known, since, now, tz, tally, batches)
    report(tally.read)


def import_imap(
    settings: MailSettings,
    imap: ImapSettings,
    *,
    since: datetime | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    tz: tzinfo = UTC,
    notice: Callable[[str], None] | None = None,
) -> MailImportResult:
    """Log the new messages of the ``[imap]`` folders that involve known contacts.

    Read-only on the server (its folders are examined, never selected). Where each folder
    was read to is kept in ``mail_source`` ("imap:host/folder"), so the next run fetches only
    newer mail; a run cut short fetches its rest again and Message-IDs keep it logged once.

    Raises:
        MailSetupError: ``[mail] me`` is not set.
        ImapError: the server can't be read; the message is one line.
    """
    from crm.services.mail.imap import FolderState, fetch_configured

    if not settings.me:
        raise MailSetupError(SET_ME)
    moment = now or utc_now()
    prefix = f"imap:{imap.host}/"
    with reading():
        state = {
            row.source.removeprefix(prefix): FolderState(row.uidvalidity, row.last_uid)
            for row in MailSource.select().where(MailSource.source.startswith(prefix))
        }
    tally = MailTally()
    fetched = fetch_configured(imap, state, notice=notice)
    messages = (fetched_message(item.header, item.body) for item in fetched)

    def save() -> None:
        _save(tally, None)
        for folder, read in state.items():
            MailSource.insert(
                source=prefix + folder,
                uidvalidity=read.uidvalidity,
                last_uid=read.last_uid,
                updated_at=moment,
            ).on_conflict(
                conflict_target=[MailSource.source],
                update={
                    MailSource.uidvalidity: read.uidvalidity,
                    MailSource.last_uid: read.last_uid,
                    MailSource.updated_at: moment,
                },
            ).execute()

    _log_then_save(
        lambda: _log_all(messages, settings, since, moment, tz, tally, lambda _: None),
        save,
        dry_run,
    )
    return _result(prefix.rstrip("/"), dry_run, tally)


def _log_then_save(log: Callable[[], None], save: Callable[[], None], dry_run: bool) -> None:
    """Log the messages (in batches of their own), then save the proposals and where the
    source was read to; a dry run does both in one transaction and rolls it back."""
    with rolled_back_if(dry_run):
        log()
        with writing():
            save()


class _Batches:
    """Matched messages are written in batches, each one transaction: a commit per message
    cost more than the rest of its logging, and a batch is closed within BATCH_SECONDS so
    the app is never kept waiting long. An interrupted import keeps its finished batches."""

    def __init__(self) -> None:
        self._open: ExitStack | None = None
        self._size = 0
        self._started = 0.0

    def __enter__(self) -> _Batches:
        return self

    def __exit__(self, *error: object) -> None:
        if self._open is not None:
            self._open.__exit__(*error)  # type: ignore[arg-type]
            self._open = None

    def tick(self, save: Callable[[], None] | None = None) -> None:
        """Commit the open batch if it is full or old, even while no match follows; ``save``
        runs in its transaction first."""
        if self._open is not None and (
            self._size >= BATCH_MESSAGES or monotonic() - self._started > BATCH_SECONDS
        ):
            if save is not None:
                save()
            self._open.close()
            self._open = None

    def join(self) -> None:
        """Be inside a batch's transaction (a new one when there is none)."""
        if self._open is None:
            self._open = ExitStack()
            self._open.enter_context(writing())
            self._size, self._started = 0, monotonic()
        self._size += 1


def _one(
    message: MailMessage,
    settings: MailSettings,
    known: _Known,
    since: datetime | None,
    now: datetime,
    tz: tzinfo,
    tally: MailTally,
    batches: _Batches,
) -> None:
    if not rules.mentions_anyone(message.header_bytes, known.contact_of, known.company_of_domain):
        tally.skip(SkipReason.NOT_A_CONTACT)
        return
    headers = rules.headers_of(message.headers)
    reason = rules.noise(headers, settings.ignore_domains)
    if reason is None and headers.occurred_at is None:
        reason = SkipReason.NO_DATE
    if reason is None and since is not None and headers.occurred_at < since:  # type: ignore[operator]
        reason = SkipReason.BEFORE_SINCE
    if reason is not None:
        tally.skip(reason)
        return
    assert headers.occurred_at is not None
    if may_carry_invitation(message.headers):
        tally.interviews += message_invitations(
            message.whole(), me=settings.me, known=known, now=now, tz=tz, seen=headers.occurred_at
        )
    for address, name, company_id in rules.strangers_at_companies(
        headers, settings.me, known.contact_of, known.company_of_domain
    ):
        _propose(tally, address, name, company_id, headers.occurred_at)
    involved = rules.involvements(headers, settings.me, known.contact_of)
    if not involved:
        tally.skip(SkipReason.NOT_A_CONTACT)
        return
    if headers.occurred_at > now:
        tally.skip(SkipReason.FUTURE)
        return
    new = _not_logged_yet(involved, headers.message_id)
    if not new:
        tally.skip(SkipReason.DUPLICATE)
        return
    summary = _summary(headers, message.whole(), settings.store_bodies)
    batches.join()
    for person in new:
        log_message(
            person.contact_id,
            person.direction,
            headers.occurred_at,
            headers.message_id,
            summary,
            channel=Channel.EMAIL,
            now=now,
            tz=tz,
            tally=tally,
        )


def _not_logged_yet(involved: list[rules.Involvement], message_id: str) -> list[rules.Involvement]:
    """Those of ``involved`` this message isn't logged with yet (one query for all of them)."""
    # Plain SQL: it runs for every matched message, and Peewee took longer to build the
    # query than SQLite to answer it; "<> ''" lets SQLite use the partial unique index.
    ids = [person.contact_id for person in involved]
    sql = (
        "SELECT contact_id FROM interaction WHERE message_id = ? AND message_id <> ''"
        f" AND contact_id IN ({', '.join('?' * len(ids))})"
    )
    with reading():
        done = {contact_id for (contact_id,) in db.execute_sql(sql, (message_id, *ids))}
    return [person for person in involved if person.contact_id not in done]


def _summary(headers: MailHeaders, message: EmailMessage, whole: bool) -> str:
    text = _text_of(message)
    said = rules.whole_text(text) if whole else rules.snippet(text)
    return rules.summary_of(rules.decoded(headers.subject), said)


def _text_of(message: EmailMessage) -> str:
    """The message's text: its first text/plain part, else its HTML's text."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (LookupError, ValueError, TypeError):
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, TypeError, UnicodeError, AssertionError):
        raw = part.get_payload(decode=True)
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    if not isinstance(content, str):
        return ""
    return rules.html_text(content) if part.get_content_subtype() == "html" else content


def _propose(tally: MailTally, address: str, name: str, company_id: int, seen: datetime) -> None:
    proposal = tally.proposed.get(address)
    if proposal is None:
        proposal = tally.proposed[address] = Proposal(address, name, company_id, seen, seen)
    proposal.messages += 1
    proposal.first_seen = min(proposal.first_seen, seen)
    if seen >= proposal.last_seen:
        proposal.last_seen = seen
        proposal.name = name or proposal.name


def _save(tally: MailTally, read: _MboxRead | None) -> None:
    """The proposals seen (those the user ignored, or skipped with no newer mail, are not
    reported) and where this source was read to."""
    with writing():
        waiting = save_proposals(tally.proposed.values())
        for address in set(tally.proposed) - waiting:
            del tally.proposed[address]
        if read is not None:  # a server's folders keep their own rows (import_imap)
            read.save_at(read.offset)


def _rules_digest(settings: MailSettings, known: _Known) -> str:
    """A digest of what decides which messages are logged: whom crm knows and the rules."""
    what = (
        sorted(settings.me),
        sorted(settings.ignore_domains),
        settings.store_bodies,
        known.contact_of,  # built in contact id order
        sorted(known.company_of_domain.items()),
    )
    return hashlib.sha256(repr(what).encode()).hexdigest()


@dataclass
class _MboxRead:
    """Where an mbox import got to, and whether a later one may start there: the same file
    (grown or not), read by the same rules with the same or a wider time window."""

    path: Path
    source: str
    rules: str
    since: datetime | None
    now: datetime
    tally: MailTally
    offset: int = 0
    start: int = 0
    until: datetime | None = None
    """The window's end the reading up to a resumed offset had (see MailSource)."""

    def _file_digest(self, offset: int) -> str:
        """A digest of the file's first bytes and of those just before ``offset``."""
        with self.path.open("rb") as handle:
            head = handle.read(RESUME_PROBE)
            handle.seek(max(0, offset - RESUME_PROBE))
            tail = handle.read(min(offset, RESUME_PROBE))
            handle.seek(offset)
            starts = handle.read(5)
        if starts not in (b"", b"From "):
            return ""  # no message starts there: the file is not the one read before
        return hashlib.sha256(head + b"\0" + tail).hexdigest()

    def resume_at(self) -> int:
        """Where the last import of this file stopped, if this one may start there; else 0."""
        with reading():
            row = MailSource.get_or_none(MailSource.source == self.source)
        if row is None or not row.last_offset or not row.file_digest:
            return 0
        offset = int(row.last_offset)
        if offset > self.path.stat().st_size or self._file_digest(offset) != row.file_digest:
            return 0  # rewritten or shortened: read it all (Message-IDs keep it logged once)
        if row.rules_digest != self.rules:
            return 0  # other contacts or rules: messages passed over may count now
        if row.window_since is not None and (self.since is None or self.since < row.window_since):
            return 0  # a wider window than the earlier reading's
        if row.window_until is not None and self.now > row.window_until:
            return 0  # it passed over messages from its future, which may be past now
        self.until = row.window_until
        return offset

    def save_at(self, offset: int) -> None:
        """Record (in the caller's transaction) that the file is read up to ``offset``."""
        until = self.now if self.tally.skipped.get(SkipReason.FUTURE) else None
        if self.until is not None:  # what was read before the resumed offset still counts
            until = self.until if until is None else min(until, self.until)
        state = {
            MailSource.last_offset: offset,
            MailSource.file_digest: self._file_digest(offset),
            MailSource.rules_digest: self.rules,
            MailSource.window_since: self.since,
            MailSource.window_until: until,
            MailSource.updated_at: self.now,
        }
        MailSource.insert({MailSource.source: self.source, **state}).on_conflict(
            conflict_target=[MailSource.source], update=state
        ).execute()


def _result(source: str, dry_run: bool, tally: MailTally) -> MailImportResult:
    companies: dict[int, str] = {}
    ids = {proposal.company_id for proposal in tally.proposed.values()}
    if ids:
        with reading():
            query = Company.select(Company.id, Company.name).where(Company.id.in_(ids))
            companies = {int(cid): str(name) for cid, name in tuples(query)}
    proposed = tuple(
        ProposedContact(p.address, p.name, companies.get(p.company_id, ""), p.messages)
        for p in sorted(tally.proposed.values(), key=lambda p: (-p.messages, p.address))
    )
    return MailImportResult(
        source=source,
        dry_run=dry_run,
        read=tally.read,
        logged=tally.logged,
        skipped=dict(sorted(tally.skipped.items())),
        proposed=proposed,
        settled=tuple(tally.settled),
        planned=tuple(tally.planned),
        interviews=tuple(tally.interviews),
    )
