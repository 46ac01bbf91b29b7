"""Model-judged faithfulness and relevance with a fake chat model (evals/judge.py)."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from evals.judge import LABEL, chat_model_from_settings, judge_records
from evals.runner import EvalRecord
from recept.errors import ConfigError
from recept.settings import Settings


def record(rid: str, answer: str, refused: bool = False) -> EvalRecord:
    return EvalRecord(
        rid,
        "factual",
        "nl",
        f"Vraag {rid}?",
        answer,
        refused,
        1.0,
        citations=[{"n": 1, "quote": "altijd nagaan", "section": "s"}],
    )


def test_judge_scores_statements_and_relevance() -> None:
    replies = [
        '[{"statement": "ANNA betekent altijd nagaan", "supported": true},'
        ' {"statement": "het komt uit 1990", "supported": false}]',
        "4",
        "Ik weet het niet.",  # unparsable faithfulness reply
        "Score: 2",
    ]
    model = FakeListChatModel(responses=replies)
    records = [
        record("a", "ANNA betekent altijd nagaan [1], sinds 1990."),
        record("b", "Iets anders."),
        record("c", "Geweigerd.", refused=True),
    ]
    seen: list[tuple[int, int]] = []
    out = judge_records(records, model, on_progress=lambda i, n: seen.append((i, n)))
    assert seen == [(1, 2), (2, 2)]  # refused answers are not judged
    assert out["label"] == LABEL == "model-judged"
    assert out["faithfulness"] == 0.5 and out["faithfulness_n"] == 1
    assert out["answer_relevance"] == 3.0 and out["relevance_n"] == 2
    assert out["unparsed"] == 1
    assert out["per_case"]["a"]["unsupported"] == ["het komt uit 1990"]
    assert out["per_case"]["b"]["faithfulness"] is None
    assert model.i == 0  # all four queued replies were used (the fake cycles)


def test_judge_needs_a_configured_llm() -> None:
    with pytest.raises(ConfigError, match="RECEPT_LLM_MODEL"):
        chat_model_from_settings(Settings.load(env={}))
    with pytest.raises(ConfigError, match="RECEPT_LLM_BASE_URL"):
        chat_model_from_settings(Settings.load(env={"RECEPT_LLM_MODEL": "m"}))


def test_judge_model_is_built_offline_from_settings() -> None:
    env = {"RECEPT_LLM_MODEL": "qwen", "RECEPT_LLM_BASE_URL": "http://127.0.0.1:9/v1"}
    model = chat_model_from_settings(Settings.load(env=env), engine="openai")
    assert type(model).__name__ == "ChatOpenAI"
    model = chat_model_from_settings(Settings.load(env=env), engine="ollama")
    assert type(model).__name__ == "ChatOllama"
