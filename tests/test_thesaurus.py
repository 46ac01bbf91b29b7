"""The policy thesaurus: its data, its expansion rules, and what it does for lexical search."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from assistant.api import Assistant
from assistant.retrieval.bm25 import tokenize
from assistant.retrieval.thesaurus import Thesaurus, policy_groups

GROUPS = policy_groups()

# Words that phrase a question rather than name its subject: in a group they would expand
# nearly every question ("give me…", "I need…", "kun je helpen").
QUESTION_PHRASING = {"give", "geven", "need", "help", "helpen", "want", "willen", "know", "weten"}


def test_groups_are_lowercase_single_words_with_a_narrow_and_optional_broader_side() -> None:
    for group in GROUPS:
        narrow, _, broader = group.partition(">")
        assert narrow.split(), group
        for word in (narrow + " " + broader).split():
            assert re.fullmatch(r"[a-zë]+", word), (word, group)
        assert len(set(tokenize(group))) >= 2, group


def test_no_word_brings_in_more_than_two_groups_and_no_question_phrasing() -> None:
    counts = Counter(w for g in GROUPS for w in set(g.partition(">")[0].split()))
    assert [w for w, n in counts.items() if n > 2] == []
    assert QUESTION_PHRASING.isdisjoint(counts)


def test_related_never_returns_asked_or_unindexed_words() -> None:
    th = Thesaurus(["crisis ramp calamiteit", "praten overleggen"])
    index = set(tokenize("crisis ramp calamiteit"))
    assert th.related(tokenize("crisis, ramp"), index) == tokenize("calamiteit")
    assert th.related(tokenize("crisis"), set()) == []
    assert th.related(tokenize("fiets"), index) == []


def test_broader_terms_are_one_way() -> None:
    th = Thesaurus(["overstroming > crisis"])
    assert th.related(tokenize("overstroming"), {"crisis"}) == ["crisis"]
    assert th.related(tokenize("crisis"), {"overstroom"}) == []


def test_a_one_word_group_is_ignored() -> None:
    assert Thesaurus(["crisis", "crisis Crisis"]).groups == []


@pytest.mark.model
def test_lexical_search_finds_the_crisis_ingredient_for_a_flood_only_through_the_thesaurus(
    assistant: Assistant,
) -> None:
    retriever = assistant.retriever.neutral  # every document's BM25, no learned parts
    question = "Hoe gaan we om met de wateroverlast van vorige maand?"
    terms = retriever.lexical_query(question)
    assert terms["crisis"] == retriever.weights.related
    assert [p.chunk.title for p in retriever.lexical(question, 1)] == ["Never waste a good crisis"]
    saved, retriever.thesaurus = retriever.thesaurus, None
    try:
        assert "crisis" not in retriever.lexical_query(question)
        titles = [p.chunk.title for p in retriever.lexical(question, 5)]
        assert "Never waste a good crisis" not in titles
    finally:
        retriever.thesaurus = saved


@pytest.mark.model
def test_a_word_inside_a_hyphenated_compound_is_found(assistant: Assistant) -> None:
    titles = [p.chunk.title for p in assistant.retriever.lexical("het calimero gevoel", 1)]
    assert titles == ["Met een beetje lef"]


@pytest.mark.parametrize("common", ["zo'n", "anderen", "eigen", "nieuw", "goed", "jaar"])
def test_common_words_bring_in_nothing(common: str) -> None:
    # The Dutch stemmer makes some unrelated words identical ("gezondheid" and "zo'n",
    # "agenderen" and "anderen"); a group holding one would expand every question with the other.
    assert (
        Thesaurus(GROUPS).related(tokenize(common), {"x"} | set(tokenize(" ".join(GROUPS)))) == []
    )
