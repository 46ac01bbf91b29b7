"""The refusal rules on given features (no model): which signals refuse, and which margins apply."""

from __future__ import annotations

import pytest

from assistant.policy.refusal import Features, RefusalPolicy, refusal_features
from recept.schema import Chunk, Passage


def features(dense: float, off: float, intent: str = "fact", lang: str = "nl") -> Features:
    return Features(dense, off, False, intent, lang)


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


def test_a_named_title_is_the_subject_and_what_is_asked_of_it_is_judged() -> None:
    """A title or speaker the question names is no pass: what it asks of them is judged as a
    question of its own ("Wat zegt Ilse Zaal over het weer?"). Nothing asked besides the name
    ("Wat betekent Gunnen?"): the name is the subject, whatever the cosines."""
    off = Features(0.84, 0.90, False, "fact", "nl")
    near = Features(0.86, 0.80, False, "fact", "nl")
    assert POLICY.refuse(Features(0.85, 0.80, True, "fact", "nl", rest=off))
    assert not POLICY.refuse(Features(0.85, 0.80, True, "fact", "nl", rest=near))
    assert POLICY.reasons(Features(0.5, 0.9, True, "fact", "nl")) == []
    law = Features(0.85, 0.80, True, "fact", "nl", law_missing=True)
    assert POLICY.reasons(law) == ["die wet of dat artikel komt in het document niet voor"]


def test_the_best_candidate_cosine_overrides_the_passages() -> None:
    chunk = Chunk("1", "d", "ingredient", "Gunnen", 0, 5, "Durf ergens belangeloos.", "", "")
    passages = [Passage(chunk, 1.0, dense=0.80)]
    vec = [1.0, 0.0]
    assert refusal_features("Wat is gunnen?", passages, vec, [vec]).dense_top == 0.80
    assert refusal_features("Wat is gunnen?", passages, vec, [vec], dense_top=0.9).dense_top == 0.9


@pytest.mark.parametrize(
    ("plain_off", "lead", "refused"),
    [
        (0.86, None, True),
        (0.80, None, False),
        (0.86, -0.05, False),
        (0.80, 0.05, True),
        (0.91, -0.05, True),  # far off topic even for the plain vector
    ],
)
def test_with_an_adapter_its_lead_decides_what_is_off_topic(
    plain_off: float, lead: float | None, refused: bool
) -> None:
    """Without an adapter the plain vector's lead decides; with one, the adapted lead does."""
    f = Features(0.85, plain_off, False, "fact", "nl", adapted_lead=lead)
    assert POLICY.refuse(f) is refused


def test_a_named_office_is_in_scope_whatever_the_adapted_lead() -> None:
    f = Features(0.85, 0.80, False, "fact", "nl", office_named=True, adapted_lead=0.2)
    assert not POLICY.refuse(f)


def test_the_adapted_lead_touches_only_the_off_topic_rule() -> None:
    f = Features(0.85, 0.80, False, "fact", "nl", law_missing=True, adapted_lead=-0.2)
    assert POLICY.reasons(f) == ["die wet of dat artikel komt in het document niet voor"]


def test_the_adapted_lead_is_computed_from_the_adapted_vector() -> None:
    off = [[1.0, 0.0]]
    f = refusal_features("Wat nu?", [], [1.0, 0.0], off, dense_top=0.9, adapted=([0.6, 0.8], 0.7))
    assert f.off_topic == pytest.approx(1.0)
    assert f.adapted_lead == pytest.approx(0.6 - 0.7)
    assert refusal_features("Wat nu?", [], [1.0, 0.0], off, dense_top=0.9).adapted_lead is None


def test_a_missing_value_is_no_refusal_but_a_partial_answer() -> None:
    """A sum or a count the top passages lack: answerability says the documents give no such
    value and quotes what they do say (a partial answer); the refusal features hold no such
    check."""
    from assistant.answering.answerability import missing_kind

    p = Passage(Chunk("1", "d", "section", "t", 0, 1, "De regeling wordt geëvalueerd.", "", ""), 1)
    assert missing_kind("Hoeveel geld kost de regeling?", [p], set()) == "amount"
    assert missing_kind("Hoeveel gemeenten doen mee?", [p], set()) == "count"
    assert missing_kind("Wat houdt de regeling in?", [p], set()) == ""
    question = "Hoeveel gemeenten doen mee?"
    f = refusal_features(question, [p], [1.0, 0.0], [[0.0, 1.0]], dense_top=0.9)
    assert POLICY.reasons(f) == []


def test_a_passage_with_every_word_of_the_question_keeps_it_in_scope() -> None:
    """When one passage uses every word the question is about, its nearness to a description
    of something else does not refuse it; a law the document never names still does."""
    together = Features(0.85, 0.90, False, "fact", "nl", words_together=True)
    assert not POLICY.refuse(together)
    assert POLICY.refuse(Features(0.85, 0.90, False, "fact", "nl"))
    law = Features(0.85, 0.90, False, "fact", "nl", law_missing=True, words_together=True)
    assert POLICY.refuse(law)
