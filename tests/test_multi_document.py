"""Two documents in one index: the recipe and a council information letter (corpus-extra/).

Each document is searched by its own pipeline; the recipe keeps its learned parts, the letter
gets none; answers cite the document they are about, and a search can be limited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, PROJECT, index_documents

from assistant import Assistant
from ingest.embed.st import SentenceTransformerEmbedder
from recept.errors import InputError

pytestmark = pytest.mark.model

LETTER = PROJECT / "corpus-extra" / "raadsinformatiebrief-duinwaarde.md"
RECIPE_ID, LETTER_ID = "recept-voor-de-toekomst", "raadsinformatiebrief-duinwaarde"


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory,
    e5_model_dir: Path,
    e5_embedder: SentenceTransformerEmbedder,
) -> Iterator[Assistant]:
    data = tmp_path_factory.mktemp("two-docs") / "data"
    settings = index_documents(
        data, e5_model_dir, e5_embedder, [CORPUS, LETTER], corpus_dir=str(CORPUS)
    )
    yield Assistant.from_settings(settings, embedder=e5_embedder)


def docs_cited(answer: object) -> set[str]:
    return {c.doc_id for c in answer.citations}  # type: ignore[attr-defined]


def test_the_learned_parts_stay_with_the_document_they_were_made_for(both: Assistant) -> None:
    per_document = both.retriever.per_document
    assert set(per_document) == {RECIPE_ID, LETTER_ID}
    assert per_document[RECIPE_ID].adapter is not None
    assert per_document[RECIPE_ID].ranker is not None
    assert per_document[LETTER_ID].adapter is None and per_document[LETTER_ID].ranker is None


def test_each_document_answers_its_own_questions(both: Assistant) -> None:
    recipe = both.ask("Wat betekent het ingrediënt Gunnen in het recept?")
    assert not recipe.refused and docs_cited(recipe) == {RECIPE_ID}
    letter = both.ask("Welke gemeenten nemen deel aan de Jeugdregio Duinkust?")
    assert not letter.refused
    assert letter.passages[0].chunk.doc_id == LETTER_ID
    assert docs_cited(letter) == {LETTER_ID}
    for c in recipe.citations + letter.citations:
        assert both.verify(c)


def test_a_search_can_be_limited_to_some_documents(both: Assistant) -> None:
    only_letter = both.ask("Wat zegt de brief over samenwerking?", documents=[LETTER_ID])
    assert {p.chunk.doc_id for p in only_letter.passages} == {LETTER_ID}
    with pytest.raises(InputError, match="Onbekend document"):
        both.ask("Wat is Gunnen?", documents=["bestaat-niet"])


def test_a_declined_question_names_the_documents_searched(both: Assistant) -> None:
    answer = both.ask("Wat wordt het weer morgen in Haarlem?")
    assert answer.refused and answer.answerability == "decline"
    assert "doorzochte documenten" in answer.text
    assert both.title(RECIPE_ID) in answer.text and both.title(LETTER_ID) in answer.text


def test_a_follow_up_stays_with_the_document_the_previous_answer_quoted(both: Assistant) -> None:
    first = both.ask("Wat zei Femke Algra over de gemeenteraden?")
    assert docs_cited(first) == {LETTER_ID}
    history = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": first.text},
    ]
    # No subject of its own: about what the previous answer quoted, in that letter.
    again = both.ask("Waarom zegt ze dat?", history)
    assert not again.refused and docs_cited(again) == {LETTER_ID}
    # A word only the other document has moves the conversation there.
    moved = both.ask("En wat zegt het recept over Gunnen?", history)
    assert not moved.refused and RECIPE_ID in docs_cited(moved)


def test_a_turn_names_another_document_by_words_only_that_one_has(both: Assistant) -> None:
    from assistant.retrieval.bm25 import tokenize

    routed = both.retriever
    assert routed.names_elsewhere(tokenize("Gunnen"), [LETTER_ID])
    assert not routed.names_elsewhere(tokenize("Strandhoven"), [LETTER_ID])
    assert routed.names_elsewhere(tokenize("Strandhoven"), [RECIPE_ID])
    assert not routed.names_elsewhere(tokenize("onbekendwoord"), [LETTER_ID])


def test_a_question_in_one_document_s_own_words_is_answered_from_that_document(
    both: Assistant,
) -> None:
    routed = both.retriever
    question = "Hoeveel fte heeft het Bureau Jeugdregio Duinkust?"
    # Function words ("hoeveel", "heeft") belong to no document.
    assert set(routed.own_words(question, routed.documents)) == {LETTER_ID}
    _, passages = both.retrieve(question)
    assert passages and {p.chunk.doc_id for p in passages} == {LETTER_ID}
    # Words of each document's own: both keep their places.
    mixed = "Wat zegt het recept over Gunnen bij de Jeugdregio Duinkust?"
    assert set(routed.own_words(mixed, routed.documents)) == {LETTER_ID, RECIPE_ID}
    _, passages = both.retrieve(mixed)
    assert {p.chunk.doc_id for p in passages} == {LETTER_ID, RECIPE_ID}


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # Search puts chapter 3.3 (the recommendation of a kaderbrief, no date) first.
        ("Wanneer ontvangen de raden voortaan de kaderbrief?", "1 februari"),
        ("Op welke datum besluit de gemeenteraad over het raadsvoorstel?", "26 juni 2025"),
    ],
)
def test_a_date_question_puts_the_passage_with_the_date_first(
    both: Assistant, question: str, value: str
) -> None:
    """The source list starts where the answer comes from: the passage that gives the date
    asked for, which the answer quotes first."""
    answer = both.ask(question, documents=[LETTER_ID])
    assert answer.answerability == "answer"
    assert value in answer.passages[0].chunk.text
    assert answer.citations[0].chunk_id == answer.passages[0].chunk.id
    assert value in answer.citations[0].quote


def test_a_year_or_name_no_document_mentions_is_said_to_be_missing(both: Assistant) -> None:
    """Asked about a year or a place the documents never name: first that, then what they do
    say (partial); advice for one's own situation may name any place."""
    year = both.ask("Hoeveel betaalde Duinwaarde in 2015 aan de jeugdregio?")
    assert year.answerability == "partial" and year.refused
    assert year.text.startswith("De documenten noemen 2015 nergens.")
    assert year.citations and all(both.verify(c) for c in year.citations)
    place = both.ask("Hoeveel betaalt de gemeente Zwolle aan de Jeugdregio Duinkust?")
    assert place.answerability == "partial"
    assert place.text.startswith("De documenten noemen Zwolle nergens.")
    english = both.ask("What did Duinwaarde pay in 2015?")
    assert english.text.startswith("The documents never mention 2015.")
    known = both.ask("Hoeveel betaalde Duinwaarde in 2024 aan de jeugdregio?")
    assert known.answerability == "answer"
    advice = both.ask("Wij zijn raadsleden in Zwolle. Hoe krijgen wij eerder invloed?")
    assert "Zwolle nergens" not in advice.text


def test_an_amount_and_a_person_asked_of_the_letter_are_read_as_the_letter_gives_them(
    both: Assistant,
) -> None:
    """The place in "how much did X pay" is the subject, and a table row's cell is its amount
    for the year of its column; the municipalities the letter lists are no person."""
    paid = both.ask("How much did Kooglust pay in 2023?", documents=[LETTER_ID])
    assert paid.answerability == "answer"
    nobody = both.ask("Wie is de directeur van het Bureau Jeugdregio Duinkust?")
    assert nobody.answerability == "partial"
    assert nobody.text.startswith("De documenten noemen hiervoor geen naam van een persoon.")


def test_a_count_the_letter_does_not_give_is_a_partial_answer(both: Assistant) -> None:
    """On the letter's subject, a number it does not give: not a refusal without sources, but
    first that the documents give no figure, then what they do say, with checked quotes."""
    answer = both.ask("Hoeveel jeugdzorgaanbieders heeft de jeugdregio gecontracteerd?")
    assert answer.answerability == "partial" and answer.refused
    assert answer.text.startswith("De documenten noemen hiervoor geen getal.")
    assert answer.citations and all(both.verify(c) for c in answer.citations)
    given = both.ask("Hoeveel inwoners hebben de vijf gemeenten samen?")
    assert given.answerability == "answer" and "117.790" in given.text


def test_a_motion_about_the_second_letter_cites_that_letter_and_names_it(both: Assistant) -> None:
    from assistant import motion_to_markdown

    motion = both.draft_motion("Stel een motie op over de solidariteitsregeling voor jeugdhulp")
    text = motion_to_markdown(motion, markers=False)
    assert motion.citations and all(both.verify(c) for c in motion.citations)
    # Its facts (sender, subject, kenmerk) come from that letter, never from the recipe's.
    facts = {c.doc_id for clause in motion.constaterende for c in clause.citations}
    assert facts == {LETTER_ID}
    assert "Z-2025-00418" in text and "1938042" not in text
    assert "Recept voor de toekomst" not in text.split("**Bronnen**")[0]
    assert "«Raadsinformatiebrief»" in text


def test_naming_a_document_names_none_of_its_sections(both: Assistant) -> None:
    """The letter's opening section carries the letter's title; naming the letter is no title
    match for it, and a short letter field that shares a related word ("brief" → "mail") does
    not outrank the chapter the question asks about."""
    field = both.ask("Wat is het kenmerk van de raadsinformatiebrief?")
    assert field.passages[0].chunk.title == "Brief: kenmerk"
    assert field.passages[0].chunk.doc_id == LETTER_ID
    chapter = both.ask("Wat zegt de raadsinformatiebrief over de aanleiding?")
    assert chapter.passages[0].chunk.title == "1. Aanleiding"


def test_a_field_asked_of_no_letter_in_particular_is_given_for_each_letter(
    both: Assistant,
) -> None:
    """Two letters, and the question names neither: each letter's kenmerk, each with its
    document, not one of them as if it were the only one."""
    answer = both.ask("Wat is het kenmerk van de brief?")
    fields = [c for c in answer.citations if c.title == "Brief: kenmerk"]
    assert {c.doc_id for c in fields} == {RECIPE_ID, LETTER_ID}
    assert all(both.verify(c) for c in answer.citations)


def test_a_field_both_letters_have_is_taken_from_the_letter_the_question_names(
    both: Assistant,
) -> None:
    """Both letters have a kenmerk: the field's words are shared, so the word only one letter
    has ("Duinwaarde") says whose kenmerk is asked for, also with the letter named in the
    frame ("staat in de brief")."""
    for question in (
        "Wat is het kenmerk van de brief van Duinwaarde?",
        "What is the reference number of the Duinwaarde letter?",
        "Welk kenmerk staat in de brief van Duinwaarde?",
    ):
        answer = both.ask(question)
        assert answer.citations[0].doc_id == LETTER_ID, question
        assert "Z-2025-00418" in answer.citations[0].quote


def test_example_questions_come_from_each_document(both: Assistant) -> None:
    examples = both.example_questions(8)
    assert "Geef alle ingrediënten" in examples  # the recipe profile's own
    made = [q for q in examples if q not in (both.profile_of[RECIPE_ID].examples)]  # type: ignore[union-attr]
    assert any("kenmerk" in q for q in made) and any(q.startswith("Stel een motie") for q in made)
    for q in made:
        answer = both.ask(q)
        assert not answer.refused, q
        assert LETTER_ID in docs_cited(answer), q
