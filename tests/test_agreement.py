"""A document nobody built the assistant for: the regional agreement in evals/documents/.

Articles with numbered members, lettered items and a table, with the generic profile only. The
questions are invented for these tests (not from its question sets)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROJECT, index_documents

from assistant import Assistant
from ingest.embed.st import SentenceTransformerEmbedder

pytestmark = pytest.mark.model

AGREEMENT = PROJECT / "evals" / "documents" / "samenwerkingsovereenkomst-energie-aldervaart.md"


@pytest.fixture(scope="module")
def agreement(
    tmp_path_factory: pytest.TempPathFactory,
    e5_model_dir: Path,
    e5_embedder: SentenceTransformerEmbedder,
) -> Iterator[Assistant]:
    data = tmp_path_factory.mktemp("agreement") / "data"
    settings = index_documents(data, e5_model_dir, e5_embedder, [AGREEMENT])
    yield Assistant.from_settings(settings, embedder=e5_embedder)


def test_a_numbered_member_is_quoted_whole_and_alone(agreement: Assistant) -> None:
    answer = agreement.ask("Wat staat er in artikel 12 over geschillen?")
    assert answer.answerability == "answer"
    quotes = [c.quote for c in answer.citations]
    assert quotes and all(agreement.verify(c) for c in answer.citations)
    # The old splitter glued the next member's number to a sentence ("… overleg. 2.") and
    # quoted a bare "1." on its own.
    assert not any(re.search(r"\s\d{1,2}\.$", q) or re.fullmatch(r"\d{1,2}\.", q) for q in quotes)
    assert any(q.startswith("1. Bij een geschil") for q in quotes)


def test_an_article_of_the_document_itself_is_no_missing_law(agreement: Assistant) -> None:
    here = agreement.ask("What does article 14 say about how long the agreement runs?")
    assert here.answerability == "answer"
    assert "Artikel 14" in here.passages[0].chunk.title
    absent = agreement.ask("Wat regelt artikel 40 van deze overeenkomst?")
    assert absent.answerability == "decline"


def test_its_own_fields_and_example_questions_name_it_as_a_document(agreement: Assistant) -> None:
    answer = agreement.ask("Wat is het kenmerk van het document?")
    assert answer.passages[0].chunk.kind == "letter_meta"
    assert "RA/2026/0418" in answer.text
    examples = agreement.example_questions(4)
    # Not a letter: no "de brief"; its articles are its numbered chapters.
    assert examples and not any("de brief" in q for q in examples)
    assert any("Artikel" in q or "artikel" in q for q in examples)
    for q in examples:
        assert not agreement.ask(q).refused, q
