"""Made-up names in several cultures, and the job titles, topics and notes that go with them."""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from crm.domain.text import strip_case_and_marks

_T = TypeVar("_T")


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


class Culture(NamedTuple):
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


CULTURES: dict[str, Culture] = {
    "english": Culture(
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
    "european": Culture(
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
    "russian": Culture(
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
    "filipino": Culture(
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
    "japanese": Culture(
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
    "chinese": Culture(
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
    "korean": Culture(
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
_CULTURE_NAMES = tuple(CULTURES)
_CULTURE_CUMULATIVE = tuple(itertools.accumulate(c.weight for c in CULTURES.values()))
_CULTURE_TOTAL = _CULTURE_CUMULATIVE[-1]

# Third word for English-style company names ("Blue River Analytics"), to have enough of them.
_COMPANY_MIDDLE = _pool(
    "River Peak Bay Stone Field Bridge Point Gate Ridge Lake Hill Wave Star Forge Path Port "
    "Grove Rock Spring Light"
)
_LEGAL_ENDINGS = ("", "", "", "", " Inc.", " LLC", " Ltd", " Corp.")

ROLES = (
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
TOPICS = (
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
HOW_MET = (
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
NOTES = (
    "Responsive; prefers e-mail.",
    "Great mentor.",
    "Busy: keep messages short.",
    "Owes me an intro.",
    "Knows everyone in the local data scene.",
    "Met twice; friendly.",
    "Prefers calls to e-mail.",
    "Hiring next quarter.",
)
KEEP_IN_TOUCH = (30, 60, 90, 180)


def pick(rng: random.Random, items: Sequence[_T]) -> _T:
    """One item at random (several times cheaper than ``rng.choice``, and as reproducible)."""
    return items[int(rng.random() * len(items))]


def pick_culture(rng: random.Random) -> str:
    """A culture at random, by weight."""
    return _CULTURE_NAMES[bisect.bisect(_CULTURE_CUMULATIVE, rng.random() * _CULTURE_TOTAL)]


def company_name(rng: random.Random, culture: str) -> tuple[str, str]:
    """A company name in a culture's style, and its ASCII form for e-mail domains."""
    c = CULTURES[culture]
    first, first_ascii = pick(rng, c.company_first)
    second, second_ascii = pick(rng, c.company_second)
    if culture == "english" and rng.random() < 0.9:
        middle, middle_ascii = pick(rng, _COMPANY_MIDDLE)
        return (
            f"{first} {middle} {second}{pick(rng, _LEGAL_ENDINGS)}",
            f"{first_ascii}{middle_ascii}{second_ascii}",
        )
    joiner = "" if c.style in ("eastern", "joined") else " "
    return f"{first}{joiner}{second}", f"{first_ascii}{second_ascii}"


def _feminine(family: str, family_ascii: str) -> tuple[str, str]:
    """The feminine form of a Russian family name: Орлов -> Орлова, Островский -> Островская."""
    if family.endswith("ий"):
        return family[:-2] + "ая", family_ascii[:-1] + "aya"
    return family + "а", family_ascii + "a"


def person_name(rng: random.Random, culture: str) -> tuple[str, str, str]:
    """A full name in a culture's style, with ASCII given and family names for e-mails."""
    c = CULTURES[culture]
    if c.style == "russian":
        female = rng.random() < 0.5
        given, given_ascii = pick(rng, c.given_female if female else c.given)
        family, family_ascii = pick(rng, c.family)
        if female:
            family, family_ascii = _feminine(family, family_ascii)
        return f"{given} {family}", given_ascii, family_ascii
    given, given_ascii = pick(rng, c.given)
    family, family_ascii = pick(rng, c.family)
    if c.style == "eastern":
        name = f"{family} {given}"
        if rng.random() < 0.25:
            name += f" ({family_ascii.title()} {given_ascii.title()})"
        return name, given_ascii, family_ascii
    if c.style == "joined":
        return f"{family}{given}", given_ascii, family_ascii
    return f"{given} {family}", given_ascii, family_ascii
