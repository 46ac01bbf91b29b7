"""Choosing and running embedders; the real e5 and MiniLM models under the ``model`` marker."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import ingest.embed.embedder as embedder_mod
from ingest.embed.embedder import (
    Embedder,
    HashEmbedder,
    ModelSpec,
    SentenceTransformerEmbedder,
    load_embedder,
    resolve_model,
)
from ingest.embed.onnx import OnnxEmbedder
from recept.errors import ModelError
from recept.settings import Settings

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "recept-voor-de-toekomst.md"
QUERY = "Hoe betrek ik de gemeenteraad vroeg bij regionale samenwerking?"
RIGHT = (
    "Informeel elkaar in een vroegtijdig stadium en betrek de betrokken partijen. Neem vooral "
    "ook zo snel mogelijk de raad mee in het belang van de samenwerking."
)
WRONG = [
    "Luister en verplaats je in elkaars situatie. Laat wet- en regelgeving niet het einde van "
    "het gesprek zijn.",
    "Soms breekt nood wet en blijkt dat er veel meer kon dan eerder voor mogelijk werd "
    "gehouden. Evalueer en trek de lessen uit zo'n situatie.",
]


def settings(tmp_path: Path, model: str) -> Settings:
    return Settings.load(env={}, overrides={"data_dir": str(tmp_path), "embedding_model": model})


def paragraphs() -> list[str]:
    return [p.strip() for p in CORPUS.read_text("utf-8").split("\n\n") if p.strip()]


def norm(v: list[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


# --- the fake ------------------------------------------------------------------------------


def test_hash_embedder_is_deterministic_unit_length_and_word_based() -> None:
    e: Embedder = HashEmbedder()
    a, b, c = e.embed_documents(["De raad betrekken", "de RAAD betrekken!", "Kijk naar buiten"])
    assert a == b and len(a) == e.dim == 64
    assert norm(a) == pytest.approx(1.0)
    assert np.dot(e.embed_query("raad"), a) > np.dot(e.embed_query("raad"), c)
    assert e.embed_queries(["raad", "buiten"]) == [e.embed_query("raad"), e.embed_query("buiten")]
    assert HashEmbedder().embed_query("raad") == e.embed_query("raad")  # no per-process salt


def test_hash_embedder_records_what_it_embedded() -> None:
    e = HashEmbedder(dim=8, name="fake")
    e.embed_documents(["a", "b"])
    e.embed_query("not a document")
    assert e.embedded == ["a", "b"] and e.name == "fake" and e.dim == 8


# --- resolving settings to a folder ----------------------------------------------------------


def test_e5_small_lives_under_the_data_dir_with_e5_prompts(tmp_path: Path) -> None:
    spec = resolve_model(settings(tmp_path, "e5-small"))
    assert spec == ModelSpec(
        "e5-small", tmp_path / "models" / "multilingual-e5-small", "query: ", "passage: ", True
    )
    assert not spec.present


def test_minilm_comes_from_its_package_without_prompts(tmp_path: Path) -> None:
    spec = resolve_model(settings(tmp_path, "minilm"))
    assert spec.name == "minilm" and spec.present and not spec.buildable
    assert (spec.query_prompt, spec.passage_prompt) == ("", "")


def test_a_local_folder_is_named_by_its_path_and_keeps_its_prompts(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "modules.json").write_text("[]")
    prompts = {"prompts": {"query": "vraag: ", "document": "tekst: "}}
    (folder / "config_sentence_transformers.json").write_text(json.dumps(prompts))
    spec = resolve_model(settings(tmp_path, str(folder)))
    assert spec == ModelSpec(str(folder.resolve()), folder.resolve(), "vraag: ", "tekst: ")


def test_an_unknown_model_is_refused_without_downloading(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="niets gedownload"):
        resolve_model(settings(tmp_path, "intfloat/multilingual-e5-small"))


def test_load_embedder_without_build_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="recept models build"):
        load_embedder(settings(tmp_path, "e5-small"), build=False)


def test_load_embedder_builds_a_missing_e5_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Path] = []
    exported: list[Path] = []
    monkeypatch.setattr(embedder_mod, "build_e5_small", lambda target: built.append(target))
    monkeypatch.setattr(embedder_mod, "export_onnx", lambda target: exported.append(target))
    e = load_embedder(settings(tmp_path, "e5-small"))
    assert built == exported == [tmp_path / "models" / "multilingual-e5-small"]
    assert isinstance(e, OnnxEmbedder)
    assert (e.name, e.query_prompt, e.passage_prompt) == ("e5-small", "query: ", "passage: ")


def test_sentence_transformer_embedder_is_lazy_and_fails_in_dutch(tmp_path: Path) -> None:
    e = SentenceTransformerEmbedder(tmp_path / "nothing", "x")
    assert e.embed_documents([]) == [] and e.embed_queries([]) == []  # nothing loaded
    with pytest.raises(ModelError, match="Er wordt niets gedownload"):
        e.embed_query("vraag")


# --- real models -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_vectors(e5_embedder: SentenceTransformerEmbedder) -> tuple[list[str], np.ndarray]:
    """The corpus paragraphs and their e5 vectors, embedded once for this module."""
    paras = paragraphs()
    return paras, np.array(e5_embedder.embed_documents(paras))


@pytest.mark.model
def test_e5_gives_384_dim_unit_vectors_with_prompts(
    e5_embedder: SentenceTransformerEmbedder,
) -> None:
    assert e5_embedder.dim == 384
    [doc] = e5_embedder.embed_documents([QUERY])
    query = e5_embedder.embed_query(QUERY)
    assert len(query) == 384 and norm(query) == pytest.approx(1.0, abs=1e-5)
    assert e5_embedder.embed_queries([QUERY])[0] == pytest.approx(query, abs=1e-5)
    assert np.dot(query, doc) < 0.999  # "query: " and "passage: " prompts both applied


@pytest.mark.model
def test_e5_ranks_the_right_dutch_passage_above_distractors(
    e5_embedder: SentenceTransformerEmbedder, corpus_vectors: tuple[list[str], np.ndarray]
) -> None:
    query = np.array(e5_embedder.embed_query(QUERY))
    right, *wrong = np.array(e5_embedder.embed_documents([RIGHT, *WRONG]))
    assert 0.85 < float(query @ right) < 0.92  # e5 cosines sit high: rank, don't threshold
    assert all(float(query @ right) > float(query @ w) + 0.03 for w in wrong)

    # Among all paragraphs, the one holding that passage comes first (just ahead of "Blik naar
    # buiten", which is about council members in the region: close, and rightly so).
    paras, docs = corpus_vectors
    best = paras[int(np.argmax(docs @ query))]
    assert "zo snel mogelijk de raad mee" in best


# (question, a phrase of the paragraph that answers it); e5 ranks each first on this corpus.
QUESTIONS = [
    ("Wat betekent het ezelsbruggetje ANNA?", "ANNA (altijd nagaan"),
    ("Hoe bouw je vertrouwen op tussen gemeenten?", "Bouw aan onderlinge relaties"),
    ("Hoe voorkom je het Calimero-effect?", "Vermijd het Calimero-effect"),
    ("Wie maakte de illustraties?", "tekende de illustraties"),
    ("Hoe kom je van praten tot concrete afspraken?", "niet hangen in denken en praten"),
    ("Hoeveel mensen deden mee aan de conferentie?", "gevoerd door ongeveer 100 deelnemers"),
    ("Welke opgaven houden niet op bij de gemeentegrens?", "klimaatcrisis, huisvesting"),
    ("Waarom is het belangrijk om je eigen capaciteit te kennen?", "wat je capaciteit is"),
]


@pytest.mark.model
def test_e5_finds_answers_across_the_corpus(
    e5_embedder: SentenceTransformerEmbedder, corpus_vectors: tuple[list[str], np.ndarray]
) -> None:
    paras, docs = corpus_vectors
    queries = np.array(e5_embedder.embed_queries([q for q, _ in QUESTIONS]))
    ranks = []
    for (_question, phrase), scores in zip(QUESTIONS, queries @ docs.T, strict=True):
        order = [paras[i] for i in np.argsort(-scores)]
        ranks.append(next(r for r, p in enumerate(order, 1) if phrase in p))
    assert all(r <= 3 for r in ranks), ranks
    assert sum(r == 1 for r in ranks) >= len(QUESTIONS) - 1, ranks


@pytest.mark.model
def test_e5_can_be_called_from_many_threads(e5_embedder: SentenceTransformerEmbedder) -> None:
    """Gradio serves requests on threads; a shared fast tokenizer must not fail."""
    questions = [f"Vraag {i}: hoe werken gemeenten samen in de regio?" for i in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        vectors = list(pool.map(e5_embedder.embed_query, questions))
    assert all(len(v) == 384 for v in vectors)
    assert vectors[3] == pytest.approx(e5_embedder.embed_query(questions[3]), abs=1e-5)


@pytest.mark.model
def test_load_embedder_finds_a_built_e5_without_building(
    e5_model_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "multilingual-e5-small").symlink_to(e5_model_dir)
    e = load_embedder(settings(tmp_path, "e5-small"), build=False)
    assert e.name == "e5-small"


@pytest.mark.model
def test_minilm_loads_and_embeds(tmp_path: Path) -> None:
    e = load_embedder(settings(tmp_path, "minilm"))
    assert (e.name, e.dim) == ("minilm", 384)
    [v] = e.embed_documents(["Sterke gemeenten, sterke regio's"])
    assert norm(v) == pytest.approx(1.0, abs=1e-5)
