"""The query adapter: the map, its fitting, the model file, and when the assistant uses it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.api import Assistant
from assistant.retrieval.adapter import QueryAdapter, fit, load_adapter
from assistant.retrieval.retrieve import HybridRetriever
from profiles.recipe import ADAPTER
from recept.errors import ConfigError


def test_apply_returns_a_unit_vector_moved_by_the_map() -> None:
    adapter = QueryAdapter([[0.0, 0.0], [1.0, 0.0]], {})  # adds the first coordinate to the second
    out = adapter.apply([1.0, 0.0])
    assert out == pytest.approx([2**-0.5, 2**-0.5])
    assert np.linalg.norm(out) == pytest.approx(1.0)


def test_fit_moves_questions_to_their_gold_passage_and_l2_keeps_the_map_small() -> None:
    rng = np.random.default_rng(0)
    passages = np.eye(4)
    # Questions lean towards passage 0 but their answer is passage 1 (or 2 for the last ones).
    raw = np.array([[0.9, 0.4, 0.1, 0.0]] * 6 + [[0.9, 0.0, 0.4, 0.1]] * 6)
    raw += rng.normal(0, 0.02, raw.shape)
    questions = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    gold = np.zeros((12, 4))
    gold[:6, 1] = gold[6:, 2] = 1
    before = np.argmax(questions @ passages.T, axis=1)
    assert (before == 0).all()
    a = fit(questions, gold, passages, temperature=0.1, l2=0.01)
    after = np.argmax((questions + questions @ a.T) @ passages.T, axis=1)
    assert after.tolist() == [1] * 6 + [2] * 6
    strong = fit(questions, gold, passages, temperature=0.1, l2=100.0)
    assert np.abs(strong).sum() < np.abs(a).sum()


def test_questions_without_gold_teach_nothing() -> None:
    q = np.array([[1.0, 0.0]])
    a = fit(np.vstack([q, [[0.0, 1.0]]]), [[0.0, 1.0], [0.0, 0.0]], np.eye(2), l2=0.1)
    b = fit(q, [[0.0, 1.0]], np.eye(2), l2=0.1)
    assert np.allclose(a, b)


def test_file_round_trip_and_corpus_match(tmp_path: Path) -> None:
    adapter = QueryAdapter(np.full((3, 3), 0.01), {"documents": ["b", "a"], "model": "e5-small"})
    adapter.save(tmp_path / "a.npz")
    back = load_adapter(tmp_path / "a.npz")
    assert np.allclose(back.matrix, adapter.matrix, atol=1e-4)
    assert back.matches(["a", "b"], "e5-small")
    assert not back.matches(["a"], "e5-small")
    assert not back.matches(["a", "b"], "minilm")


def test_a_missing_or_broken_file_is_a_clear_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="RECEPT_QUERY_ADAPTER=off"):
        load_adapter(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="profiles.recipe.train"):
        load_adapter(tmp_path / "bad.npz")


def test_the_shipped_adapter_is_for_the_recipe_and_was_validated_on_a_set_it_never_saw() -> None:
    info = load_adapter(ADAPTER).info
    assert info["validated_on"] and not set(info["validated_on"]) & set(info["trained_on"])
    assert all(info[name]["adapter+learned"]["n"] > 0 for name in info["validated_on"])
    assert len(info["documents"]) == 1


def only_document(assistant: Assistant) -> HybridRetriever:
    [retriever] = assistant.retriever.per_document.values()
    return retriever


@pytest.mark.model
def test_the_assistant_uses_the_adapter_only_for_its_own_corpus(assistant: Assistant) -> None:
    assert only_document(assistant).adapter is not None  # the recipe index, e5-small
    off = Assistant.from_settings(
        replace(assistant.settings, query_adapter="off"), embedder=assistant.retriever.embedder
    )
    assert only_document(off).adapter is None
    # Another document is never searched with it (tests/test_multi_document.py: both at once).
    docs = {**assistant.manifest["documents"], "other": {"sha256": "0" * 64}}
    assert not load_adapter(ADAPTER).matches([d["sha256"] for d in docs.values()], "e5-small")


@pytest.mark.model
def test_relevance_is_judged_on_the_plain_question_vector(assistant: Assistant) -> None:
    """The adapter reorders passages; the best cosine that refusal reads stays the plain one."""
    retriever = only_document(assistant)
    question = "Hoe voorkomen we dat de regio alleen maar praat en niets doet?"
    qvec = retriever.embedder.embed_query(question)
    _, near = retriever.search_detailed(question, 5, qvec=qvec)
    plain = [s for c, s in retriever.store.query(qvec, 30) if c.id not in retriever.dense_excluded]
    assert near.plain == pytest.approx(plain[0])
    assert retriever.adapter is not None and near.adapted is not None
    adapted_vec = retriever.adapter.apply(qvec)
    adapted = retriever.signals(question, adapted_vec)
    assert near.adapted[0] == adapted_vec
    assert max(s.dense for s in adapted.values() if s.dense is not None) == near.adapted[1]
    assert near.adapted[1] != pytest.approx(near.plain)
