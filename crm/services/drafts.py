"""Drafts of follow-up messages: what crm knows for a follow-up, the template that fits it (the
user's own from the config folder, else crm's), the filled draft, and the ways it leaves crm
(an .eml, a mailto: link, "log it as sent")."""

from __future__ import annotations

import email.utils
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from email.message import EmailMessage
from email.policy import SMTP
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

from crm import paths
from crm.clock import utc_now
from crm.config import current_settings
from crm.db.models import (
    Company,
    Connection,
    Contact,
    ContactTopic,
    FollowUp,
    Interview,
    InterviewInterviewer,
    Opportunity,
    OpportunityPerson,
    Reference,
)
from crm.db.typed import tuples
from crm.domain.day_words import DRAFT_LANGUAGES
from crm.domain.drafts import (
    Draft,
    DraftFacts,
    TemplateProblem,
    fill,
    parse_template,
    split_text,
    template_names,
)
from crm.domain.followups import default_next_touch
from crm.domain.log_defaults import log_defaults_for
from crm.domain.types import Direction, FollowUpKind, HelperRole, LogDraft, LogResult, Stage
from crm.domain.validation import InvalidInput
from crm.domain.zones import to_local
from crm.services import conversations
from crm.services.followups import follow_up_notes
from crm.services.tx import reading, writing

__all__ = ["Draft", "DraftError", "draft_for", "eml_bytes", "log_sent", "mailto_url", "split_text"]


class DraftError(ValueError):
    """A draft can't be made or logged; the message is one line for the user."""


def _package_templates() -> Path:
    return Path(str(files("crm").joinpath("templates", "drafts")))


def template_text(language: str, names: tuple[str, ...]) -> tuple[str, str]:
    """The (file, text) of the first template found for ``names``: the user's own in
    ``drafts_dir()/<language>/`` before crm's, a variant before its plain kind."""
    folders = (paths.drafts_dir() / language, _package_templates() / language)
    for name in names:
        for folder in folders:
            path = folder / f"{name}.txt"
            try:
                return str(path), path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as error:
                raise DraftError(f"{path}: can't be read ({error}).") from error
    raise DraftError(f"There is no {language} template for {names[-1]}.")


def _language(requested: str | None, contact_language: str) -> str:
    if requested:
        language = requested.strip().casefold()
        if language not in DRAFT_LANGUAGES:
            raise DraftError(
                f"“{requested}” isn't a draft language: use {' or '.join(DRAFT_LANGUAGES)}."
            )
        return language
    return contact_language or current_settings().drafts.language


def _facts(follow_up_id: int, language: str | None, now: datetime, tz: tzinfo) -> DraftFacts:
    """Everything crm knows for one follow-up's message, read in one transaction."""
    with reading():
        follow_up = FollowUp.get_or_none(FollowUp.id == follow_up_id)
        if follow_up is None:
            raise DraftError(f"There is no follow-up #{follow_up_id}.")
        contact = Contact.get(Contact.id == follow_up.contact_id)
        company = Company.get_or_none(Company.id == contact.company_id)
        topics = tuple(
            name
            for (name,) in tuples(
                ContactTopic.select(ContactTopic.name)
                .where(ContactTopic.contact == contact.id)
                .order_by(ContactTopic.position)
            )
        )
        opportunity = Opportunity.get_or_none(Opportunity.id == follow_up.opportunity_id)
        interview = _interview_of(follow_up, opportunity, now)
        interviewers = _interviewer_names(interview.id) if interview is not None else ()
        round_number = None
        if interview is not None:
            round_number = 1 + (
                Interview.select()
                .where(
                    (Interview.opportunity == interview.opportunity_id)
                    & (Interview.starts_at < interview.starts_at)
                )
                .count()
            )
        helpers: tuple[tuple[str, str], ...] = ()
        if opportunity is not None:
            helpers = tuple(
                (str(name), str(role))
                for name, role in tuples(
                    OpportunityPerson.select(Contact.name, OpportunityPerson.role)
                    .join(Contact)
                    .where(OpportunityPerson.opportunity == opportunity.id)
                    .order_by(OpportunityPerson.position, OpportunityPerson.id)
                )
            )
        reference = Reference.get_or_none(Reference.contact == contact.id)
        connection = _connection_of(contact.id, opportunity)
        opportunity_company = opportunity.company.name if opportunity is not None else ""
        local_today = to_local(now, tz).date()
        return DraftFacts(
            follow_up_id=follow_up.id,
            kind=FollowUpKind(follow_up.kind),
            language=_language(language, contact.language),
            today=local_today,
            next_day=to_local(default_next_touch(now, tz=tz), tz).date(),
            contact_id=contact.id,
            contact_name=contact.name,
            email=contact.email,
            company=opportunity_company or (company.name if company is not None else ""),
            role=opportunity.role if opportunity is not None else "",
            round=round_number,
            interview_day=to_local(interview.starts_at, tz).date() if interview else None,
            interviewers=interviewers,
            referrers=_referrers(helpers, contact.name),
            topics=topics,
            interview_notes=interview.notes if interview is not None else "",
            connection=connection,
            talking_points=reference.talking_points if reference is not None else "",
            relationship=reference.relationship if reference is not None else "",
            stage=Stage(opportunity.stage) if opportunity is not None else None,
            quiet=bool(opportunity.quiet) if opportunity is not None else False,
            signature=current_settings().drafts.signature,
        )


def _interview_of(
    follow_up: FollowUp, opportunity: Opportunity | None, now: datetime
) -> Interview | None:
    """The follow-up's own interview; else its process's latest one that has begun, else the
    next one (a heads-up is written before it)."""
    if follow_up.interview_id is not None:
        own = Interview.get_or_none(Interview.id == follow_up.interview_id)
        if own is not None:
            return own
    if opportunity is None:
        return None
    of_process = Interview.select().where(Interview.opportunity == opportunity.id)
    past = of_process.where(Interview.starts_at <= now).order_by(Interview.starts_at.desc())
    return past.first() or of_process.order_by(Interview.starts_at).first()


def _interviewer_names(interview_id: int) -> tuple[str, ...]:
    return tuple(
        name
        for (name,) in tuples(
            InterviewInterviewer.select(Contact.name)
            .join(Contact)
            .where(InterviewInterviewer.interview == interview_id)
            .order_by(InterviewInterviewer.id)
        )
    )


def _referrers(helpers: tuple[tuple[str, str], ...], addressee: str) -> tuple[str, ...]:
    """Who referred the user (those who pulled strings after them), the addressee left out."""
    ordered = [name for name, role in helpers if role == HelperRole.REFERRER.value]
    ordered += [name for name, role in helpers if role != HelperRole.REFERRER.value]
    return tuple(name for name in ordered if name != addressee)


def _connection_of(contact_id: int, opportunity: Opportunity | None) -> str:
    """A person the user and the contact both know: one of the process's interviewers or
    helpers first (the back channel), else anyone the contact is known to know."""
    others = [
        *(
            b
            for (b,) in tuples(
                Connection.select(Connection.contact_b).where(Connection.contact_a == contact_id)
            )
        ),
        *(
            a
            for (a,) in tuples(
                Connection.select(Connection.contact_a).where(Connection.contact_b == contact_id)
            )
        ),
    ]
    if not others:
        return ""
    preferred: list[int] = []
    if opportunity is not None:
        preferred = [
            cid
            for (cid,) in tuples(
                InterviewInterviewer.select(InterviewInterviewer.contact)
                .join(Interview)
                .where(Interview.opportunity == opportunity.id)
                .order_by(Interview.starts_at)
            )
        ]
        preferred += [
            cid
            for (cid,) in tuples(
                OpportunityPerson.select(OpportunityPerson.contact).where(
                    OpportunityPerson.opportunity == opportunity.id
                )
            )
        ]
    chosen = next((cid for cid in preferred if cid in others), None)
    query = Contact.select(Contact.name)
    if chosen is not None:
        row = query.where(Contact.id == chosen).tuples().first()
    else:
        row = query.where(Contact.id.in_(others)).order_by(Contact.sort_key).tuples().first()
    return str(row[0]) if row else ""


def draft_for(
    follow_up_id: int,
    *,
    language: str | None = None,
    now: datetime | None = None,
    tz: tzinfo = UTC,
) -> Draft:
    """The draft message for a follow-up, in ``language`` (None: the contact's, then the
    ``[drafts] language`` of the config). Raises DraftError: no such follow-up, a language
    crm doesn't write, a template of the user's that can't be used."""
    moment = now or utc_now()
    facts = _facts(follow_up_id, language, moment, tz)
    names = template_names(facts.kind, quiet=facts.quiet, stage=facts.stage)
    where, text = template_text(facts.language, names)
    try:
        subject, body = parse_template(text, where)
    except TemplateProblem as error:
        raise DraftError(str(error)) from error
    return fill(subject, body, facts)


def _one_line(text: str) -> str:
    """A header value on one line: a newline in a name or subject can't start a header."""
    return " ".join(text.split())


def eml_bytes(
    draft: Draft,
    *,
    subject: str | None = None,
    body: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The draft as an unsent RFC 5322 message (X-Unsent: 1 opens it for editing in Outlook
    and Thunderbird), To the contact, in UTF-8."""
    message = EmailMessage(policy=SMTP)
    if draft.to:
        message["To"] = email.utils.formataddr((_one_line(draft.contact_name), _one_line(draft.to)))
    message["Subject"] = _one_line(draft.subject if subject is None else subject)
    moment = (now or utc_now()).replace(tzinfo=UTC)
    message["Date"] = email.utils.format_datetime(moment)
    message["Message-ID"] = email.utils.make_msgid(domain="crm.invalid")
    message["X-Unsent"] = "1"
    message.set_content(draft.body if body is None else body, charset="utf-8")
    return message.as_bytes()


def mailto_url(draft: Draft, *, subject: str | None = None, body: str | None = None) -> str:
    """The draft as a ``mailto:`` link (RFC 6068): the address, then the subject and the body
    percent-encoded as UTF-8, line breaks as CRLF; an unknown address leaves it empty."""
    to = quote(_one_line(draft.to), safe="@")
    subject_text = _one_line(draft.subject if subject is None else subject)
    body_text = (draft.body if body is None else body).replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{to}?subject={quote(subject_text, safe='')}&body={quote(body_text, safe='')}"


def log_sent(
    follow_up_id: int,
    text: str | None = None,
    *,
    now: datetime | None = None,
    tz: tzinfo = UTC,
) -> LogResult:
    """Log the (edited) draft as sent now, as the conversation its follow-up asks for: it
    settles the follow-up and plans what comes next (the note after the thank-you e-mail).
    ``text`` is the message as sent ("Subject: …", a blank line, the body); None logs the
    draft as crm wrote it. Raises DraftError for a follow-up that is done or cancelled."""
    moment = now or utc_now()
    with reading():
        follow_up = FollowUp.get_or_none(FollowUp.id == follow_up_id)
        if follow_up is None:
            raise DraftError(f"There is no follow-up #{follow_up_id}.")
        if follow_up.done_at is not None or follow_up.cancelled_by:
            settled = "cancelled" if follow_up.cancelled_by else "done"
            raise DraftError(f"Follow-up #{follow_up_id} is {settled} already: nothing to send.")
        contact_id, opportunity_id = follow_up.contact_id, follow_up.opportunity_id
        kind = FollowUpKind(follow_up.kind)
    if text is None:
        text = draft_for(follow_up_id, now=moment, tz=tz).text
    subject, body = split_text(text)
    if not (subject or body).strip():
        raise DraftError("The message is empty: nothing to log as sent.")
    defaults = log_defaults_for(kind)
    summary = f"Sent: {subject}\n\n{body}" if subject else f"Sent:\n\n{body}"
    sent = LogDraft(
        contact_id=contact_id,
        channel=defaults.channel,
        kind=defaults.kind,
        occurred_at=moment,
        summary=summary,
        direction=Direction.OUTBOUND,
        opportunity_id=opportunity_id,
        infer_opportunity=False,
    )
    try:
        with writing():
            result = conversations.log_conversation(sent, now=moment, tz=tz)
            if follow_up_id in result.closed_follow_up_ids:
                return result
            # The message was written for this follow-up, so sending it settles it even
            # where the conversation's kind alone wouldn't ("other", a check-in not yet due).
            FollowUp.update(done_at=moment, settled_by=result.interaction_id).where(
                (FollowUp.id == follow_up_id) & FollowUp.done_at.is_null()
            ).execute()
            return replace(
                result,
                closed_follow_up_ids=(*result.closed_follow_up_ids, follow_up_id),
                settled=(*result.settled, *follow_up_notes([follow_up_id])),
            )
    except InvalidInput as error:
        raise DraftError(str(error)) from error
