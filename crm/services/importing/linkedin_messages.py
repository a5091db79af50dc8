"""LinkedIn's messages.csv: each message with a known contact becomes a conversation, logged
as mail is (crm.services.mail.conversation), channel linkedin; idempotent by message id.

``import_linkedin_file`` is what `crm import linkedin` and the app call: it tells
Connections.csv from messages.csv by the header and runs the matching import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import BinaryIO

from crm.clock import utc_now
from crm.db.models import Contact, Interaction
from crm.db.typed import tuples
from crm.domain import linkedin_messages as rules
from crm.domain.linkedin import LinkedInExportError
from crm.domain.linkedin_messages import ExportKind, LinkedInMessage, MessageSkip, Person
from crm.domain.linkedin_urls import is_profile_url, normalize_profile_url
from crm.domain.mail import MailTally, SkipReason, snippet, summary_of, whole_text
from crm.domain.types import Channel, Direction
from crm.services.importing.batches import ImportResult
from crm.services.mail.conversation import log_message
from crm.services.mail.importing import MailImportResult
from crm.services.tx import reading, rolled_back_if, writing

BATCH_MESSAGES = 200
"""Messages logged per transaction: an interrupted import keeps its finished batches."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Known:
    """Who crm knows, as messages.csv names them."""

    contact_of_url: dict[str, int]
    contacts_named: dict[str, list[int]]

    def find(self, person: Person) -> int | None | list[int]:
        """The contact a participant is: by profile, else by a name exactly one contact
        has; a list of candidates when several share the name; None for a stranger."""
        if person.url and person.url in self.contact_of_url:
            return self.contact_of_url[person.url]
        named = self.contacts_named.get(rules.name_key(person.name), []) if person.name else []
        if len(named) == 1:
            return named[0]
        return named if named else None


@dataclass(frozen=True)
class _ToLog:
    contact_id: int
    direction: Direction
    message: LinkedInMessage


def _open(path: Path) -> BinaryIO:
    try:
        return Path(path).open("rb")
    except IsADirectoryError as error:
        raise LinkedInExportError("it is a folder, not a CSV file") from error
    except OSError as error:
        raise LinkedInExportError(f"can't read the file: {error.strerror or error}") from error


def export_kind_of(path: Path) -> ExportKind:
    """Whether ``path`` is LinkedIn's Connections.csv or messages.csv, by its header row.

    Raises:
        LinkedInExportError: it is neither (the message names both), or can't be read.
    """
    with _open(path) as stream:
        try:
            return rules.export_kind(stream)
        except OSError as error:
            raise LinkedInExportError(f"can't read the file: {error.strerror or error}") from error


def read_messages(path: Path) -> tuple[LinkedInMessage, ...]:
    """Every message of a messages.csv file.

    Raises:
        LinkedInExportError: the file can't be read, or isn't a valid messages.csv.
    """
    with _open(path) as stream:
        try:
            return rules.read_messages_stream(stream)
        except OSError as error:
            raise LinkedInExportError(f"can't read the file: {error.strerror or error}") from error


def import_linkedin_file(
    path: Path,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    me: str | None = None,
    store_bodies: bool | None = None,
    tz: tzinfo | None = None,
) -> ImportResult | MailImportResult:
    """Import either file of LinkedIn's export: Connections.csv as contacts (one undoable
    batch), messages.csv as conversations. ``me`` (the user's profile), ``store_bodies``
    and ``tz`` default to the user's settings.

    Raises:
        LinkedInExportError: the file is neither, can't be read, or (messages) can't tell
            which profile is the user's; nothing has been written.
    """
    if export_kind_of(path) is ExportKind.CONNECTIONS:
        from crm.services.importing.linkedin import import_linkedin

        return import_linkedin(path, now=now, progress=progress, dry_run=dry_run)
    if me is None or store_bodies is None or tz is None:
        from crm.config import current_settings
        from crm.zone import user_zone

        config = current_settings()
        me = config.linkedin_profile if me is None else me
        store_bodies = config.mail.store_bodies if store_bodies is None else store_bodies
        tz = user_zone() if tz is None else tz
    return import_linkedin_messages(
        path,
        now=now,
        progress=progress,
        dry_run=dry_run,
        me=me,
        store_bodies=store_bodies,
        tz=tz,
    )


def import_linkedin_messages(
    path: Path,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    me: str = "",
    store_bodies: bool = False,
    tz: tzinfo = UTC,
) -> MailImportResult:
    """Log the messages of a messages.csv with known contacts as conversations.

    A message the user sent is outbound to each known recipient; one they received is
    inbound from its sender. Participants are contacts by profile URL, else by a full name
    exactly one contact has. Drafts and spam are left out; each message is logged once per
    contact, whatever export it comes from again. Batches of BATCH_MESSAGES are each one
    transaction; a dry run is one transaction rolled back.

    Args:
        path: the messages.csv file.
        now: the import's time (naive UTC); later messages are skipped.
        progress: called with (messages done, messages in the file).
        dry_run: count what would be logged, write nothing.
        me: the user's profile URL; found in the file when "" (the profile in every message).
        store_bodies: keep a message's whole text, not a snippet.
        tz: the user's zone, for the days a message's words commit to.

    Raises:
        LinkedInExportError: the file can't be read or the user's profile can't be told.
    """
    moment = now or utc_now()
    messages = read_messages(path)
    known = _known()
    mine = _my_profile(messages, me, known)
    my_name = rules.my_name(messages, mine)
    tally = MailTally(read=len(messages))
    to_log = _plan(messages, mine, my_name, known, moment, tally)
    total = len(to_log)
    if progress is not None:
        progress(0, total)

    def log(batch: list[_ToLog]) -> None:
        for item in batch:
            _log(item, store_bodies, moment, tz, tally)

    with rolled_back_if(dry_run):
        for start in range(0, total, BATCH_MESSAGES):
            with writing():
                log(to_log[start : start + BATCH_MESSAGES])
            if progress is not None:
                progress(min(start + BATCH_MESSAGES, total), total)
    return MailImportResult(
        source=str(Path(path).resolve()),
        dry_run=dry_run,
        read=tally.read,
        logged=tally.logged,
        skipped=dict(sorted(tally.skipped.items())),
        proposed=(),
        settled=tuple(tally.settled),
        planned=tuple(tally.planned),
    )


def _known() -> _Known:
    """Every contact's profile (normalised) and full name."""
    contact_of_url: dict[str, int] = {}
    contacts_named: dict[str, list[int]] = {}
    with reading():
        rows = list(
            tuples(
                Contact.select(Contact.id, Contact.name, Contact.linkedin_url).order_by(Contact.id)
            )
        )
    for contact_id, name, url in rows:
        if url:
            normal = normalize_profile_url(url)
            if is_profile_url(normal):
                contact_of_url.setdefault(normal, contact_id)  # lowest id wins a shared one
        key = rules.name_key(name)
        if key:
            contacts_named.setdefault(key, []).append(contact_id)
    return _Known(contact_of_url, contacts_named)


def _my_profile(messages: tuple[LinkedInMessage, ...], me: str, known: _Known) -> str:
    """The user's profile URL: given, else the one in every message. Where two people are
    in every message (one conversation), the one who isn't a contact is the user."""
    if me:
        url = normalize_profile_url(me)
        if not is_profile_url(url):
            raise LinkedInExportError(f"not a LinkedIn profile URL: {me[:80]}")
        return url
    candidates = rules.profile_candidates(messages)
    if len(candidates) > 1:
        candidates = tuple(url for url in candidates if url not in known.contact_of_url)
    if len(candidates) == 1:
        return candidates[0]
    if not any(not message.draft for message in messages):
        return ""  # nothing to log: whose file it is doesn't matter
    raise LinkedInExportError(rules.NOT_YOURS)


def _plan(
    messages: tuple[LinkedInMessage, ...],
    me: str,
    my_name: str,
    known: _Known,
    now: datetime,
    tally: MailTally,
) -> list[_ToLog]:
    """What each message logs, oldest first (so a reply settles what the user's message
    planned); what it doesn't is counted in ``tally``."""
    planned: list[_ToLog] = []
    # Every LinkedIn message logged before, read at once: a query per message cost more
    # than the rest of the planning.
    with reading():
        seen = {
            (int(contact_id), str(message_id))
            for contact_id, message_id in tuples(
                Interaction.select(Interaction.contact, Interaction.message_id).where(
                    Interaction.message_id.startswith(rules.MESSAGE_ID_PREFIX)
                )
            )
        }
    for message in messages:
        reason = rules.skip_reason(message)
        if reason is None and message.sent_at is None:
            reason = SkipReason.NO_DATE
        if reason is not None:
            tally.skip(reason)
            continue
        assert message.sent_at is not None
        if message.sent_at > now:
            tally.skip(SkipReason.FUTURE)
            continue
        found: list[tuple[int, Direction]] = []
        ambiguous = False
        for involved in rules.involvements(message, me, my_name):
            match = known.find(involved.person)
            if isinstance(match, list):
                ambiguous = True
            elif match is not None:
                found.append((match, involved.direction))
        if not found:
            tally.skip(MessageSkip.AMBIGUOUS if ambiguous else SkipReason.NOT_A_CONTACT)
            continue
        new = [
            (contact_id, direction)
            for contact_id, direction in dict(found).items()
            if (contact_id, message.message_id) not in seen
        ]
        if not new:
            tally.skip(SkipReason.DUPLICATE)
            continue
        for contact_id, direction in new:
            seen.add((contact_id, message.message_id))
            planned.append(_ToLog(contact_id, direction, message))
    planned.sort(key=lambda item: item.message.sent_at or now)
    return planned


def _log(item: _ToLog, store_bodies: bool, now: datetime, tz: tzinfo, tally: MailTally) -> None:
    message = item.message
    assert message.sent_at is not None
    said = whole_text(message.text) if store_bodies else snippet(message.text)
    log_message(
        item.contact_id,
        item.direction,
        message.sent_at,
        message.message_id,
        summary_of(message.subject, said),
        channel=Channel.LINKEDIN,
        now=now,
        tz=tz,
        tally=tally,
    )
