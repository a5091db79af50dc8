"""Demo data: a realistic sample job search, and generated contacts for trying the app at scale."""

from __future__ import annotations

import bisect
import itertools
import random
import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple, TypeVar

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
from crm.domain.text import sort_key, strip_case_and_marks
from crm.domain.types import (
    Channel,
    ConnectionSource,
    Direction,
    FollowUpKind,
    InteractionKind,
    Rapport,
    Stage,
)
from crm.services.contacts import company_id_for
from crm.services.tx import writing

_T = TypeVar("_T")

# =============================================================================================
# The sample job search
# =============================================================================================


class _SampleCompany(NamedTuple):
    name: str
    website: str
    notes: str


class _SamplePerson(NamedTuple):
    name: str
    company: str  # "" for none
    role: str
    email: str
    phone: str = ""
    linkedin: str = ""  # the /in/<slug> part
    how_met: str = ""
    topics: tuple[str, ...] = ()
    note: str = ""
    rapport: Rapport | None = None
    keep_in_touch_days: int | None = None
    known_days: int = 180  # how long ago the contact was added


class _SampleOpening(NamedTuple):
    key: str
    company: str
    role: str
    stage: Stage
    referrer: str | None
    quiet: bool
    notes: str
    opened_days_ago: int
    closed_days_ago: int | None = None


class _SampleRound(NamedTuple):
    key: str
    opening: str
    starts_in_days: int  # negative: in the past (and done)
    hour: int  # starting hour of that day, UTC
    minutes: int
    kind: str
    location: str
    interviewers: tuple[str, ...]
    notes: str = ""


class _SampleTouch(NamedTuple):
    contact: str
    opening: str | None
    days_ago: float
    channel: Channel
    kind: InteractionKind
    direction: Direction
    summary: str


class _SampleNextStep(NamedTuple):
    """A follow-up; hours are counted from the end of ``interview``, or from now without one."""

    contact: str
    kind: FollowUpKind
    from_hours: float
    to_hours: float
    opening: str | None = None
    interview: str | None = None
    done_hours: float | None = None
    snoozed_for_days: float | None = None  # counted from now
    note: str = ""


class _SampleLink(NamedTuple):
    a: str
    b: str
    source: ConnectionSource
    note: str = ""


class _SampleReference(NamedTuple):
    contact: str
    relationship: str
    talking_points: str
    briefed_days_ago: int | None
    given_for: str | None = None
    given_days_ago: int = 0
    call_in_days: int | None = None


ACME = "Acme Corp"
INITECH = "Initech"
GLOBEX = "Globex"
UMBRELLA = "Umbrella Health"
HOOLI = "Hooli"
STARK = "Stark Analytics"
SEVERSTAL = "Северсталь Софт"
BAYANIHAN = "Bayanihan Digital"
SAKURA = "Sakura Robotics"
HANBIT = "Hanbit Labs"

SAMPLE_COMPANIES: tuple[_SampleCompany, ...] = (
    _SampleCompany(ACME, "https://acme.example", "Pricing and logistics platform, ~2,000 people."),
    _SampleCompany(INITECH, "https://initech.example", "Enterprise software; slow but stable."),
    _SampleCompany(GLOBEX, "https://globex.example", "Infrastructure start-up, Series C."),
    _SampleCompany(UMBRELLA, "https://umbrella-health.example", "Health-tech; Mark is here now."),
    _SampleCompany(HOOLI, "https://hooli.example", "Big tech. Long process, good pay."),
    _SampleCompany(STARK, "https://stark-analytics.example", "Analytics consultancy, Berlin."),
    _SampleCompany(SEVERSTAL, "https://seversteel-soft.example", "Москва; confidential search."),
    _SampleCompany(BAYANIHAN, "https://bayanihan.example", "Makati, Manila; remote-friendly."),
    _SampleCompany(SAKURA, "https://sakura-robotics.example", "Tokyo; warehouse robotics."),
    _SampleCompany(HANBIT, "https://hanbit-labs.example", "Seoul; ML tooling start-up."),
)

KATIE = "Katie Morgan"
MARK = "Mark Farmingham"
YAMADA = "山田 太郎 (Yamada Taro)"

SAMPLE_PEOPLE: tuple[_SamplePerson, ...] = (
    # --- Acme Corp: the open process Katie referred me to
    _SamplePerson(
        KATIE,
        ACME,
        "Senior Product Manager",
        "katie.morgan@acme.example",
        "+1 415 555 0142",
        "katie-morgan",
        "College friend; we ran the Bay to Breakers together",
        ("trail running", "sourdough baking"),
        "Referred me for the Senior Data Engineer role. Always thank her after each round.",
        Rapport.GOOD,
        30,
        400,
    ),
    _SamplePerson(
        "Daniel Okafor",
        ACME,
        "Engineering Manager, Data Platform",
        "daniel.okafor@acme.example",
        "+1 415 555 0177",
        "daniel-okafor",
        "Interviewed me (technical round)",
        ("Agile skeptic", "Arsenal"),
        "Hiring manager. Asked sharp questions about backfills.",
        Rapport.GOOD,
        known_days=14,
    ),
    _SamplePerson(
        "Priya Raman",
        ACME,
        "Staff Engineer",
        "priya.raman@acme.example",
        "",
        "priya-raman",
        "Interviewed me (technical round)",
        ("Carnatic music", "chess"),
        known_days=6,
    ),
    _SamplePerson(
        "Zoë Brontë",
        ACME,
        "Technical Recruiter",
        "zoe.bronte@acme.example",
        "+1 415 555 0100",
        "zoe-bronte",
        "Recruiter for the Acme process",
        ("Victorian novels",),
        "Responsive; prefers short e-mails.",
        known_days=30,
    ),
    _SamplePerson(
        "Tom Becker",
        ACME,
        "VP Engineering",
        "tom.becker@acme.example",
        "",
        "tom-becker",
        "Will run the final round",
        ("sailing",),
        "Knows Mark Farmingham from a previous job: likely back-channel call.",
        known_days=6,
    ),
    # --- Initech
    _SamplePerson(
        "Samantha Reyes",
        INITECH,
        "Talent Partner",
        "samantha.reyes@initech.example",
        "+1 512 555 0163",
        "samantha-reyes",
        "Reached out on LinkedIn",
        known_days=90,
    ),
    _SamplePerson(
        "José Núñez",
        INITECH,
        "Director of Data",
        "jose.nunez@initech.example",
        "",
        "jose-nunez",
        "Spoke after my PyData talk",
        ("Real Madrid", "flamenco guitar"),
        keep_in_touch_days=90,
        known_days=300,
    ),
    _SamplePerson(
        "Łukasz Wójcik",
        INITECH,
        "Backend Engineer",
        "lukasz.wojcik@initech.example",
        "",
        "lukasz-wojcik",
        "Former teammate at my first job",
        ("board games", "pierogi"),
        "Reviewed my CV line by line last year.",
        Rapport.GOOD,
        120,
        900,
    ),
    _SamplePerson(
        "Grace Liu",
        INITECH,
        "Data Scientist",
        "grace.liu@initech.example",
        "",
        "grace-liu",
        "Kaggle team-mate",
        ("Kaggle",),
        known_days=250,
    ),
    # --- Globex: the process that ended in a rejection
    _SamplePerson(
        "Olivia Chen",
        GLOBEX,
        "Head of Platform",
        "olivia.chen@globex.example",
        "",
        "olivia-chen",
        "Interviewed me (technical round)",
        ("rock climbing",),
        "Said no this time but asked me to stay in touch.",
        Rapport.NEUTRAL,
        90,
        35,
    ),
    _SamplePerson(
        "Marcus Webb",
        GLOBEX,
        "Technical Recruiter",
        "marcus.webb@globex.example",
        "+1 646 555 0119",
        "marcus-webb",
        "Recruiter for the Globex process",
        (),
        "Tense call about salary expectations. Smooth it over: don't burn this bridge.",
        Rapport.STRAINED,
        known_days=40,
    ),
    _SamplePerson(
        "Søren Kierkegaard-Holm",
        GLOBEX,
        "Principal Architect",
        "soren.kierkegaard-holm@globex.example",
        "",
        "soren-kierkegaard-holm",
        "Interviewed me (technical round)",
        ("philosophy", "cold-water swimming"),
        known_days=25,
    ),
    _SamplePerson(
        "Fatima Al-Sayed",
        GLOBEX,
        "SRE Manager",
        "fatima.alsayed@globex.example",
        "",
        "fatima-al-sayed",
        "Met at SREcon",
        ("incident reviews",),
        known_days=500,
    ),
    # --- Umbrella Health: Mark, my former manager and reference
    _SamplePerson(
        MARK,
        UMBRELLA,
        "Director of Engineering",
        "mark.farmingham@umbrella-health.example",
        "+1 617 555 0134",
        "mark-farmingham",
        "My manager at my previous job (three years)",
        ("golf", "Boston Red Sox"),
        "Top reference. Brief him before every final round.",
        Rapport.GOOD,
        60,
        1200,
    ),
    _SamplePerson(
        "Rebecca Stone",
        UMBRELLA,
        "Clinical Data Lead",
        "rebecca.stone@umbrella-health.example",
        "",
        "rebecca-stone",
        "Introduced by Mark",
        ("marathons",),
        known_days=200,
    ),
    _SamplePerson(
        "Aisha Bello",
        UMBRELLA,
        "Product Manager",
        "aisha.bello@umbrella-health.example",
        "",
        "aisha-bello",
        "Women in Data meetup",
        ("Afrobeats",),
        known_days=150,
    ),
    # --- Hooli
    _SamplePerson(
        "Ethan Brooks",
        HOOLI,
        "Product Director",
        "ethan.brooks@hooli.example",
        "",
        "ethan-brooks",
        "Conference panel together",
        ("startups",),
        known_days=330,
    ),
    _SamplePerson(
        "王小明",
        HOOLI,
        "Machine Learning Engineer",
        "xiaoming.wang@hooli.example",
        "",
        "xiaoming-wang",
        "Grad school lab-mate",
        ("Go (the board game)", "hot pot"),
        "Knows half of Hooli's ML org.",
        Rapport.GOOD,
        120,
        1500,
    ),
    _SamplePerson(
        "Chloe Dubois",
        HOOLI,
        "Engineering Manager",
        "chloe.dubois@hooli.example",
        "",
        "chloe-dubois",
        "Friend of a friend",
        ("cycling",),
        known_days=60,
    ),
    _SamplePerson(
        "Rahul Mehta",
        HOOLI,
        "Staff Engineer",
        "rahul.mehta@hooli.example",
        "+1 650 555 0188",
        "rahul-mehta",
        "Open-source contributor on the same project",
        ("cricket", "Rust"),
        known_days=420,
    ),
    # --- Stark Analytics
    _SamplePerson(
        "Helena Vogt",
        STARK,
        "CTO",
        "helena.vogt@stark-analytics.example",
        "+49 30 5550 1234",
        "helena-vogt",
        "Spoke at the same Berlin meetup",
        ("techno", "bouldering"),
        known_days=210,
    ),
    _SamplePerson(
        "Marco Rossi",
        STARK,
        "Data Engineer",
        "marco.rossi@stark-analytics.example",
        "",
        "marco-rossi",
        "Former colleague",
        ("espresso", "Formula 1"),
        keep_in_touch_days=180,
        known_days=700,
    ),
    _SamplePerson(
        "Kwame Mensah",
        STARK,
        "Analytics Lead",
        "kwame.mensah@stark-analytics.example",
        "",
        "kwame-mensah",
        "LinkedIn",
        known_days=45,
    ),
    _SamplePerson(
        "Émilie Laurent",
        STARK,
        "Recruiter",
        "emilie.laurent@stark-analytics.example",
        "",
        "emilie-laurent",
        "Reached out about a contract role",
        known_days=20,
    ),
    # --- Северсталь Софт: a quiet (confidential) process
    _SamplePerson(
        "Кэти Смирнова",
        SEVERSTAL,
        "HR-менеджер",
        "k.smirnova@seversteel-soft.example",
        "+7 495 555-01-23",
        "katya-smirnova",
        "Написала мне в LinkedIn про вакансию",
        ("йога",),
        "Конфиденциальный поиск: не рассказывать никому за пределами процесса.",
        known_days=15,
    ),
    _SamplePerson(
        "Дмитрий Орлов",
        SEVERSTAL,
        "Тимлид",
        "d.orlov@seversteel-soft.example",
        "",
        "dmitry-orlov",
        "Бывший коллега по хакатону",
        ("Spartak Moscow fan", "Agile skeptic"),
        "Will interview me; keep it casual, he hates corporate speak.",
        Rapport.GOOD,
        90,
        600,
    ),
    _SamplePerson(
        "Анна Кузнецова",
        SEVERSTAL,
        "Ведущий разработчик",
        "a.kuznetsova@seversteel-soft.example",
        "",
        "anna-kuznetsova",
        "Met at HighLoad++",
        ("шахматы",),
        known_days=365,
    ),
    _SamplePerson(
        "Сергей Волков",
        SEVERSTAL,
        "Технический директор",
        "s.volkov@seversteel-soft.example",
        "",
        "sergey-volkov",
        "",
        ("рыбалка",),
        known_days=10,
    ),
    # --- Bayanihan Digital, Manila
    _SamplePerson(
        "Maria Santos-Dela Cruz",
        BAYANIHAN,
        "Head of Engineering",
        "maria.delacruz@bayanihan.example",
        "+63 917 555 0199",
        "maria-santos-dela-cruz",
        "Remote-work Slack community",
        ("karaoke", "Ginebra basketball"),
        "Kumustahan every few months; she is opening a team.",
        Rapport.GOOD,
        45,
        540,
    ),
    _SamplePerson(
        "Jose Rizal Bautista",
        BAYANIHAN,
        "Senior Developer",
        "jr.bautista@bayanihan.example",
        "+63 918 555 0144",
        "jose-rizal-bautista",
        "Open-source sprint",
        ("Ginebra basketball",),
        keep_in_touch_days=120,
        known_days=480,
    ),
    _SamplePerson(
        "Andrea Mae Villanueva",
        BAYANIHAN,
        "People & Culture Lead",
        "andrea.villanueva@bayanihan.example",
        "",
        "andrea-mae-villanueva",
        "Introduced by Maria",
        known_days=100,
    ),
    _SamplePerson(
        "Paolo Reyes Mendoza",
        BAYANIHAN,
        "QA Lead",
        "paolo.mendoza@bayanihan.example",
        "",
        "paolo-reyes-mendoza",
        "Hackathon in Cebu",
        ("scuba diving",),
        known_days=380,
    ),
    # --- Sakura Robotics, Tokyo
    _SamplePerson(
        YAMADA,
        SAKURA,
        "Engineering Manager",
        "taro.yamada@sakura-robotics.example",
        "+81 3 5555 0101",
        "taro-yamada",
        "Met at PyCon JP",
        ("ramen", "trail running"),
        "Offered an intro to their data team.",
        Rapport.GOOD,
        90,
        720,
    ),
    _SamplePerson(
        "佐藤 花子",
        SAKURA,
        "Recruiter",
        "hanako.sato@sakura-robotics.example",
        "",
        "hanako-sato",
        "Introduced by Yamada-san",
        known_days=55,
    ),
    _SamplePerson(
        "鈴木 健",
        SAKURA,
        "Robotics Engineer",
        "ken.suzuki@sakura-robotics.example",
        "",
        "ken-suzuki",
        "PyCon JP sprint",
        ("baseball (Hanshin Tigers)",),
        known_days=700,
    ),
    _SamplePerson(
        "Kenji Watanabe",
        SAKURA,
        "Product Manager",
        "kenji.watanabe@sakura-robotics.example",
        "",
        "kenji-watanabe",
        "LinkedIn",
        known_days=120,
    ),
    # --- Hanbit Labs, Seoul
    _SamplePerson(
        "김민지",
        HANBIT,
        "Data Scientist",
        "minji.kim@hanbit-labs.example",
        "",
        "minji-kim",
        "Co-authored a workshop paper",
        ("K-pop", "Go (the board game)"),
        known_days=640,
    ),
    _SamplePerson(
        "박서준",
        HANBIT,
        "Backend Engineer",
        "seojun.park@hanbit-labs.example",
        "",
        "seojun-park",
        "Discord server for Rust",
        ("Rust",),
        known_days=210,
    ),
    # --- No company
    _SamplePerson(
        "Lena Hoffmann",
        "",
        "Freelance Data Consultant",
        "lena@hoffmann-data.example",
        "+49 171 555 0172",
        "lena-hoffmann",
        "Teammate on the billing migration",
        ("birdwatching",),
        "Great to pair with. We keep promising to catch up.",
        Rapport.GOOD,
        90,
        1100,
    ),
    _SamplePerson(
        "Nikolai Petrov",
        "",
        "Engineering Coach",
        "nikolai.petrov@mail.example",
        "",
        "nikolai-petrov",
        "Bootcamp mentor",
        ("Agile skeptic", "jazz"),
        keep_in_touch_days=180,
        known_days=1300,
    ),
)

SAMPLE_OPENINGS: tuple[_SampleOpening, ...] = (
    _SampleOpening(
        "acme",
        ACME,
        "Senior Data Engineer",
        Stage.INTERVIEWING,
        KATIE,
        False,
        "Referred by Katie. Data platform team behind the pricing engine.",
        33,
    ),
    _SampleOpening(
        "globex",
        GLOBEX,
        "Platform Engineer",
        Stage.REJECTED,
        None,
        False,
        "They went with an internal candidate. Olivia asked me to stay in touch.",
        45,
        20,
    ),
    _SampleOpening(
        "severstal",
        SEVERSTAL,
        "Senior Backend Developer (Go)",
        Stage.SCREENING,
        None,
        True,
        "Confidential: my current employer must not hear about it.",
        15,
    ),
)

SAMPLE_ROUNDS: tuple[_SampleRound, ...] = (
    _SampleRound("acme-screen", "acme", -12, 17, 30, "phone screen", "Phone", ("Zoë Brontë",)),
    _SampleRound(
        "acme-tech",
        "acme",
        -5,
        16,
        60,
        "technical",
        "Zoom",
        ("Daniel Okafor", "Priya Raman"),
        "System design: late-arriving events and backfills.",
    ),
    _SampleRound(
        "acme-final",
        "acme",
        3,
        15,
        120,
        "onsite",
        "Acme HQ, 5th floor",
        ("Tom Becker", "Daniel Okafor"),
        "Final round; ask Tom about the team's roadmap.",
    ),
    _SampleRound("globex-screen", "globex", -30, 14, 30, "phone screen", "Phone", ("Marcus Webb",)),
    _SampleRound(
        "globex-tech",
        "globex",
        -24,
        13,
        90,
        "technical",
        "Google Meet",
        ("Olivia Chen", "Søren Kierkegaard-Holm"),
    ),
    _SampleRound(
        "severstal-1",
        "severstal",
        6,
        8,
        60,
        "video",
        "Видеозвонок",
        ("Дмитрий Орлов", "Анна Кузнецова"),
    ),
)

SAMPLE_TOUCHES: tuple[_SampleTouch, ...] = (
    _SampleTouch(
        KATIE,
        None,
        34,
        Channel.MEETING,
        InteractionKind.CASUAL,
        Direction.OUTBOUND,
        "Coffee after our run. She mentioned the Senior Data Engineer opening and offered to "
        "refer me.",
    ),
    _SampleTouch(
        KATIE,
        "acme",
        31,
        Channel.EMAIL,
        InteractionKind.OTHER,
        Direction.INBOUND,
        "Katie submitted the referral and cc'd the recruiter.",
    ),
    _SampleTouch(
        "Zoë Brontë",
        "acme",
        14,
        Channel.CALL,
        InteractionKind.OTHER,
        Direction.INBOUND,
        "Recruiter call to schedule the phone screen.",
    ),
    _SampleTouch(
        "Zoë Brontë",
        "acme",
        11.8,
        Channel.EMAIL,
        InteractionKind.THANK_YOU,
        Direction.OUTBOUND,
        "Thanked her for the screen; said I'd check in Friday if I hadn't heard back.",
    ),
    _SampleTouch(
        KATIE,
        "acme",
        11.5,
        Channel.MESSAGE,
        InteractionKind.THANK_YOU,
        Direction.OUTBOUND,
        "Told Katie the screen went well and thanked her again for the referral.",
    ),
    _SampleTouch(
        "Daniel Okafor",
        "acme",
        4.8,
        Channel.EMAIL,
        InteractionKind.THANK_YOU,
        Direction.OUTBOUND,
        "Thank-you e-mail after the technical round; followed up on his backfill question.",
    ),
    _SampleTouch(
        MARK,
        "acme",
        21,
        Channel.CALL,
        InteractionKind.REFERENCE,
        Direction.OUTBOUND,
        "Briefed Mark on the Acme role; he'll stress how I grew on the payments team.",
    ),
    _SampleTouch(
        "Дмитрий Орлов",
        None,
        10,
        Channel.MESSAGE,
        InteractionKind.CASUAL,
        Direction.OUTBOUND,
        "Отправил статью о том, почему Agile не работает в больших компаниях. Ему понравилось.",
    ),
    _SampleTouch(
        "Кэти Смирнова",
        "severstal",
        8,
        Channel.EMAIL,
        InteractionKind.CHECK_IN,
        Direction.INBOUND,
        "Скрининг прошёл хорошо; дату интервью подтвердят до конца недели.",
    ),
    _SampleTouch(
        "Marcus Webb",
        "globex",
        20,
        Channel.EMAIL,
        InteractionKind.OTHER,
        Direction.INBOUND,
        "Rejection: they went with an internal candidate.",
    ),
    _SampleTouch(
        "Olivia Chen",
        "globex",
        19,
        Channel.EMAIL,
        InteractionKind.THANK_YOU,
        Direction.OUTBOUND,
        "Thanked Olivia for her time and asked to stay in touch about future platform roles.",
    ),
    _SampleTouch(
        "Maria Santos-Dela Cruz",
        None,
        40,
        Channel.VIDEO,
        InteractionKind.CHECK_IN,
        Direction.OUTBOUND,
        "Kumustahan call. She may open a remote data role next quarter.",
    ),
    _SampleTouch(
        YAMADA,
        None,
        60,
        Channel.LINKEDIN,
        InteractionKind.CASUAL,
        Direction.INBOUND,
        "Congratulated me on my talk; offered an intro to the Sakura Robotics data team.",
    ),
    _SampleTouch(
        "Jose Rizal Bautista",
        None,
        95,
        Channel.MESSAGE,
        InteractionKind.CASUAL,
        Direction.INBOUND,
        "Sent a Ginebra highlights clip. Salamat, pare!",
    ),
    _SampleTouch(
        "Lena Hoffmann",
        None,
        120,
        Channel.MEETING,
        InteractionKind.CASUAL,
        Direction.OUTBOUND,
        "Lunch. She's freelancing now; promised to catch up after the summer.",
    ),
)

SAMPLE_NEXT_STEPS: tuple[_SampleNextStep, ...] = (
    _SampleNextStep(
        "Zoë Brontë", FollowUpKind.THANK_YOU_EMAIL, 2, 48, "acme", "acme-screen", done_hours=5
    ),
    _SampleNextStep(
        "Daniel Okafor", FollowUpKind.THANK_YOU_EMAIL, 2, 48, "acme", "acme-tech", done_hours=5
    ),
    _SampleNextStep(
        "Priya Raman",
        FollowUpKind.THANK_YOU_EMAIL,
        2,
        48,
        "acme",
        "acme-tech",
        note="Mention her point about idempotent loaders.",
    ),
    _SampleNextStep(
        "Daniel Okafor",
        FollowUpKind.HANDWRITTEN_NOTE,
        29,
        53,
        "acme",
        "acme-tech",
        snoozed_for_days=1,
        note="Card is bought; post it on the way to the final round.",
    ),
    _SampleNextStep(
        KATIE,
        FollowUpKind.THANK_REFERRER,
        2,
        144,
        "acme",
        "acme-tech",
        note="Tell her the technical round went well and thank her again.",
    ),
    _SampleNextStep(
        MARK,
        FollowUpKind.BRIEF_REFERENCE,
        24,
        48,
        "acme",
        note="Tom Becker knows Mark: expect a back-channel call after the final round.",
    ),
    _SampleNextStep(
        "Zoë Brontë",
        FollowUpKind.CHECK_IN,
        48,
        72,
        "acme",
        "acme-final",
        note="If no news by then, I check in (keep the ring).",
    ),
    _SampleNextStep(
        "Кэти Смирнова",
        FollowUpKind.CHECK_IN,
        -6,
        18,
        "severstal",
        note="Она обещала подтвердить дату интервью.",
    ),
    _SampleNextStep(
        "Дмитрий Орлов",
        FollowUpKind.CASUAL_TOUCH,
        72,
        144,
        note="Spartak play on Sunday: congratulations (or condolences).",
    ),
    _SampleNextStep(
        "Olivia Chen", FollowUpKind.THANK_YOU_EMAIL, 2, 48, "globex", "globex-tech", done_hours=20
    ),
    _SampleNextStep(
        "Lena Hoffmann",
        FollowUpKind.KEEP_IN_TOUCH,
        -240,
        -72,
        note="Summer is over: ask how freelancing is going.",
    ),
)

SAMPLE_LINKS: tuple[_SampleLink, ...] = (
    _SampleLink(KATIE, "Daniel Okafor", ConnectionSource.SAME_TEAM, "Same product area"),
    _SampleLink("Daniel Okafor", "Priya Raman", ConnectionSource.SAME_TEAM),
    _SampleLink(
        "Tom Becker",
        MARK,
        ConnectionSource.LINKEDIN_MUTUAL,
        "Worked together years ago: the likely back-channel reference.",
    ),
    _SampleLink(
        "Priya Raman",
        "Lena Hoffmann",
        ConnectionSource.THEY_SAID_SO,
        "Priya mentioned they did a data bootcamp together.",
    ),
    _SampleLink("Olivia Chen", "Søren Kierkegaard-Holm", ConnectionSource.SAME_TEAM),
    _SampleLink("Кэти Смирнова", "Дмитрий Орлов", ConnectionSource.SAME_TEAM),
    _SampleLink(YAMADA, "Kenji Watanabe", ConnectionSource.SAME_TEAM),
    _SampleLink("Maria Santos-Dela Cruz", "Jose Rizal Bautista", ConnectionSource.SAME_TEAM),
    _SampleLink("Mark Farmingham", "Rebecca Stone", ConnectionSource.SAME_TEAM),
)

SAMPLE_REFERENCES: tuple[_SampleReference, ...] = (
    _SampleReference(
        MARK,
        "My direct supervisor for three years",
        "Can speak to how I grew in a fast-paced environment",
        21,
        given_for="acme",
        given_days_ago=6,
        call_in_days=4,
    ),
    _SampleReference(
        "Lena Hoffmann",
        "Teammate on the billing migration",
        "Can speak to untangling legacy code and mentoring juniors",
        150,
    ),
)


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


def _write_sample_person(p: _SamplePerson, company_ids: dict[str, int], now: datetime) -> int:
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


def _pool(text: str) -> tuple[tuple[str, str], ...]:
    """Parse "display:ascii" words ("_" for a space; ascii defaults to the folded display)."""
    pairs: list[tuple[str, str]] = []
    for word in text.split():
        display, _, ascii_form = word.partition(":")
        display = display.replace("_", " ")
        pairs.append((display, ascii_form or _slug(display)))
    return tuple(pairs)


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Dela Cruz" -> "delacruz"."""
    return re.sub(r"[^a-z0-9]+", "", strip_case_and_marks(text))


class _Culture(NamedTuple):
    weight: int
    style: str  # western, russian, eastern (family name first, spaced), joined (no space)
    given: tuple[tuple[str, str], ...]
    given_female: tuple[tuple[str, str], ...]  # only used by the russian style
    family: tuple[tuple[str, str], ...]
    company_first: tuple[tuple[str, str], ...]
    company_second: tuple[tuple[str, str], ...]
    phone: str  # prefix; digits follow
    local_roles: tuple[str, ...] = ()  # job titles in the local language, now and then
    local_how_met: tuple[str, ...] = ()
    local_topics: tuple[str, ...] = ()


_CULTURES: dict[str, _Culture] = {
    "english": _Culture(
        30,
        "western",
        _pool(
            "Emma Liam Olivia Noah Ava Ethan Sophia Mason Isabella James Mia Benjamin Charlotte "
            "Lucas Amelia Henry Harper Jack Evelyn Owen Abigail Samuel Emily Daniel Grace Leo "
            "Chloe Caleb Lily Mark Nora Ryan Hannah Aaron Zoe Tyler Maya Aiden Ruby Marcus"
        ),
        (),
        _pool(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
            "Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
            "Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Morgan Cooper Reed Hughes "
            "Okafor Mensah Patel Shah Khan O'Brien Murphy Kelly Sullivan Brennan"
        ),
        _pool(
            "Blue Northwind Silver Bright Cedar Harbor Summit Quantum Atlas Copper Maple Pioneer "
            "Lumen Vector Orbit Granite Crimson Evergreen Falcon Horizon Ironwood Juniper "
            "Keystone Lighthouse Meridian Nimbus Oakridge Polaris Redwood Sterling Tidal Union "
            "Vertex Willow Zenith Aurora Beacon Cobalt Delta Ember"
        ),
        _pool(
            "Analytics Systems Labs Health Robotics Software Data Networks Logistics Energy "
            "Dynamics Works Ventures Cloud Security Media Bio Finance Learning Foods"
        ),
        "+1 555 ",
    ),
    "european": _Culture(
        20,
        "western",
        _pool(
            "José Zoë Łukasz Søren Émilie Agnès Jürgen Björn Ólafur Małgorzata François Inés "
            "Chloé Mikuláš Åsa Žofie Raphaël Matthäus Íñigo Léa Gaëlle Jiří Ørjan "
            "Noémie Sebastián Ana_Sofía Joël Renée Gonçalo"
        ),
        (),
        _pool(
            "Núñez Brontë Wójcik Kierkegaard-Holm Müller Gonçalves Ødegaard Štěpánek Çelik "
            "Østergaard Ibáñez Lefèvre Krüger Sánchez Nowak Kowalczyk Šimek Björnsson Lindqvist "
            "Fernández Dubois Mäkinen Sørensen Łęcki Hernández García Vogt Rossi Laurent Ødven"
        ),
        _pool("Nordlys Ostsee Alpen Rhône Vltava Dunaj Baltyk Fjord Soleil Brisa Mistral Tejo"),
        _pool("Datentechnik Logiciel Sistemas Informatika Digital Analytique Systemer Tech"),
        "+49 30 ",
    ),
    "russian": _Culture(
        15,
        "russian",
        _pool(
            "Дмитрий:dmitry Сергей:sergey Алексей:alexey Иван:ivan Михаил:mikhail "
            "Николай:nikolai Андрей:andrey Павел:pavel Егор:egor Артём:artem Владимир:vladimir "
            "Константин:konstantin"
        ),
        _pool(
            "Анна:anna Мария:maria Екатерина:ekaterina Вера:vera Ольга:olga Наталья:natalya "
            "Татьяна:tatyana Елена:elena Юлия:yulia Дарья:darya Ксения:ksenia Алёна:alena"
        ),
        _pool(
            "Иванов:ivanov Смирнов:smirnov Кузнецов:kuznetsov Попов:popov Волков:volkov "
            "Орлов:orlov Соколов:sokolov Лебедев:lebedev Козлов:kozlov Новиков:novikov "
            "Морозов:morozov Петров:petrov Васильев:vasiliev Зайцев:zaitsev Павлов:pavlov "
            "Семёнов:semenov Голубев:golubev Виноградов:vinogradov Богданов:bogdanov "
            "Воробьёв:vorobiev Фёдоров:fedorov Михайлов:mikhailov Беляев:belyaev "
            "Тарасов:tarasov Белов:belov Комаров:komarov Никитин:nikitin Ильин:ilyin "
            "Жуков:zhukov Сорокин:sorokin Чернов:chernov Островский:ostrovsky "
            "Вишневский:vishnevsky Успенский:uspensky"
        ),
        _pool(
            "Волга:volga Байкал:baikal Нева:neva Урал:ural Амур:amur Енисей:yenisei Кама:kama "
            "Ладога:ladoga Сибирь:sibir Полюс:polyus Север:sever Алмаз:almaz"
        ),
        _pool(
            "Софт:soft Лаб:lab Технологии:tech Данные:data Системы:systems Цифра:tsifra "
            "Групп:group Инжиниринг:engineering"
        ),
        "+7 916 ",
        ("Разработчик", "Тимлид", "Руководитель отдела", "Аналитик данных", "HR-менеджер"),
        ("Познакомились на конференции", "Бывший коллега", "Вместе учились"),
        ("шахматы", "рыбалка", "хоккей", "баня"),
    ),
    "filipino": _Culture(
        12,
        "western",
        _pool(
            "Maria Jose Juan Ana Mark_Anthony Kristine Jerome Rowena Angelica Paolo Andrea_Mae "
            "Jose_Rizal Lorna Ramon Marites Dindo Jessa Rhea Carlo Bea Nestor Liezel Arnel "
            "Joy Rommel Maricel"
        ),
        (),
        _pool(
            "Santos Reyes Cruz Bautista Dela_Cruz Garcia Mendoza Villanueva Ramos Aquino Castillo "
            "De_Leon Manalo Pascual Soriano Santos-Dela_Cruz Macaraeg Dimaculangan Magbanua "
            "Panganiban Lacson Tolentino Mercado Salonga Buenaventura De_los_Santos"
        ),
        _pool("Bayanihan Mabuhay Tala Lakas Bituin Dagat Araw Hiraya Kalayaan Diwa Sinag Alon"),
        _pool("Digital Solutions Tech Labs Ventures Systems Data Outsourcing"),
        "+63 917 ",
        (),
        ("Kaibigan ng kaibigan", "Kaklase sa kolehiyo", "Nakilala sa meetup"),
        ("Ginebra basketball", "karaoke", "mountain biking in Rizal"),
    ),
    "japanese": _Culture(
        8,
        "eastern",
        _pool(
            "太郎:taro 花子:hanako 健:ken 翔太:shota 陽菜:hina 美咲:misaki 大輔:daisuke 結衣:yui "
            "蓮:ren 悠斗:yuto さくら:sakura 直樹:naoki"
        ),
        (),
        _pool(
            "山田:yamada 佐藤:sato 鈴木:suzuki 高橋:takahashi 田中:tanaka 伊藤:ito "
            "渡辺:watanabe 中村:nakamura 小林:kobayashi 加藤:kato 吉田:yoshida 山本:yamamoto"
        ),
        _pool(
            "未来:mirai 青空:aozora 桜:sakura 光:hikari 星:hoshi 山河:sanga 富士:fuji "
            "朝日:asahi 翼:tsubasa 若葉:wakaba"
        ),
        _pool("技研:giken ソフト:soft データ:data システム:system ロボティクス:robotics ラボ:lab"),
        "+81 90 ",
        ("エンジニア", "プロダクトマネージャー", "採用担当"),
        ("勉強会で知り合った", "元同僚"),
        ("ラーメン", "Hanshin Tigers", "anime"),
    ),
    "chinese": _Culture(
        8,
        "joined",
        _pool(
            "小明:xiaoming 伟:wei 芳:fang 静:jing 磊:lei 婷:ting 浩然:haoran 思远:siyuan "
            "欣怡:xinyi 子涵:zihan 建华:jianhua 丽娜:lina"
        ),
        (),
        _pool(
            "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 周:zhou 吴:wu "
            "徐:xu 孙:sun"
        ),
        _pool("华星:huaxing 云海:yunhai 天行:tianxing 博远:boyuan 智达:zhida 新程:xincheng"),
        _pool("科技:keji 数据:shuju 软件:ruanjian 网络:wangluo"),
        "+86 138 ",
        ("软件工程师", "产品经理", "数据分析师"),
        ("同事介绍", "校友"),
        ("围棋", "hot pot"),
    ),
    "korean": _Culture(
        7,
        "joined",
        _pool(
            "민지:minji 서준:seojun 지우:jiwoo 하은:haeun 도윤:doyun 수아:sua 예준:yejun "
            "지민:jimin 서연:seoyeon 현우:hyunwoo 유나:yuna 태민:taemin"
        ),
        (),
        _pool(
            "김:kim 이:lee 박:park 최:choi 정:jung 강:kang 조:cho 윤:yoon 장:jang 임:lim "
            "한:han 오:oh"
        ),
        _pool("한빛:hanbit 새벽:saebyeok 누리:nuri 바다:bada 별빛:byeolbit 하늘:haneul"),
        _pool("랩스:labs 소프트:soft 데이터:data 테크:tech"),
        "+82 10 ",
        ("데이터 과학자", "개발자", "프로덕트 매니저"),
        ("컨퍼런스에서 만남", "전 직장 동료"),
        ("K-pop", "e-sports"),
    ),
}
_CULTURE_NAMES = tuple(_CULTURES)
_CULTURE_CUMULATIVE = tuple(itertools.accumulate(c.weight for c in _CULTURES.values()))
_CULTURE_TOTAL = _CULTURE_CUMULATIVE[-1]

# Third word for English-style company names ("Blue River Analytics"), to have enough of them.
_COMPANY_MIDDLE = _pool(
    "River Peak Bay Stone Field Bridge Point Gate Ridge Lake Hill Wave Star Forge Path Port "
    "Grove Rock Spring Light"
)
_LEGAL_ENDINGS = ("", "", "", "", " Inc.", " LLC", " Ltd", " Corp.")

_ROLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Engineer",
    "Engineering Manager",
    "Director of Engineering",
    "VP Engineering",
    "CTO",
    "Technical Recruiter",
    "Recruiter",
    "Talent Partner",
    "Head of People",
    "Product Manager",
    "Senior Product Manager",
    "Data Scientist",
    "Data Engineer",
    "Machine Learning Engineer",
    "Analytics Lead",
    "DevOps Engineer",
    "Site Reliability Engineer",
    "QA Lead",
    "Product Designer",
    "UX Researcher",
    "Solutions Architect",
    "Founder",
    "Frontend Developer",
    "Backend Developer",
)
_TOPICS = (
    "Agile skeptic",
    "Spartak Moscow fan",
    "trail running",
    "sourdough baking",
    "chess",
    "jazz",
    "Formula 1",
    "rock climbing",
    "board games",
    "photography",
    "Rust",
    "open source",
    "birdwatching",
    "marathons",
    "Ginebra basketball",
    "anime",
    "Go (the board game)",
    "K-pop",
    "hiking",
    "cycling",
    "Arsenal",
    "knitting",
    "startups",
    "machine learning",
    "gardening",
    "sailing",
    "coffee roasting",
    "sci-fi novels",
    "yoga",
    "Real Madrid",
    "cold-water swimming",
)
_HOW_MET = (
    "",
    "",
    "",
    "LinkedIn",
    "LinkedIn",
    "Former colleague",
    "Met at PyCon",
    "Introduced by a friend",
    "Data engineering meetup",
    "University alumni network",
    "Recruiter outreach",
    "Conference panel",
    "Hackathon team-mate",
    "Open-source project",
    "Bootcamp",
    "Slack community",
)
_NOTES = (
    "Responsive; prefers e-mail.",
    "Great mentor.",
    "Busy: keep messages short.",
    "Owes me an intro.",
    "Knows everyone in the local data scene.",
    "Met twice; friendly.",
    "Prefers calls to e-mail.",
    "Hiring next quarter.",
)
_KEEP_IN_TOUCH = (30, 60, 90, 180)

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


def _pick(rng: random.Random, items: Sequence[_T]) -> _T:
    """One item at random (several times cheaper than ``rng.choice``, and as reproducible)."""
    return items[int(rng.random() * len(items))]


def _pick_culture(rng: random.Random) -> str:
    """A culture at random, by weight."""
    return _CULTURE_NAMES[bisect.bisect(_CULTURE_CUMULATIVE, rng.random() * _CULTURE_TOTAL)]


def _company_name(rng: random.Random, culture: str) -> tuple[str, str]:
    """A company name in a culture's style, and its ASCII form for e-mail domains."""
    c = _CULTURES[culture]
    first, first_ascii = _pick(rng, c.company_first)
    second, second_ascii = _pick(rng, c.company_second)
    if culture == "english" and rng.random() < 0.9:
        middle, middle_ascii = _pick(rng, _COMPANY_MIDDLE)
        return (
            f"{first} {middle} {second}{_pick(rng, _LEGAL_ENDINGS)}",
            f"{first_ascii}{middle_ascii}{second_ascii}",
        )
    joiner = "" if c.style in ("eastern", "joined") else " "
    return f"{first}{joiner}{second}", f"{first_ascii}{second_ascii}"


def _feminine(family: str, family_ascii: str) -> tuple[str, str]:
    """The feminine form of a Russian family name: Орлов -> Орлова, Островский -> Островская."""
    if family.endswith("ий"):
        return family[:-2] + "ая", family_ascii[:-1] + "aya"
    return family + "а", family_ascii + "a"


def _person_name(rng: random.Random, culture: str) -> tuple[str, str, str]:
    """A full name in a culture's style, with ASCII given and family names for e-mails."""
    c = _CULTURES[culture]
    if c.style == "russian":
        female = rng.random() < 0.5
        given, given_ascii = _pick(rng, c.given_female if female else c.given)
        family, family_ascii = _pick(rng, c.family)
        if female:
            family, family_ascii = _feminine(family, family_ascii)
        return f"{given} {family}", given_ascii, family_ascii
    given, given_ascii = _pick(rng, c.given)
    family, family_ascii = _pick(rng, c.family)
    if c.style == "eastern":
        name = f"{family} {given}"
        if rng.random() < 0.25:
            name += f" ({family_ascii.title()} {given_ascii.title()})"
        return name, given_ascii, family_ascii
    if c.style == "joined":
        return f"{family}{given}", given_ascii, family_ascii
    return f"{given} {family}", given_ascii, family_ascii


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
