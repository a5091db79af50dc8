"""Seeded import files for the benchmarks: LinkedIn's Connections.csv and vCard address books.

Both look like the real exports: LinkedIn's preamble, BOM and rows of commas; Apple's grouped
``item1.EMAIL`` with ``X-ABLabel``, vCard 3.0 and 4.0, folded lines, names in several scripts
and base64 photos. The same seed gives the same bytes.
"""

from __future__ import annotations

import base64
import csv
import io
import random
import uuid
from datetime import date, timedelta
from urllib.parse import quote

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more about this here: "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]

# Names by script, as (name, ASCII slug) pools; weights roughly those of a European user's
# network: mostly ASCII, then accented Latin, Cyrillic and CJK names.
_NAMES = {
    "ascii": (
        70,
        "Ann Bob Carla Dmitri David Emma Fatima Grace Hannah Ian James Kwame Laura Mateo Nina "
        "Omar Priya Arjun Ngozi Sven Ingrid Aoife Tom Sarah Michael Olivia Liam Noah Mia Lucas",
        "Lee Smith Patel Khan OBrien Nakamura Okafor Mensah Johansson Rossi Dubois Silva Brown "
        "Wilson Taylor Anderson Thomas Martin Jackson White Harris Clark Lewis Walker Young",
    ),
    "latin": (
        12,
        "Émile:emile José:jose Zoë:zoe Łukasz:lukasz Søren:soren Chloé:chloe Jürgen:jurgen "
        "Agnès:agnes Íñigo:inigo",
        "García:garcia Núñez:nunez Müller:muller Ørsted:orsted Dvořák:dvorak Şahin:sahin "
        "Łaski:laski Jäger:jager",
    ),
    "cyrillic": (
        8,
        "Ярослав:yaroslav Екатерина:ekaterina Андрей:andrey Ольга:olga Дмитрий:dmitriy",
        "Петров:petrov Смирнова:smirnova Иванов:ivanov Кузнецова:kuznetsova Орлов:orlov",
    ),
    "cjk": (
        10,
        "太郎:taro 花子:hanako 민지:minji 서준:seojun 小明:xiaoming 伟:wei",
        "山田:yamada 佐藤:sato 김:kim 박:park 王:wang 李:li",
    ),
}


def _pool(text: str) -> list[tuple[str, str]]:
    return [
        tuple(item.split(":")) if ":" in item else (item, item.lower())  # type: ignore[misc]
        for item in text.split()
    ]


_CULTURES = [(weight, _pool(given), _pool(family)) for weight, given, family in _NAMES.values()]
_COMPANY = (
    "Acme Initech Globex Umbrella Hooli Stark Wayne Wonka Cyberdyne Tyrell Soylent Vandelay "
    "Северсталь 未来 한빛 Bayanihan Nordwind Sakura Zürich Blue River Peak Stone"
).split()
_COMPANY_WORDS = "Labs Systems Data Analytics Health Robotics Software Digital Cloud".split()
_SUFFIXES = ("", "", "", ", Inc.", " Inc", " GmbH", " Ltd", " LLC", " Corp.")
_ROLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Engineering Manager",
    "Recruiter",
    "Technical Recruiter",
    "Product Manager",
    "Data Scientist",
    "CTO",
    "Founder",
    "Head of People, EMEA",
    'Staff Engineer ("Platform")',
    "Designer",
    "VP Engineering",
    "Softwareentwickler",
    "Инженер-программист",
    "ソフトウェアエンジニア",
)
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _person(rng: random.Random) -> tuple[str, str, str, str]:
    """A first name, a last name, a profile slug and an ASCII one for the e-mail."""
    weights = [weight for weight, _, _ in _CULTURES]
    _, given_pool, family_pool = rng.choices(_CULTURES, weights)[0]
    (given, given_slug), (family, family_slug) = rng.choice(given_pool), rng.choice(family_pool)
    slug = ascii_slug = f"{given_slug}-{family_slug}-{rng.getrandbits(32):08x}"
    if not (given + family).isascii() and rng.random() < 0.3:
        slug = quote(f"{given}-{family}".lower()) + slug[-9:]  # some keep the letters, encoded
    return given, family, slug, ascii_slug


def connections_csv(rows: int, *, seed: int = 2026, changed: float = 0.0) -> bytes:
    """A Connections.csv with ``rows`` connections; ``changed`` of them have a newer job."""
    rng = random.Random(seed)
    changer = random.Random(seed + 1)
    companies = [
        f"{rng.choice(_COMPANY)} {rng.choice(_COMPANY_WORDS)} {n}{rng.choice(_SUFFIXES)}"
        for n in range(rows // 5 + 1)
    ]
    out = io.StringIO()
    out.write("\ufeff" + PREAMBLE)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    start = date(2012, 1, 1)
    for _ in range(rows):
        given, family, slug, ascii_slug = _person(rng)
        host = rng.choice(("www.linkedin.com", "www.linkedin.com", "de.linkedin.com"))
        url = f"https://{host}/in/{slug}"
        email = f"{ascii_slug}@example.com" if rng.random() < 0.3 else ""
        company = rng.choice(companies)
        role = rng.choice(_ROLES)
        day = start + timedelta(days=rng.randrange(5000))
        if changer.random() < changed:  # a job change; ``rng`` stays in step with the original
            company, role = changer.choice(companies), "Principal " + role
        writer.writerow(
            [
                given,
                family,
                url,
                email,
                company,
                role,
                f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}",
            ]
        )
        if rng.random() < 0.001:
            writer.writerow([""] * 7)  # LinkedIn's rows of commas
    return out.getvalue().encode("utf-8")


# --- vCards --------------------------------------------------------------------------------

_APPLE_LABELS = ("_$!<Work>!$_", "_$!<Home>!$_", "_$!<Other>!$_", "conference", "Büro", "old job")
_TOPICS = (
    "Python", "Hiring manager", "Rust", "Kubernetes", "chess", "Spartak Moscow fan", "Mentor",
    "Ex-colleague", "Climbing", "アニメ", "Bücher", "Open source",
)  # fmt: skip
_NOTES = (
    "Met at PyCon, talked about compilers; introduced by Ann.",
    "Сказал, что в отделе будет вакансия весной. Написать в марте, спросить про команду.",
    "Worked together on the payments migration (2019–2021). Strong on incident reviews, "
    "knows everyone in platform engineering.",
    "山田さんの紹介。来月の勉強会で話す予定。",
    "Prefers e-mail; slow on LinkedIn.\nKids: two; ask about the marathon.",
)
_PHOTO_BYTES = (2_000, 16_000)  # contact photos as phones export them: 2–16 KB of JPEG


def _escape(text: str) -> str:
    """A vCard 3.0/4.0 text value: backslash, comma, semicolon and newline escaped."""
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """One content line, folded at 75 characters as exporters do, ending in CRLF."""
    if len(line) <= 75:
        return line + "\r\n"
    parts = [line[:75]]
    parts.extend(" " + line[start : start + 74] for start in range(75, len(line), 74))
    return "\r\n".join(parts) + "\r\n"


def _photo(rng: random.Random) -> str:
    """A base64 "JPEG" of a phone-sized contact photo (random bytes after the JPEG header)."""
    size = rng.randint(*_PHOTO_BYTES)
    return base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(size)).decode()


def _card(rng: random.Random, companies: list[str], number: int) -> str:
    """One person's card, in the style of Apple Contacts (3.0), a 4.0 exporter or Android."""
    given, family, slug, ascii_slug = _person(rng)
    style = rng.choices(("apple", "v4", "android"), (50, 25, 25))[0]
    version = "4.0" if style == "v4" else "3.0"
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    if style == "apple":
        lines.append("PRODID:-//Apple Inc.//macOS 14.4//EN")
    written_together = given[:1] >= "\u2e80" and rng.random() < 0.5  # 山田太郎
    full_name = f"{family}{given}" if written_together else f"{given} {family}"
    lines.append(f"N:{_escape(family)};{_escape(given)};;;")
    lines.append(f"FN:{_escape(full_name)}")
    if style == "v4":
        lines.append("KIND:individual")
    if rng.random() < 0.85:
        department = rng.choice(("", "", "Engineering", "Research;Compilers", "People"))
        org = _escape(rng.choice(companies))
        lines.append(f"ORG:{org};{department}" if department else f"ORG:{org}")
        lines.append(f"TITLE:{_escape(rng.choice(_ROLES))}")
    email_domains = ("example.com", "mail.example", "work.example")
    emails = [
        f"{ascii_slug.replace('-', '.', 1)}{n or ''}@{rng.choice(email_domains)}"
        for n in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))
    ]
    phones = [
        f"+{rng.choice((1, 44, 49, 7, 81, 34))} {rng.randint(100, 999)} {rng.randrange(10**7):07d}"
        for _ in range(rng.choice((0, 1, 1, 2)))
    ]
    item = 0
    for position, address in enumerate(emails):
        if style == "apple":
            item += 1
            pref = ";type=pref" if position == 0 else ""
            lines.append(f"item{item}.EMAIL;type=INTERNET{pref}:{address}")
            lines.append(f"item{item}.X-ABLabel:{rng.choice(_APPLE_LABELS)}")
        elif style == "v4":
            pref = ";PREF=1" if position == 0 else ""
            lines.append(f"EMAIL;TYPE={rng.choice(('work', 'home'))}{pref}:{address}")
        else:
            lines.append(f"EMAIL;TYPE=INTERNET;TYPE={rng.choice(('WORK', 'HOME'))}:{address}")
    for position, number_text in enumerate(phones):
        if style == "v4":
            digits = number_text.replace(" ", "-")
            lines.append(f'TEL;VALUE=uri;TYPE="voice,cell";PREF={position + 1}:tel:{digits}')
        elif style == "apple" and position == 1:
            item += 1
            lines.append(f"item{item}.TEL:{number_text}")
            lines.append(f"item{item}.X-ABLabel:_$!<Main>!$_")
        else:
            lines.append(f"TEL;type=CELL;type=VOICE;type=pref:{number_text}")
    if rng.random() < 0.4:
        profile = f"https://www.linkedin.com/in/{slug}/"
        if style == "apple":
            lines.append(f"X-SOCIALPROFILE;type=linkedin;x-user={slug}:{profile}")
        else:
            lines.append(f"URL;TYPE=work:{profile}")
    if rng.random() < 0.15:
        lines.append(f"URL:https://{ascii_slug[:12]}.example/")
    if rng.random() < 0.25:
        topics = rng.sample(_TOPICS, rng.randint(1, 3))
        lines.append("CATEGORIES:" + ",".join(_escape(topic) for topic in topics))
    if rng.random() < 0.3:
        lines.append(f"NOTE:{_escape(rng.choice(_NOTES))}")
    if rng.random() < 0.2:
        photo = _photo(rng)
        if style == "v4":
            lines.append(f"PHOTO:data:image/jpeg;base64,{photo}")
        else:
            lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}")
    if style == "v4":
        lines.append(f"UID:urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}")
        lines.append("REV:20260102T030405Z")
    elif style == "apple":
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()
        lines.append(f"UID:{uid}")
        lines.append(f"X-ABUID:{uid}:ABPerson")
    elif rng.random() < 0.5:
        lines.append(f"UID:{number:x}-{rng.getrandbits(40):010x}")  # Android: sometimes none
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def address_book_vcf(cards: int, *, seed: int = 2026) -> bytes:
    """A .vcf of ``cards`` people in a mix of exporters' styles, and one contact group.

    About half are Apple-style 3.0 (grouped ``item1.EMAIL`` with ``X-ABLabel``), a quarter
    4.0 and a quarter Android-style 3.0; names in several scripts, long values folded, and
    a fifth of the cards carry a base64 photo.
    """
    rng = random.Random(seed)
    companies = [
        f"{rng.choice(_COMPANY)} {rng.choice(_COMPANY_WORDS)} {n}{rng.choice(_SUFFIXES)}"
        for n in range(cards // 5 + 1)
    ]
    out = io.StringIO()
    for number in range(1, cards + 1):
        out.write(_card(rng, companies, number))
    out.write(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Recruiters\r\nN:Recruiters;;;;\r\n"
        "X-ADDRESSBOOKSERVER-KIND:group\r\nEND:VCARD\r\n"
    )
    return out.getvalue().encode("utf-8")
