"""The extractive answer: which sentences of the passages it quotes."""

from __future__ import annotations

from assistant.answering.compose import compose_answer
from recept.schema import Chunk, Passage


def passage(text: str, title: str = "Financiën") -> Passage:
    return Passage(Chunk("c", "d", "section", title, 0, len(text), text, text, ""), 1.0)


def test_the_best_sentence_is_quoted_with_the_one_that_completes_it() -> None:
    """A text states a point and gives its figure in the next sentence."""
    p = passage(
        "De regio liet een enquête uitzetten onder alle raadsleden. Daarvan vulden er 61 de "
        "vragenlijst in. Verder sprak het bureau met aanbieders."
    )
    draft = compose_answer("Wie vulden de enquête onder raadsleden in?", "nl", "factual", [p])
    assert "61" in draft.text
    assert "aanbieders" not in draft.text  # the sentence after that is not


def test_a_counted_sentence_is_quoted_with_the_one_after_it() -> None:
    p = passage(
        "Tussen 2022 en 2024 stegen de totale kosten met 22,2 procent. Voor Beekdal was de "
        "stijging 21,9 procent."
    )
    draft = compose_answer(
        "Met hoeveel procent stegen de kosten voor Beekdal?", "nl", "factual", [p]
    )
    assert "22,2" in draft.text and "21,9" in draft.text
    assert [c.quote for c in draft.citations][1].startswith("Voor Beekdal")


def test_an_amount_is_read_from_the_sentence_most_about_the_subject() -> None:
    """Of a passage's sentences with a number, the one most about the question's subject, not
    the first one."""
    from assistant.answering.compose import find_amount

    p = passage(
        "In 2024 waren er 19 dure trajecten in de regio. Als de regeling in 2024 al had "
        "gegolden, had Beekdal ongeveer € 284.000 meer betaald."
    )
    found = find_amount("How much would Beekdal have paid in 2024 under the regeling?", [p])
    assert found is not None and "284.000" in found[1]
