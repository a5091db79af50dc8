"""The domain model as Peewee tables. Times are naive UTC; rules about time live in domain/."""

from __future__ import annotations

import uuid

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

from crm.clock import utc_now
from crm.db.database import db


def new_uid() -> str:
    """A stable identifier for exports (vCard UID, iCalendar UID)."""
    return str(uuid.uuid4())


class BaseModel(Model):
    # What peewee adds anyway, said out loud so type checkers know every model has an `id`.
    id = AutoField()

    class Meta:
        database = db
        legacy_table_names = False


class Company(BaseModel):
    name = CharField()
    key = CharField(unique=True)  # company_key(name): "Acme, Inc." and "ACME" share one row
    website = CharField(default="")
    notes = TextField(default="")
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "company"


class ImportBatch(BaseModel):
    source = CharField()  # linkedin, vcard, google, json
    filename = CharField(default="")
    created_at = DateTimeField(default=utc_now)
    summary = TextField(default="")
    undone_at = DateTimeField(null=True)

    class Meta:
        table_name = "import_batch"


class Contact(BaseModel):
    uid = CharField(unique=True, default=new_uid)
    name = CharField()
    sort_key = CharField(index=True)  # domain.text.sort_key(name), for keyset paging
    company = ForeignKeyField(Company, null=True, on_delete="SET NULL", backref="contacts")
    company_id: int | None  # the column behind each foreign key, named for the type checker
    role = CharField(default="")
    email = CharField(default="", index=True)
    phone = CharField(default="")
    linkedin_url = CharField(default="", index=True)  # normalised profile URL
    how_met = TextField(default="")
    relationship_note = TextField(default="")
    rapport = CharField(default="")  # domain.types.Rapport, or "" when not judged
    keep_in_touch_days = IntegerField(null=True)
    language = CharField(default="")  # drafts in "en" or "ru"; "" = the [drafts] default
    import_batch = ForeignKeyField(ImportBatch, null=True, on_delete="SET NULL", backref="contacts")
    created_at = DateTimeField(default=utc_now)
    updated_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "contact"


class ContactTopic(BaseModel):
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="topics")
    name = CharField()
    position = IntegerField(default=0)

    class Meta:
        table_name = "contact_topic"
        indexes = ((("contact", "name"), True),)


class ContactMethod(BaseModel):
    """Extra e-mails, phones and URLs beyond the primary ones on Contact."""

    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="methods")
    kind = CharField()  # email, phone, url
    value = CharField()
    label = CharField(default="")
    position = IntegerField(default=0)

    class Meta:
        table_name = "contact_method"
        indexes = ((("kind", "value"), False),)


class ImportChange(BaseModel):
    """What one import did to one contact, so the batch can be undone exactly."""

    batch = ForeignKeyField(ImportBatch, on_delete="CASCADE", backref="changes")
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    action = CharField()  # created, updated
    previous = TextField(default="")  # JSON of the fields before an update

    class Meta:
        table_name = "import_change"


class Opportunity(BaseModel):
    uid = CharField(unique=True, default=new_uid)
    company = ForeignKeyField(Company, on_delete="RESTRICT", backref="opportunities")
    role = CharField()
    stage = CharField(default="applied", index=True)  # domain.types.Stage
    quiet = BooleanField(default=False)
    notes = TextField(default="")
    created_at = DateTimeField(default=utc_now)
    updated_at = DateTimeField(default=utc_now)
    closed_at = DateTimeField(null=True)
    url = CharField(default="")  # the posting's link, http(s) or empty
    location = CharField(default="")  # "Berlin", "remote", "hybrid, Zürich"
    salary = CharField(default="")  # free text: "€70–80k", "$120k + equity"
    applied_at = DateTimeField(null=True)
    cv = CharField(default="")  # the CV or cover letter sent: a file name or a version

    class Meta:
        table_name = "opportunity"


class OpportunityPerson(BaseModel):
    """Someone who helped the user into a process: a referrer, or someone who pulled strings."""

    opportunity = ForeignKeyField(Opportunity, on_delete="CASCADE", backref="people")
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="processes_helped")
    role = CharField(default="referrer")  # domain.types.HelperRole
    position = IntegerField(default=0)

    class Meta:
        table_name = "opportunity_person"
        indexes = ((("opportunity", "contact"), True), (("contact",), False))


class Interview(BaseModel):
    uid = CharField(unique=True, default=new_uid)
    opportunity = ForeignKeyField(Opportunity, on_delete="CASCADE", backref="interviews")
    opportunity_id: int
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField()
    kind = CharField(default="")
    location = CharField(default="")
    notes = TextField(default="")
    done_at = DateTimeField(null=True)
    # The calendar invitation it came from ("" when typed): its UID finds it again when a
    # reschedule or a cancellation arrives, and a SEQUENCE no newer than this changes nothing.
    invite_uid = CharField(default="")
    invite_sequence = IntegerField(default=0)
    cancelled_at = DateTimeField(null=True)

    class Meta:
        table_name = "interview"


Interview.add_index(
    Interview.index(Interview.invite_uid, unique=True, where=(Interview.invite_uid != ""))
)


class InterviewInterviewer(BaseModel):
    interview = ForeignKeyField(Interview, on_delete="CASCADE", backref="interviewer_links")
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="interviews_given")

    class Meta:
        table_name = "interview_interviewer"
        indexes = ((("interview", "contact"), True),)


class Interaction(BaseModel):
    uid = CharField(unique=True, default=new_uid)
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="interactions")
    opportunity = ForeignKeyField(
        Opportunity, null=True, on_delete="SET NULL", backref="interactions"
    )
    contact_id: int
    opportunity_id: int | None
    occurred_at = DateTimeField()
    channel = CharField()  # domain.types.Channel
    kind = CharField()  # domain.types.InteractionKind
    direction = CharField(default="outbound")  # domain.types.Direction
    summary = TextField(default="")
    promised_at = DateTimeField(null=True)  # "they'll get back to me by ...": their date
    created_at = DateTimeField(default=utc_now)
    # The e-mail's Message-ID when it came from a mailbox ("" when typed): unique per contact
    # (the partial index below), so an import never logs one message twice.
    message_id = CharField(default="")

    class Meta:
        table_name = "interaction"
        indexes = (
            (("contact", "occurred_at"), False),
            (("opportunity", "occurred_at"), False),
            (("occurred_at",), False),
        )


Interaction.add_index(
    Interaction.index(
        Interaction.contact,
        Interaction.message_id,
        unique=True,
        where=(Interaction.message_id != ""),
    )
)


class FollowUp(BaseModel):
    uid = CharField(unique=True, default=new_uid)
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="follow_ups")
    opportunity = ForeignKeyField(
        Opportunity, null=True, on_delete="SET NULL", backref="follow_ups"
    )
    interview = ForeignKeyField(Interview, null=True, on_delete="SET NULL", backref="follow_ups")
    contact_id: int
    opportunity_id: int | None
    interview_id: int | None
    origin = ForeignKeyField(Interaction, null=True, on_delete="SET NULL", backref="follow_ups")
    # The logged conversation that settled it, so editing or deleting that one can undo it.
    settled_by = ForeignKeyField(
        Interaction, null=True, on_delete="SET NULL", backref="settled_follow_ups"
    )
    kind = CharField()  # domain.types.FollowUpKind
    window_start = DateTimeField()
    window_end = DateTimeField()
    done_at = DateTimeField(null=True)
    snoozed_until = DateTimeField(null=True)
    note = TextField(default="")
    cancelled_by = CharField(default="")  # "" unless cancelled: "close" when its process closed
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "follow_up"
        indexes = (
            # The Today view: pending follow-ups by end (overdue, due) and by start (upcoming);
            # window_start rides along so "due" is told from "upcoming" without reading rows.
            (("done_at", "window_end", "window_start"), False),
            (("done_at", "window_start"), False),
            (("contact", "window_end"), False),
            (("opportunity", "done_at"), False),
        )


# The few follow-ups the Today view's SQL can't bucket by their window alone: snoozed ones
# (a snooze moves the window) and any whose window ends before it starts. The domain judges
# these one by one.
FollowUp.add_index(
    FollowUp.index(
        FollowUp.done_at,
        where=FollowUp.snoozed_until.is_null(False) | (FollowUp.window_start > FollowUp.window_end),
        name="follow_up_snoozed_or_inverted",
    )
)


class Connection(BaseModel):
    """ "A knows B" between two contacts; stored once with a < b."""

    contact_a = ForeignKeyField(Contact, on_delete="CASCADE", backref="connections_a")
    contact_b = ForeignKeyField(Contact, on_delete="CASCADE", backref="connections_b")
    contact_a_id: int
    contact_b_id: int
    source = CharField(default="other")  # domain.types.ConnectionSource
    note = TextField(default="")
    noted_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "connection"
        indexes = (
            (("contact_a", "contact_b"), True),
            (("contact_b",), False),
        )


class Reference(BaseModel):
    contact = ForeignKeyField(Contact, unique=True, on_delete="CASCADE", backref="reference")
    relationship = TextField(default="")
    talking_points = TextField(default="")
    last_briefed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "reference"


class ReferenceGiven(BaseModel):
    """A reference handed to an employer for one opportunity."""

    reference = ForeignKeyField(Reference, on_delete="CASCADE", backref="given")
    opportunity = ForeignKeyField(Opportunity, on_delete="CASCADE", backref="references_given")
    given_at = DateTimeField(default=utc_now)
    expected_call_at = DateTimeField(null=True)

    class Meta:
        table_name = "reference_given"
        indexes = ((("reference", "opportunity"), True),)


class ContactIndex(FTS5Model):
    """Full-text index over folded contact text; rowid is Contact.id."""

    rowid = RowIDField()
    name = SearchField()
    company = SearchField()
    role = SearchField()
    topics = SearchField()
    notes = SearchField()

    class Meta:
        database = db
        table_name = "contact_index"  # FTS5Model doesn't inherit BaseModel's Meta
        options = {"tokenize": "unicode61 remove_diacritics 2", "prefix": "1 2 3"}


class SyncCollection(BaseModel):
    """A server collection crm syncs with ("tasks", "events", "cards"), and where it left off."""

    name = CharField(unique=True)
    url = CharField(default="")
    source = CharField(default="")  # the [sync] url, user and name that found ``url``
    sync_token = CharField(default="")  # RFC 6578 token of the last sync, "" when none
    clock = IntegerField(default=-1)  # SyncClock.ticks when this collection last matched crm

    class Meta:
        table_name = "sync_collection"


class SyncItem(BaseModel):
    """One item crm has on a server: where it is, its ETag, and what both sides agreed on last."""

    collection = CharField()
    uid = CharField()  # the crm item's uid (contact, follow-up, interview); the href's if foreign
    server_uid = CharField(default="")  # the UID inside the server's item, when not ``uid``
    href = CharField()
    etag = CharField(default="")
    pushed = CharField(default="")  # digest of the body the server holds, as crm last saw it
    base = TextField(default="")  # JSON of the synced fields both sides had at the last sync
    state = CharField(default="")  # "" synced; "deleted" on the server; "foreign" not crm's
    synced_at = DateTimeField(null=True)

    class Meta:
        table_name = "sync_item"
        indexes = ((("collection", "uid"), True),)


class SyncEvent(BaseModel):
    """The sync history: what a sync did that the user may want to know or undo."""

    at = DateTimeField(index=True)
    collection = CharField()
    uid = CharField(default="")
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="sync_events")
    action = CharField()  # domain.sync.SyncAction
    detail = TextField(default="")  # JSON: the field, the value kept and the value lost, ...

    class Meta:
        table_name = "sync_event"


class SyncClock(BaseModel):
    """One row whose ticks go up (by triggers) whenever anything a sync sends changes, so a
    sync with nothing new locally is told in one read."""

    ticks = IntegerField(default=0)

    class Meta:
        table_name = "sync_clock"


class MailProposal(BaseModel):
    """Someone unknown to crm seen in mail at a company in play, waiting for the user's review."""

    kind = CharField(default="contact")  # "contact", or "interview" (from an invitation)
    address = CharField()  # lower-cased e-mail address
    name = CharField(default="")  # the display name they used last
    company = ForeignKeyField(Company, null=True, on_delete="CASCADE", backref="mail_proposals")
    company_id: int | None
    first_seen = DateTimeField()
    last_seen = DateTimeField()
    messages = IntegerField(default=0)
    state = CharField(default="pending")  # pending, skipped, ignored (never propose again)
    # What is proposed beyond a person: an interview's invitation, as JSON ("" for a contact).
    detail = TextField(default="")

    class Meta:
        table_name = "mail_proposal"
        indexes = ((("kind", "address"), True),)


class MailSource(BaseModel):
    """A mailbox crm imports from (a path, or "imap:host/folder") and where it stopped."""

    source = CharField(unique=True)
    uidvalidity = IntegerField(default=0)
    last_uid = IntegerField(default=0)
    last_offset = IntegerField(default=0)
    updated_at = DateTimeField()
    file_digest = CharField(default="")
    """Of an mbox: its first bytes and those just before last_offset (the same file, grown?)."""
    rules_digest = CharField(default="")
    """Whom crm knew and the [mail] rules when the file was read up to last_offset."""
    window_since = DateTimeField(null=True)
    """The --since that reading used (None: none)."""
    window_until = DateTimeField(null=True)
    """That reading's now, when it passed over a message dated after it (else None)."""

    class Meta:
        table_name = "mail_source"


ALL_MODELS: tuple[type[Model], ...] = (
    Company,
    ImportBatch,
    Contact,
    ContactTopic,
    ContactMethod,
    ImportChange,
    Opportunity,
    OpportunityPerson,
    Interview,
    InterviewInterviewer,
    Interaction,
    FollowUp,
    Connection,
    Reference,
    ReferenceGiven,
    SyncCollection,
    SyncItem,
    SyncEvent,
    SyncClock,
    MailProposal,
    MailSource,
)
