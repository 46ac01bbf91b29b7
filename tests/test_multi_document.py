"""Two documents in one index: the recipe and a council information letter (corpus-extra/).

Each document is searched by its own pipeline; the recipe keeps its learned parts, the letter
gets none; answers cite the document they are about, and a search can be limited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, PROJECT, link_models

from assistant import Assistant
from ingest.embed.st import SentenceTransformerEmbedder
from recept.errors import InputError
from recept.settings import Settings

pytestmark = pytest.mark.model

LETTER = PROJECT / "corpus-extra" / "raadsinformatiebrief-duinwaarde.md"
RECIPE_ID, LETTER_ID = "recept-voor-de-toekomst", "raadsinformatiebrief-duinwaarde"


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory,
    e5_model_dir: Path,
    e5_embedder: SentenceTransformerEmbedder,
) -> Iterator[Assistant]:
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaCatalog

    data = tmp_path_factory.mktemp("two-docs") / "data"
    link_models(data, e5_model_dir)
    settings = Settings.load(env={}, overrides={"data_dir": str(data), "corpus_dir": str(CORPUS)})
    Ingestor(
        ChromaCatalog.from_settings(settings), e5_embedder, lock_path=data / "ingest.lock"
    ).run([CORPUS, LETTER], sync=True)
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
