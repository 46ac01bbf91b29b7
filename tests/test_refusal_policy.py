"""The refusal rules on given features (no model): which signals refuse, and which margins apply."""

from __future__ import annotations

import pytest

from assistant.refusal import Features, RefusalPolicy


def features(dense: float, off: float, intent: str = "fact", lang: str = "nl") -> Features:
    return Features(dense, off, False, False, intent, lang)


POLICY = RefusalPolicy.default()


def test_closer_to_an_off_topic_description_than_to_any_passage_is_refused() -> None:
    assert POLICY.refuse(features(0.85, 0.86))
    assert not POLICY.refuse(features(0.86, 0.85))


@pytest.mark.parametrize("gap, refused", [(0.001, False), (0.019, False), (0.03, True)])
def test_advice_for_ones_own_situation_needs_a_clear_off_topic_lead(
    gap: float, refused: bool
) -> None:
    assert POLICY.refuse(features(0.85, 0.85 + gap, intent="apply")) is refused
    assert POLICY.refuse(features(0.85, 0.85 + gap, intent="fact")) is True


def test_english_questions_get_the_cross_lingual_margin() -> None:
    assert not POLICY.refuse(features(0.85, 0.87, lang="en"))
    assert POLICY.refuse(features(0.85, 0.87, lang="nl"))


def test_a_named_title_is_never_refused() -> None:
    f = Features(0.5, 0.9, True, True, "fact", "nl", office_named=False, law_missing=True)
    assert POLICY.reasons(f) == []
