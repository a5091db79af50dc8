def test_a_keep_in_touch_interval_beyond_a_century_is_refused() -> None:
    from crm.domain.types import ContactDraft
    from crm.domain.validation import MAX_KEEP_IN_TOUCH_DAYS, contact_problems

    assert (
        contact_problems(ContactDraft(name="Ann", keep_in_touch_days=MAX_KEEP_IN_TOUCH_DAYS)) == []
    )
    problems = contact_problems(ContactDraft(name="Ann", keep_in_touch_days=1_000_000))
    assert problems == ["The keep-in-touch interval can be at most 36,500 days."]
