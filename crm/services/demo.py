"""Demo data: a realistic sample job search, and generated contacts for trying the app at scale.

What the sample holds is in ``crm.services.demo_data``; this module writes it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import NamedTuple

from crm.db import db, search
from crm.db.bulk import Extras, NewContact, write_contacts
from crm.db.models import (
    Company,
    Connection,
    Contact,
    ContactTopic,
    FollowUp,
    Interaction,
    Interview,
    InterviewInterviewer,
    Opportunity,
    OpportunityPerson,
    Reference,
    ReferenceGiven,
)
from crm.db.typed import stored_time, tuples
from crm.domain.companies import clean_company_name, company_key
from crm.domain.text import sort_key
from crm.services.contacts import company_id_for
from crm.services.demo_data.names import CULTURES as _CULTURES
from crm.services.demo_data.names import HOW_MET as _HOW_MET
from crm.services.demo_data.names import KEEP_IN_TOUCH as _KEEP_IN_TOUCH
from crm.services.demo_data.names import NOTES as _NOTES
from crm.services.demo_data.names import ROLES as _ROLES
from crm.services.demo_data.names import TOPICS as _TOPICS
from crm.services.demo_data.names import company_name as _company_name
from crm.services.demo_data.names import person_name as _person_name
from crm.services.demo_data.names import pick as _pick
from crm.services.demo_data.names import pick_culture as _pick_culture
from crm.services.demo_data.people import SAMPLE_COMPANIES, SAMPLE_PEOPLE
from crm.services.demo_data.shapes import SamplePerson
from crm.services.demo_data.story import (
    SAMPLE_LINKS,
    SAMPLE_NEXT_STEPS,
    SAMPLE_OPENINGS,
    SAMPLE_REFERENCES,
    SAMPLE_ROUNDS,
    SAMPLE_TOUCHES,
)
from crm.services.tx import writing


def _hours(moment: datetime, hours: float) -> datetime:
    """``moment`` shifted by ``hours``, to the second."""
    return (moment + timedelta(hours=hours)).replace(microsecond=0)


def write_sample(now: datetime) -> None:
    """Write the sample job search (contacts, processes, conversations, follow-ups) in one go."""
    now = now.replace(microsecond=0)
    with writing():
        company_ids = _write_sample_companies(now)
        people = {p.name: _write_sample_person(p, company_ids, now) for p in SAMPLE_PEOPLE}
        openings = _write_sample_openings(company_ids, people, now)
        interviews = _write_sample_rounds(openings, people, now)
        _write_sample_touches(openings, people, now)
        _write_sample_next_steps(openings, interviews, people, now)
        _write_sample_links(people, now)
        _write_sample_references(openings, people, now)


def _write_sample_openings(
    company_ids: dict[str, int], people: dict[str, int], now: datetime
) -> dict[str, int]:
    """Insert the sample opportunities; returns their ids by key."""
    openings: dict[str, int] = {}
    for o in SAMPLE_OPENINGS:
        opened = _hours(now, -24 * o.opened_days_ago)
        closed = None if o.closed_days_ago is None else _hours(now, -24 * o.closed_days_ago)
        openings[o.key] = int(
            Opportunity.insert(
                company=company_ids[o.company],
                role=o.role,
                stage=o.stage.value,
                quiet=o.quiet,
                notes=o.notes,
                created_at=opened,
                updated_at=closed or opened,
                closed_at=closed,
            ).execute()
        )
        if o.referrer:
            OpportunityPerson.insert(
                opportunity=openings[o.key], contact=people[o.referrer], role="referrer"
            ).execute()
    return openings


def _write_sample_rounds(
    openings: dict[str, int], people: dict[str, int], now: datetime
) -> dict[str | None, tuple[int | None, datetime]]:
    """Insert the sample interviews; returns (id, end) by key, and (None, now) for None."""
    interviews: dict[str | None, tuple[int | None, datetime]] = {None: (None, now)}
    for r in SAMPLE_ROUNDS:
        day = now.replace(hour=0, minute=0, second=0) + timedelta(days=r.starts_in_days)
        starts = day.replace(hour=r.hour)
        ends = starts + timedelta(minutes=r.minutes)
        interview_id = int(
            Interview.insert(
                opportunity=openings[r.opening],
                starts_at=starts,
                ends_at=ends,
                kind=r.kind,
                location=r.location,
                notes=r.notes,
                done_at=ends if ends <= now else None,
            ).execute()
        )
        InterviewInterviewer.insert_many(
            [{"interview": interview_id, "contact": people[name]} for name in r.interviewers]
        ).execute()
        interviews[r.key] = (interview_id, ends)
    return interviews


def _write_sample_touches(openings: dict[str, int], people: dict[str, int], now: datetime) -> None:
    """Insert the sample logged conversations."""
    for t in SAMPLE_TOUCHES:
        occurred = _hours(now, -24 * t.days_ago)
        Interaction.insert(
            contact=people[t.contact],
            opportunity=openings[t.opening] if t.opening else None,
            occurred_at=occurred,
            channel=t.channel.value,
            kind=t.kind.value,
            direction=t.direction.value,
            summary=t.summary,
            created_at=occurred,
        ).execute()


def _write_sample_next_steps(
    openings: dict[str, int],
    interviews: dict[str | None, tuple[int | None, datetime]],
    people: dict[str, int],
    now: datetime,
) -> None:
    """Insert the sample follow-ups, timed from their interview's end (or from now)."""
    for s in SAMPLE_NEXT_STEPS:
        interview_id, anchor = interviews[s.interview]
        FollowUp.insert(
            contact=people[s.contact],
            opportunity=openings[s.opening] if s.opening else None,
            interview=interview_id,
            kind=s.kind.value,
            window_start=_hours(anchor, s.from_hours),
            window_end=_hours(anchor, s.to_hours),
            done_at=None if s.done_hours is None else _hours(anchor, s.done_hours),
            snoozed_until=(
                None if s.snoozed_for_days is None else _hours(now, 24 * s.snoozed_for_days)
            ),
            note=s.note,
            created_at=min(now, anchor),
        ).execute()


def _write_sample_links(people: dict[str, int], now: datetime) -> None:
    """Insert the sample "A knows B" connections, lower id first."""
    for link in SAMPLE_LINKS:
        a, b = sorted((people[link.a], people[link.b]))
        Connection.insert(
            contact_a=a,
            contact_b=b,
            source=link.source.value,
            note=link.note,
            noted_at=_hours(now, -24 * 7),
        ).execute()


def _write_sample_references(
    openings: dict[str, int], people: dict[str, int], now: datetime
) -> None:
    """Insert the sample reference list, and the references already handed to employers."""
    for ref in SAMPLE_REFERENCES:
        briefed = None if ref.briefed_days_ago is None else _hours(now, -24 * ref.briefed_days_ago)
        reference_id = int(
            Reference.insert(
                contact=people[ref.contact],
                relationship=ref.relationship,
                talking_points=ref.talking_points,
                last_briefed_at=briefed,
                created_at=_hours(now, -24 * 200),
            ).execute()
        )
        if ref.given_for:
            ReferenceGiven.insert(
                reference=reference_id,
                opportunity=openings[ref.given_for],
                given_at=_hours(now, -24 * ref.given_days_ago),
                expected_call_at=(
                    None if ref.call_in_days is None else _hours(now, 24 * ref.call_in_days)
                ),
            ).execute()


def _write_sample_companies(now: datetime) -> dict[str, int]:
    """Get or create the sample companies; fill in details only on the rows created here."""
    existing = {key for (key,) in tuples(Company.select(Company.key))}
    ids: dict[str, int] = {}
    for c in SAMPLE_COMPANIES:
        company_id = company_id_for(c.name)
        assert company_id is not None
        ids[c.name] = company_id
        if company_key(clean_company_name(c.name)) not in existing:
            Company.update(
                website=c.website, notes=c.notes, created_at=_hours(now, -24 * 400)
            ).where(Company.id == company_id).execute()
    return ids


def _write_sample_person(p: SamplePerson, company_ids: dict[str, int], now: datetime) -> int:
    """Insert one sample contact with its topics and search entry; returns its id."""
    added = _hours(now, -24 * p.known_days)
    contact_id = int(
        Contact.insert(
            name=p.name,
            sort_key=sort_key(p.name),
            company=company_ids[p.company] if p.company else None,
            role=p.role,
            email=p.email,
            phone=p.phone,
            linkedin_url=f"https://www.linkedin.com/in/{p.linkedin}" if p.linkedin else "",
            how_met=p.how_met,
            relationship_note=p.note,
            rapport=p.rapport.value if p.rapport else "",
            keep_in_touch_days=p.keep_in_touch_days,
            language=p.language,
            created_at=added,
            updated_at=added,
        ).execute()
    )
    if p.topics:
        ContactTopic.insert_many(
            [{"contact": contact_id, "name": t, "position": i} for i, t in enumerate(p.topics)]
        ).execute()
    search.index_contact(contact_id)
    return contact_id


# =============================================================================================
# Generated contacts, for trying the app at scale
# =============================================================================================


_COMPANY_SQL = (
    "INSERT INTO company (id, name, key, website, notes, created_at) VALUES (?, ?, ?, ?, '', ?)"
)
_TWO_YEARS = 2 * 365 * 24 * 3600
_EPOCH = datetime(1970, 1, 1)


class _GeneratedCompany(NamedTuple):
    id: int
    name: str
    culture: str
    domain: str


def _generate_companies(
    rng: random.Random, how_many: int, existing: dict[str, int], next_id: int, stamp: str
) -> tuple[list[_GeneratedCompany], list[tuple[object, ...]]]:
    """Companies with distinct keys; an existing row is reused when a key is taken already."""
    companies: list[_GeneratedCompany] = []
    rows: list[tuple[object, ...]] = []
    seen: set[str] = set()
    while len(companies) < how_many:
        for _attempt in range(100):
            culture = _pick_culture(rng)
            name, ascii_name = _company_name(rng, culture)
            key = company_key(name)
            if key not in seen:
                break
        else:  # the pools are exhausted: number the name
            name = f"{name} {len(companies) + 1}"
            ascii_name = f"{ascii_name}{len(companies) + 1}"
            key = company_key(name)
        seen.add(key)
        domain = f"{ascii_name or 'company'}.example"
        company_id = existing.get(key)
        if company_id is None:
            company_id = next_id
            next_id += 1
            rows.append((company_id, name, key, f"https://{domain}", stamp))
        companies.append(_GeneratedCompany(company_id, name, culture, domain))
    return companies, rows


def add_generated_contacts(count: int, *, seed: int = 2026, now: datetime) -> int:
    """Add ``count`` reproducible made-up contacts at made-up companies; returns how many."""
    if count < 0:
        raise ValueError(f"count must be zero or more, not {count}")
    if count == 0:
        return 0
    rng = random.Random(seed)
    now = now.replace(microsecond=0)
    with writing():
        cursor = db.cursor()
        existing = dict(cursor.execute("SELECT key, id FROM company").fetchall())
        next_company_id = (cursor.execute("SELECT MAX(id) FROM company").fetchone()[0] or 0) + 1
        first_id = (cursor.execute("SELECT MAX(id) FROM contact").fetchone()[0] or 0) + 1
        company_stamp = stored_time(now - timedelta(days=800))
        companies, company_rows = _generate_companies(
            rng, max(1, round(count / 20)), existing, next_company_id, company_stamp
        )
        cursor.executemany(_COMPANY_SQL, company_rows)
        write_contacts(
            cursor,
            _generate_contacts(rng, seed, first_id, count, companies, now),
            count,
            {company.id: company.name for company in companies},
        )
    return count


def _generate_contacts(
    rng: random.Random,
    seed: int,
    first_id: int,
    count: int,
    companies: list[_GeneratedCompany],
    now: datetime,
) -> Iterator[tuple[NewContact, Extras]]:
    """The rows of new contacts, with their topics, made as they are written."""
    # uids must stay unique when the same seed is used twice on one database.
    uid_rng = random.Random(f"crm-demo-uid:{seed}:{first_id}")
    random_ = rng.random
    name_keys: dict[str, str] = {}
    days: dict[int, str] = {}
    now_seconds = int((now - _EPOCH).total_seconds())

    for contact_id in range(first_id, first_id + count):
        company = _pick(rng, companies)
        culture = company.culture if random_() < 0.6 else _pick_culture(rng)
        local = _CULTURES[culture]
        name, given_ascii, family_ascii = _person_name(rng, culture)
        role = _pick(rng, local.local_roles if random_() < 0.3 and local.local_roles else _ROLES)
        email = f"{given_ascii}.{family_ascii}@{company.domain}"
        phone = ""
        if random_() < 0.4:
            number = rng.randrange(10_000_000, 100_000_000)
            phone = f"{local.phone}{number // 10_000} {number % 10_000:04d}"
        linkedin_url = ""
        if random_() < 0.5:
            linkedin_url = (
                f"https://www.linkedin.com/in/{given_ascii}-{family_ascii}"
                f"-{rng.getrandbits(24):06x}"
            )
        how_met = _pick(
            rng, local.local_how_met if random_() < 0.3 and local.local_how_met else _HOW_MET
        )
        note = _pick(rng, _NOTES) if random_() < 0.15 else ""
        keep = _pick(rng, _KEEP_IN_TOUCH) if random_() < 0.1 else None
        topics: tuple[str, ...] = ()
        if random_() < 0.3:
            pool = local.local_topics if random_() < 0.4 and local.local_topics else _TOPICS
            topics = tuple(dict.fromkeys(rng.choices(pool, k=1 + (random_() < 0.2))))
        day, second = divmod(now_seconds - rng.randrange(_TWO_YEARS), 86_400)
        date = days.get(day)
        if date is None:
            date = days[day] = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")
        hour, minute = divmod(second // 60, 60)
        stamp = f"{date} {hour:02d}:{minute:02d}:{second % 60:02d}"  # as stored_time() writes
        uid = str(uuid.UUID(int=uid_rng.getrandbits(128), version=4))
        key = name_keys.get(name)
        if key is None:
            key = name_keys[name] = sort_key(name)
        row: NewContact = {
            "id": contact_id,
            "uid": uid,
            "name": name,
            "sort_key": key,
            "company_id": company.id,
            "role": role,
            "email": email,
            "phone": phone,
            "linkedin_url": linkedin_url,
            "how_met": how_met,
            "relationship_note": note,
            "keep_in_touch_days": keep,
            "created_at": stamp,
            "updated_at": stamp,
        }
        yield row, (topics, ())


__all__ = [
    "SAMPLE_COMPANIES",
    "SAMPLE_PEOPLE",
    "add_generated_contacts",
    "write_sample",
]
