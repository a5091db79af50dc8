"""The ring checker: give-up phrases and commitments in English, Russian and Tagalog."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from crm.domain.day_words import LANGUAGES
from crm.domain.ring_check import (
    RingCheck,
    RingVerdict,
    check_ring,
    compile_pattern,
    find_commitment,
    owning_closing,
    phrase_data,
)

UTC_TZ = ZoneInfo("UTC")
MOSCOW = ZoneInfo("Europe/Moscow")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 3, 12, 0)  # Thursday 3 December 2026, noon UTC
MONDAY = "I'll call you on Monday if I haven't heard back."  # two business days after Thursday


def check(text: str, language: str | None = None) -> RingCheck:
    return check_ring(text, now=NOW, tz=UTC_TZ, language=language)


# --- The data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_data_file_has_both_lists_and_every_pattern_compiles(language: str) -> None:
    data = phrase_data(language)
    assert data["give_up"] and data["commitment"] and "{day}" in data["closing"]
    for entry in data["give_up"] + data["commitment"]:
        compile_pattern(entry["pattern"])
        assert entry["why"].strip() and "\n" not in entry["why"]


# --- Given up ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "language"),
    [
        ("Thanks again. Hope to hear from you soon!", "Hope to hear from you soon", "en"),
        ("Looking forward to hearing from you.", "Looking forward to hearing from you", "en"),
        ("I look forward to your reply", "I look forward to your reply", "en"),
        ("Please let me know what you think.", "let me know", "en"),
        ("LMK!", "LMK", "en"),
        ("Let us know!", "Let us know", "en"),
        ("hit me up when you know more", "hit me up", "en"),
        ("Could you get back to me by Friday?", "get back to me", "en"),
        ("Awaiting your response.", "Awaiting your response", "en"),
        ("Keep me posted", "Keep me posted", "en"),
        ("Feel free to reach out anytime.", "Feel free to reach out", "en"),
        ("Don’t hesitate to contact me.", "Don’t hesitate to contact me", "en"),
        ("I'm waiting for your reply", "I'm waiting for your reply", "en"),
        ("Hope to\n   hear from\tyou", "Hope to\n   hear from\tyou", "en"),
        ("HOPE TO HEAR FROM YOU", "HOPE TO HEAR FROM YOU", "en"),
        ("looking fwd to hearing from u", "looking fwd to hearing from u", "en"),
        ("hope 2 hear from ya", "hope 2 hear from ya", "en"),
        ("Will you call me?", "Will you call me", "en"),
        ("Thanks! Ping me anytime", "Ping me", "en"),
        ("Give me a call when you can", "Give me a call", "en"),
        ("Drop me a line.", "Drop me a line", "en"),
        ("Just waiting to hear back from you", "waiting to hear back from you", "en"),
        ("Жду вашего ответа.", "Жду вашего ответа", "ru"),
        ("Ждём ответа", "Ждём ответа", "ru"),
        ("Ждем ответа", "Ждем ответа", "ru"),
        ("Дайте мне знать, что решили.", "Дайте мне знать", "ru"),
        ("дай знать", "дай знать", "ru"),
        ("Буду ждать!", "Буду ждать", "ru"),
        ("Надеюсь на ответ", "Надеюсь на ответ", "ru"),
        ("Надеюсь скоро услышать от вас", "Надеюсь скоро услышать от вас", "ru"),
        ("С нетерпением жду новостей", "С нетерпением жду новостей", "ru"),
        ("Жду обратной связи", "Жду обратной связи", "ru"),
        ("Напишите мне, когда будет решение", "Напишите мне", "ru"),
        ("Свяжитесь со мной", "Свяжитесь со мной", "ru"),
        ("Буду рада ответу", "Буду рада ответу", "ru"),
        ("Буду рад вашему ответу", "Буду рад вашему ответу", "ru"),
        ("Отпишитесь, пожалуйста", "Отпишитесь", "ru"),
        ("ЖДУ ВАШЕГО ОТВЕТА", "ЖДУ ВАШЕГО ОТВЕТА", "ru"),
        ("ЖДЁМ ВАШЕГО ОТВЕТА", "ЖДЁМ ВАШЕГО ОТВЕТА", "ru"),
        ("Жду\n  вашего ответа", "Жду\n  вашего ответа", "ru"),
        ("Надеюсь скоро услышать.", "Надеюсь скоро услышать", "ru"),
        ("Дашь знать?", "Дашь знать", "ru"),
        ("Держите меня в курсе", "Держите меня в курсе", "ru"),
        ("hihintayin ko po ang inyong sagot", "hihintayin ko po ang inyong sagot", "tl"),
        ("Aantayin ko", "Aantayin ko", "tl"),
        ("Hintayin ko na lang", "Hintayin ko", "tl"),
        ("Sana marinig ko kayo", "Sana marinig", "tl"),
        ("Pakisabihan ninyo ako", "Pakisabihan ninyo ako", "tl"),
        ("Ipaalam po ninyo sa akin", "Ipaalam po ninyo sa akin", "tl"),
        ("Balitaan mo ako ha", "Balitaan mo ako", "tl"),
        ("Sabihan mo ako", "Sabihan mo ako", "tl"),
        ("Salamat! Text mo lang ako", "Text mo lang ako", "tl"),
        ("Umaasa akong makarinig mula sa inyo", "Umaasa akong makarinig", "tl"),
    ],
)
def test_a_phrase_that_hands_over_the_next_step_gives_up_the_ring(
    text: str, phrase: str, language: str
) -> None:
    result = check(text)
    assert result.verdict is RingVerdict.GIVEN_UP
    [found] = result.phrases
    assert (found.phrase, found.language) == (phrase, language)
    assert text[found.start : found.end] == found.phrase and found.why
    assert result.language == language


def test_the_domain_examples_verbatim() -> None:
    for text in (
        "hope to hear from you soon",
        "let me know",
        "«жду вашего ответа»",
        "«дайте знать»",
    ):
        assert check(text).verdict is RingVerdict.GIVEN_UP, text
    assert check("hihintayin ko po ang sagot ninyo").verdict is RingVerdict.GIVEN_UP
    for text in (
        "I'll call you on Thursday if I haven't heard back",
        "«я свяжусь с вами в пятницу»",
        "tatawagan ko po kayo sa Huwebes",
    ):
        assert check(text).verdict is RingVerdict.KEPT, text
    # The article's own pair.
    assert check("Надеюсь скоро услышать от вас").verdict is RingVerdict.GIVEN_UP
    kept = check("Я свяжусь с вами через пару дней, если от вас не будет вестей")
    assert kept.verdict is RingVerdict.KEPT and kept.suggestion == ""
    assert kept.commitment is not None and kept.commitment.due == datetime(2026, 12, 5, 9, 0)


def test_every_phrase_is_reported_in_order_with_its_offsets() -> None:
    text = "Let me know.\nHope to hear from you soon.\nЖду ответа."
    result = check(text)
    assert [p.phrase for p in result.phrases] == [
        "Let me know",
        "Hope to hear from you soon",
        "Жду ответа",
    ]
    assert [p.language for p in result.phrases] == ["en", "en", "ru"]
    assert result.language == "en"  # the first flagged phrase's


# --- Kept and silent ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Let me know if you have questions. I'll call you on Thursday.",
        "I’ll follow up next week; let me know if anything changes.",
        "Hope to hear from you soon. I will reach out on Monday either way.",
        "Told her I'd call Friday",
        "I'll be in touch.",
        "I'll give you a call tomorrow",
        "Will call Friday.",
        "Дайте знать, если что. Я свяжусь с вами в пятницу.",
        "Сказал, что позвоню в пятницу",
        "Наберу вам завтра",
        "Напомню о себе через неделю",
        "Вернусь к вам на следующей неделе",
        "Tatawagan ko po kayo bukas",
        "Tatawag ako sa Lunes",
        "Ite-text kita sa makalawa",
        "Ite-text ko kayo bukas",
        "Mag-e-email ako sa Biyernes",
        "Babalikan ko kayo",
        "Kokontakin ko po kayo",
        "Magfo-follow up ako next week",
    ],
)
def test_text_that_owns_the_next_step_is_never_flagged(text: str) -> None:
    result = check(text)
    assert result.verdict is RingVerdict.KEPT
    assert result.phrases == ()
    assert result.commitment is not None


@pytest.mark.parametrize(
    "text",
    [
        "Talked about the team",
        "She'll call me Friday.",
        "Can I call you on Friday?",
        "I won't call",
        "I will not call them again",
        "Я не позвоню",
        "Hindi ko tatawagan",
        "Обсудили команду",
        "",
    ],
)
def test_neither_an_owned_step_nor_a_handed_over_one_is_silent(text: str) -> None:
    result = check(text)
    assert result.verdict is RingVerdict.SILENT
    assert result.commitment is None and result.phrases == ()
    assert result.suggestion


@pytest.mark.parametrize(
    "text",
    ["I'll wait to hear from you", "I'll be waiting for your reply", "Буду ждать", "Hihintayin ko"],
)
def test_waiting_is_not_a_commitment(text: str) -> None:
    result = check(text)
    assert result.commitment is None
    assert result.verdict is RingVerdict.GIVEN_UP


# --- Languages ---------------------------------------------------------------------------------


def test_mixed_english_and_russian_in_one_message() -> None:
    result = check("Thanks for the call! Жду вашего ответа. Let me know.")
    assert [p.language for p in result.phrases] == ["ru", "en"]
    assert result.language == "ru"
    assert result.suggestion == "Я позвоню вам в понедельник, если от вас не будет вестей."
    kept = check("Спасибо! I'll call you tomorrow.")
    assert kept.verdict is RingVerdict.KEPT and kept.commitment is not None
    assert kept.commitment.language == "en"


def test_taglish() -> None:
    result = check("Thank you po sa interview kanina! Text mo lang ako if may update.")
    assert result.verdict is RingVerdict.GIVEN_UP and result.language == "tl"
    assert result.suggestion == "Tatawagan ko po kayo sa Lunes kung wala pa po akong balita."
    kept = check("Salamat po! Magfo-follow up ako on Friday.")
    assert kept.verdict is RingVerdict.KEPT
    assert kept.commitment is not None and kept.commitment.due == datetime(2026, 12, 4, 9, 0)


def test_the_language_is_detected_when_nothing_is_flagged() -> None:
    assert check("Обсудили команду").language == "ru"
    assert check("Nag-usap po kami tungkol sa team").language == "tl"
    assert check("Talked about the team").language == "en"
    assert check("Talked about the team", language="ru").suggestion.startswith("Я позвоню")


def test_an_explicit_language_wins_for_the_suggestion() -> None:
    result = check("Let me know", language="tl")
    assert result.suggestion == "Tatawagan ko po kayo sa Lunes kung wala pa po akong balita."


# --- Suggestions -------------------------------------------------------------------------------


def test_the_suggestion_names_the_default_next_touch() -> None:
    assert check("Hope to hear from you soon").suggestion == MONDAY
    # Friday evening in New York is Saturday in UTC; the day is the user's: Tuesday.
    friday_evening = datetime(2026, 12, 5, 1, 0)
    result = check_ring("Let me know", now=friday_evening, tz=NEW_YORK)
    assert result.suggestion == "I'll call you on Tuesday if I haven't heard back."


def test_kept_without_a_day_still_suggests_one() -> None:
    result = check("I'll be in touch.")
    assert result.verdict is RingVerdict.KEPT and result.suggestion == MONDAY


@pytest.mark.parametrize(
    ("language", "day", "sentence"),
    [
        ("en", date(2026, 12, 10), "I'll call you on 10 December if I haven't heard back."),
        ("en", date(2026, 12, 4), "I'll call you tomorrow if I haven't heard back."),
        ("ru", date(2026, 12, 8), "Я позвоню вам во вторник, если от вас не будет вестей."),
        (
            "tl",
            date(2026, 12, 9),
            "Tatawagan ko po kayo sa Miyerkules kung wala pa po akong balita.",
        ),
        ("xx", date(2026, 12, 9), "I'll call you on Wednesday if I haven't heard back."),
    ],
)
def test_owning_closing(language: str, day: date, sentence: str) -> None:
    assert owning_closing(language, day, date(2026, 12, 3)) == sentence


# --- Commitment days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("I'll call you on Thursday", datetime(2026, 12, 10, 9, 0)),  # today's weekday: a week on
        ("I'll call you Friday", datetime(2026, 12, 4, 9, 0)),
        ("I'll follow up by Friday", datetime(2026, 12, 4, 9, 0)),
        ("I'll follow up tomorrow", datetime(2026, 12, 4, 9, 0)),
        ("I'll check in next week", datetime(2026, 12, 7, 9, 0)),
        ("I'll reach out in a couple of days", datetime(2026, 12, 5, 9, 0)),
        ("I'll reach out in 3 days", datetime(2026, 12, 6, 9, 0)),
        ("I'll reach out in two days", datetime(2026, 12, 5, 9, 0)),
        ("I'll reach out in 2 weeks", datetime(2026, 12, 17, 9, 0)),
        ("I'll e-mail you on Dec 10", datetime(2026, 12, 10, 9, 0)),
        ("I'll e-mail you on 10 December", datetime(2026, 12, 10, 9, 0)),
        ("I'll e-mail you on 2026-12-10", datetime(2026, 12, 10, 9, 0)),
        ("I'll ping you by the end of the week", datetime(2026, 12, 4, 9, 0)),
        ("I'll call you on Friday at 3pm", datetime(2026, 12, 4, 15, 0)),
        ("I'll call you on Friday at 15:00", datetime(2026, 12, 4, 15, 0)),
        ("Позвоню завтра", datetime(2026, 12, 4, 9, 0)),
        ("Позвоню послезавтра", datetime(2026, 12, 5, 9, 0)),
        ("Наберу вам в пятницу", datetime(2026, 12, 4, 9, 0)),
        ("Напишу во вторник", datetime(2026, 12, 8, 9, 0)),
        ("Свяжусь к пятнице", datetime(2026, 12, 4, 9, 0)),
        ("Свяжусь до пятницы", datetime(2026, 12, 4, 9, 0)),
        ("Свяжусь через пару дней", datetime(2026, 12, 5, 9, 0)),
        ("Свяжусь через 2 дня", datetime(2026, 12, 5, 9, 0)),
        ("Свяжусь через неделю", datetime(2026, 12, 10, 9, 0)),
        ("Свяжусь на следующей неделе", datetime(2026, 12, 7, 9, 0)),
        ("Свяжусь 10 декабря", datetime(2026, 12, 10, 9, 0)),
        ("Позвоню в пятницу в 15:00", datetime(2026, 12, 4, 15, 0)),
        ("Позвоню в четверг", datetime(2026, 12, 10, 9, 0)),
        ("Tatawagan ko kayo bukas", datetime(2026, 12, 4, 9, 0)),
        ("Tatawagan ko kayo sa makalawa", datetime(2026, 12, 5, 9, 0)),
        ("Tatawagan ko kayo sa Huwebes", datetime(2026, 12, 10, 9, 0)),
        ("Tatawagan ko kayo sa Lunes", datetime(2026, 12, 7, 9, 0)),
        ("Tatawagan ko kayo sa susunod na linggo", datetime(2026, 12, 7, 9, 0)),
        ("Tatawagan ko kayo pagkalipas ng dalawang araw", datetime(2026, 12, 5, 9, 0)),
        ("Tatawagan ko kayo sa loob ng dalawang araw", datetime(2026, 12, 5, 9, 0)),
        ("В пятницу позвоню", datetime(2026, 12, 4, 9, 0)),
        ("I'll call you on Dec. 10 at 3 p.m. Thanks.", datetime(2026, 12, 10, 15, 0)),
        ("I’ll text her tomorrow at 10am.", datetime(2026, 12, 4, 10, 0)),
    ],
)
def test_the_day_of_a_commitment(text: str, due: datetime) -> None:
    found = find_commitment(text, said_at=NOW, tz=UTC_TZ)
    assert found is not None and found.due == due


def test_the_phrase_runs_from_the_step_to_its_day() -> None:
    text = "Great chat. I'll call you on Thursday if I haven't heard back."
    found = find_commitment(text, said_at=NOW, tz=UTC_TZ)
    assert found is not None and found.phrase == "I'll call you on Thursday"
    assert text[found.start : found.end] == found.phrase


def test_the_day_must_be_in_the_commitments_sentence() -> None:
    found = find_commitment("Met on Friday. I'll call you.", said_at=NOW, tz=UTC_TZ)
    assert found is not None and found.due is None and found.phrase == "I'll call you"
    found = find_commitment("Friday we fixed the grammar. I'll call you.", said_at=NOW, tz=UTC_TZ)
    assert found is not None and found.due is None


def test_a_day_is_the_users_local_day_and_keeps_nine_across_dst() -> None:
    # Saturday 31 Oct 2026, 23:30 in New York is already Sunday in UTC; "Monday" is 2 Nov,
    # after the clocks went back on 1 Nov: 09:00 EST is 14:00 UTC (13:00 before the change).
    said_at = datetime(2026, 11, 1, 3, 30)
    found = find_commitment("I'll call you on Monday", said_at=said_at, tz=NEW_YORK)
    assert found is not None and found.due == datetime(2026, 11, 2, 14, 0)
    found = find_commitment("Позвоню во вторник", said_at=NOW, tz=MOSCOW)
    assert found is not None and found.due == datetime(2026, 12, 8, 6, 0)  # 09:00 Moscow


def test_a_day_far_along_a_run_on_sentence_is_not_the_commitments() -> None:
    """A pasted thread without full stops: the day must be near the commitment, which also
    keeps the check linear in the text's length (bench: python -m bench --only ring)."""
    filler = "and then we talked about the roadmap " * 20
    near = find_commitment(f"I'll call you {filler} on Friday", said_at=NOW, tz=UTC_TZ)
    assert near is not None and near.due is None
    assert check(f"I'll call you on Friday {filler}").commitment.due is not None  # type: ignore[union-attr]


def test_only_the_words_next_to_a_commitment_can_negate_it() -> None:
    assert check("I won't call you").verdict is RingVerdict.SILENT
    assert check("won't " + "x " * 100 + "I'll call you").verdict is RingVerdict.KEPT
