"""Answerability: on topic, but the kind of value asked for is not in what was found."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answering.answerability import asked_kind, kind_given, missing_kind, subject_words
from assistant.retrieval.bm25 import tokenize
from recept.schema import Chunk, Passage


def passage(text: str, title: str = "") -> Passage:
    return Passage(Chunk("c", "d", "section", title, 0, len(text), text, text, ""), 1.0)


def test_the_kind_asked_for_comes_from_general_interrogatives() -> None:
    assert asked_kind("Sinds wanneer bestaat de regeling?") == "date"
    assert asked_kind("In which year did the council decide?") == "date"
    assert asked_kind("Welk bedrag is er voor de pilot?") == "amount"
    assert asked_kind("How much money goes to the shared service?") == "amount"
    # A moment in a process, not a date.
    assert asked_kind("When should we involve the council?") == ""
    assert asked_kind("Hoe betrekken we de raad?") == ""


def test_a_value_counts_only_in_a_sentence_about_the_subject() -> None:
    found = [passage("De pilot start op 1 maart 2024. Over de evaluatie is nog niets besloten.")]
    vocab = set(tokenize("pilot start evaluatie besloten"))
    assert kind_given("Wanneer start de pilot?", "date", found, vocab)
    assert not kind_given("Wanneer is de evaluatie?", "date", found, vocab)
    # A word the documents never use (a typo) is no evidence against the subject.
    assert missing_kind("Wanneer start de pilott?", found, vocab) == ""
    assert missing_kind("Welk bedrag kost de evaluatie?", found, vocab) == "amount"


def test_a_value_must_be_about_most_of_the_subject_not_one_shared_word() -> None:
    found = [
        passage(
            "De provincie organiseerde op 26 oktober 2022 een conferentie. "
            "De evaluatie van de regeling volgt later."
        )
    ]
    vocab = set(tokenize("provincie organiseerde conferentie evaluatie regeling volgt later"))
    assert kind_given("Wanneer organiseerde de provincie de conferentie?", "date", found, vocab)
    # One shared word ("provincie") next to a date is not the date of the evaluation.
    assert not kind_given(
        "Wanneer volgt de evaluatie van de regeling in de provincie?", "date", found, vocab
    )


def test_the_interrogatives_of_a_sum_of_money() -> None:
    for q in (
        "Hoe hoog wordt de bijdrage van de gemeente?",
        "Wat heeft het onderzoek gekost?",
        "How much did the province pay for it?",
        "Wat kost een aansluiting?",
    ):
        assert asked_kind(q) == "amount", q
    assert asked_kind("Hoe hoog staat de samenwerking op de agenda?") == ""


@pytest.mark.model
def test_an_amount_the_recipe_never_gives_is_a_partial_answer(assistant: Assistant) -> None:
    answer = assistant.ask("Hoeveel subsidie krijgt een gemeente voor het ingrediënt Gunnen?")
    assert answer.answerability == "partial" and answer.refused
    assert answer.text.startswith("De documenten noemen hiervoor geen bedrag.")
    # … and then what the recipe does say about the subject, quoted and checked.
    assert answer.citations and all(assistant.verify(c) for c in answer.citations)
    assert any(c.title == "Gunnen" for c in answer.citations)


@pytest.mark.model
def test_a_date_the_letter_gives_is_answered(assistant: Assistant) -> None:
    answer = assistant.ask("Op welke datum is de brief verzonden?")
    assert answer.answerability == "answer" and not answer.refused
    assert "12 DEC. 2022" in answer.text


def test_two_questions_in_one_are_split_only_where_a_second_question_starts() -> None:
    from assistant.query.parts import split_parts

    assert split_parts("Wie schreef de brief en sinds wanneer is zij gedeputeerde?") == [
        "Wie schreef de brief?",
        "sinds wanneer is zij gedeputeerde?",
    ]
    assert len(split_parts("Which ingredient fits us? And how do we start?")) == 2
    # Coordinated nouns, a conjunction inside one question, too short a second part.
    assert len(split_parts("Wat zegt de brief over gemeenten en provincies?")) == 1
    assert len(split_parts("Hoe werken we samen, hoewel we klein zijn?")) == 1
    assert len(split_parts("Wat is Gunnen en hoe?")) == 1


@pytest.mark.model
def test_each_part_of_a_two_part_question_gets_its_own_citations(assistant: Assistant) -> None:
    answer = assistant.ask("Welk ingrediënt gaat over lef en hoeveel subsidie geeft de provincie?")
    first, second = answer.text.split("**2. ", 1)
    assert first.startswith("**1. Welk ingrediënt gaat over lef?**")
    assert answer.citations and all(f"[{c.n}]" in first for c in answer.citations)
    assert "Met een beetje lef" in {c.title for c in answer.citations}
    assert "niet" in second  # the amount is not in the recipe: said so, nothing cited for it
    assert answer.answerability == "partial" and answer.refused
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def named(
    text: str, title: str = "", kind: str = "section", speaker: str = "", embed: str = ""
) -> Passage:
    chunk = Chunk("c", "d", kind, title, 0, len(text), text, embed or text, "", speaker=speaker)
    return Passage(chunk, 1.0)


def test_who_holds_an_office_and_which_named_things_are_asked_as_names() -> None:
    assert asked_kind("Wie is de nieuwe voorzitter van de commissie?") == "person"
    assert asked_kind("Which alderman signed the covenant?") == "person"
    assert asked_kind("Welke vier gemeenten doen mee?") == "names"
    assert asked_kind("Which regions take part?") == "names"
    # No office or class of named things, or not asked: no kind.
    assert asked_kind("Aan wie is de brief van de gedeputeerde gericht?") == ""
    assert asked_kind("Welke maatregelen stelt het college voor?") == ""
    assert asked_kind("We weten niet voor welke wethouder we werken. Hoe lossen we dat op?") == ""
    assert asked_kind("How do we keep up with what neighbouring towns are doing?") == ""


def test_a_person_is_given_by_a_name_in_a_passage_about_the_office() -> None:
    vocab = set(tokenize("voorzitter commissie vergadert vier keer per jaar wethouder"))
    without = [named("De commissie heeft een voorzitter en vergadert vier keer per jaar.")]
    with_name = [named("Voorzitter van de commissie is Anna de Vries, wethouder van Ede.")]
    q = "Wie is de voorzitter van de commissie?"
    assert missing_kind(q, without, vocab) == "person"
    assert missing_kind(q, with_name, vocab) == ""
    # A quote's speaker is named by the passage too.
    quote = [named("Wij moeten samen optrekken.", "Citaat", "quote", speaker="Piet Bos")]
    asked = "Welke wethouder zei dat we samen moeten optrekken?"
    assert kind_given(asked, "person", quote, vocab | set(tokenize("samen optrekken")))


def test_names_of_a_list_need_two_names_not_counts_or_headings() -> None:
    vocab = set(tokenize("gemeenten regio negen provincie deel nemen sterke"))
    counted = [
        named("De provincie telt negen regio's en 44 gemeenten."),
        named("44 STERKE GEMEENTEN, 9 STERKE REGIO'S", "Slot"),
    ]
    listed = [named("Vijf gemeenten nemen deel: Aalburg, Beekdal, Zandwijk en Veldhoven.")]
    assert missing_kind("Welke gemeenten nemen deel?", counted, vocab) == "names"
    assert missing_kind("Welke gemeenten nemen deel?", listed, vocab) == ""
    # A table's rows name one thing each; together they are a list.
    rows = [
        named(f"| {n} | 12 |", "Tabel 1", "table", embed=f"Gemeenten die deel nemen. Gemeente: {n}")
        for n in ("Aalburg", "Beekdal")
    ]
    assert missing_kind("Welke gemeenten nemen deel?", rows, vocab) == ""
    # A name the question itself uses is not an answer to it.
    one = [named("Bij de conferentie in Haarlem namen gemeenten uit Noord-Holland deel.")]
    assert missing_kind("Which municipalities took part in Haarlem?", one, vocab) == "names"


def test_how_much_with_a_verb_of_paying_asks_for_an_amount() -> None:
    """The Dutch twins of "how much does … pay/receive" (already an amount question)."""
    assert asked_kind("Hoeveel betaalt de gemeente aan de regeling?") == "amount"
    assert asked_kind("Hoeveel krijgen de dorpen uit het fonds?") == "amount"
    # A count of things is no sum of money.
    assert asked_kind("Hoeveel gemeenten krijgen een bijdrage?") == ""


def test_a_follow_up_without_a_subject_of_its_own_asks_about_the_previous_one() -> None:
    found = [passage("De voorzitter van het bestuur is Anna Bos. Het fonds bestaat sinds 2019.")]
    vocab = set(tokenize("voorzitter bestuur anna bos fonds bestaat"))
    # "Sinds wanneer is zij dat?" has no subject words; the search query carries them.
    asked = "En sinds wanneer is zij dat al?"
    assert missing_kind(asked, found, vocab, context=f"{asked} voorzitter bestuur") == "date"
    assert missing_kind(asked, found, vocab, context=f"{asked} fonds bestaat") == ""


def test_a_name_the_documents_never_use_is_not_answered_by_other_names() -> None:
    found = [named("De burgemeester van Ede, Anna de Vries, opende de dag.")]
    vocab = set(tokenize("burgemeester ede anna vries opende dag"))
    assert missing_kind("Wie is de burgemeester van Ede?", found, vocab) == ""
    assert missing_kind("Wie is de burgemeester van Bloemendaal?", found, vocab) == "person"
    # Known to the documents, but not in the passage found: that passage is about another.
    other = [named("De burgemeester van Ede, Anna de Vries, opende de dag."), named("Zandvoort.")]
    assert missing_kind("Wie is de burgemeester van Zandvoort?", other[:1], vocab | {"zandvoort"})


def test_the_words_in_the_gap_of_an_interrogative_are_the_subject() -> None:
    """ "How much did Beekdal pay …": Beekdal is what the amount must be about, not part of the
    interrogative; a value next to another place does not answer it."""
    assert subject_words("How much did Beekdal pay in 2023?") == {"beekdal", "2023"}
    vocab = set(tokenize("beekdal aalburg betaalde bijdrage"))
    other = [named("Aalburg betaalde een bijdrage van € 4.000.")]
    right = [named("Beekdal betaalde een bijdrage van € 3.000.")]
    assert missing_kind("How much did Beekdal pay?", other, vocab) == "amount"
    assert missing_kind("How much did Beekdal pay?", right, vocab) == ""


def test_a_table_cell_is_an_amount_of_its_row_and_column() -> None:
    """The row's name and the column's label ("Bijdrage 2023") make the cell the amount asked
    for; a year in a label is no date."""
    embed = "Tabel 1. Gemeente: Beekdal; Bijdrage 2023: € 4.000; Bijdrage 2025: € 5.000"
    row = [named("| Beekdal | € 4.000 | € 5.000 |", "Tabel 1", "table", embed=embed)]
    vocab = set(tokenize("beekdal bijdrage gemeente 2023 2025 toegetreden"))
    assert missing_kind("Hoe hoog was de bijdrage van Beekdal in 2023?", row, vocab) == ""
    assert missing_kind("Wanneer is Beekdal toegetreden?", row, vocab) == "date"


def test_a_person_is_a_name_of_a_person_not_of_a_place_or_of_the_subject() -> None:
    vocab = set(tokenize("voorzitter bureau regio duinkust gemeenten deel nemen"))
    places = [named("Aan het Bureau Regio Duinkust nemen deel: Aalburg, Beekdal en Zandwijk.")]
    assert missing_kind("Wie is de voorzitter van het Bureau Regio Duinkust?", places, vocab)
    signed = [named("De voorzitter van het Bureau Regio Duinkust,\ndrs. H.J. (Hans) van der Plas")]
    assert not missing_kind("Wie is de voorzitter van het Bureau Regio Duinkust?", signed, vocab)
