"""Optional, model-judged scores (Ragas-style). Reported apart and labelled "model-judged".

- faithfulness: the answer is split into statements by the judge model, which marks each as
  supported or not by the answer's *cited quotes*; the score is the supported share.
- answer relevance: the judge rates 1–5 how directly the answer addresses the question.

Refused answers are not judged. A judge reply that cannot be parsed is counted in
``unparsed`` and left out of the averages. These numbers depend on the judge model: use them
to compare runs with the same judge, never as ground truth.

>>> parse_verdicts('Sure: [{"statement": "a", "supported": true}, '
...                '{"statement": "b", "supported": false}]')
[('a', True), ('b', False)]
>>> parse_rating("Score: 4"), parse_rating("geen idee")
(4, None)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from evals.runner import EvalRecord
from recept.errors import ConfigError
from recept.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

LABEL = "model-judged"

FAITHFULNESS_PROMPT = """You check whether an answer is supported by quoted source passages.
The texts may be in Dutch. Split the ANSWER into its separate factual statements (ignore
citation markers like [1] and polite filler). For each statement decide whether the QUOTES
support it. Reply with JSON only, a list like:
[{{"statement": "...", "supported": true}}]

QUOTES:
{quotes}

ANSWER:
{answer}
"""

RELEVANCE_PROMPT = """Rate how well the ANSWER addresses the QUESTION, from 1 (not at all)
to 5 (fully and directly). Judge relevance only, not correctness. The texts may be in Dutch.
Reply with one digit.

QUESTION: {question}

ANSWER: {answer}
"""


def parse_verdicts(text: str) -> list[tuple[str, bool]] | None:
    """The (statement, supported) pairs in a judge reply, or None if there are none."""
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    if not isinstance(data, list):
        return None
    out = [
        (str(item.get("statement", "")), item["supported"])
        for item in data
        if isinstance(item, dict) and isinstance(item.get("supported"), bool)
    ]
    return out or None


def parse_rating(text: str) -> int | None:
    """The first digit 1–5 standing on its own in a reply."""
    m = re.search(r"(?<![\d.,])([1-5])(?![\d.,]\d)", text)
    return int(m.group(1)) if m else None


def _invoke(model: BaseChatModel, prompt: str) -> str:
    reply = model.invoke(prompt)
    return str(reply.text)


def model_name(model: BaseChatModel) -> str:
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return str(model._llm_type)


def judge_records(
    records: Sequence[EvalRecord],
    model: BaseChatModel,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Judge every answered record; returns the ``model_judged`` block of the metrics."""
    todo = [r for r in records if not r.refused and r.answer.strip()]
    faith: list[float] = []
    ratings: list[int] = []
    unparsed = 0
    per_case: dict[str, dict[str, Any]] = {}
    for i, r in enumerate(todo, start=1):
        quotes = "\n".join(f'[{c["n"]}] "{c["quote"]}"' for c in r.citations) or "(none)"
        verdicts = parse_verdicts(
            _invoke(model, FAITHFULNESS_PROMPT.format(quotes=quotes, answer=r.answer))
        )
        rating = parse_rating(
            _invoke(model, RELEVANCE_PROMPT.format(question=r.question, answer=r.answer))
        )
        case: dict[str, Any] = {"faithfulness": None, "relevance": rating, "unsupported": []}
        if verdicts is None:
            unparsed += 1
        else:
            score = sum(ok for _, ok in verdicts) / len(verdicts)
            faith.append(score)
            case["faithfulness"] = round(score, 4)
            case["unsupported"] = [s for s, ok in verdicts if not ok]
        if rating is None:
            unparsed += 1
        else:
            ratings.append(rating)
        per_case[r.id] = case
        if on_progress is not None:
            on_progress(i, len(todo))
    return {
        "label": LABEL,
        "model": model_name(model),
        "faithfulness": round(sum(faith) / len(faith), 4) if faith else None,
        "faithfulness_n": len(faith),
        "answer_relevance": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "relevance_n": len(ratings),
        "unparsed": unparsed,
        "per_case": per_case,
    }


def chat_model_from_settings(settings: Settings, engine: str | None = None) -> BaseChatModel:
    """A judge model from the LLM settings: Ollama, or any OpenAI-compatible server."""
    kind = engine if engine in ("ollama", "openai") else settings.engine
    if kind not in ("ollama", "openai"):
        kind = "openai"
    if not settings.llm_model:
        raise ConfigError(
            "Voor --judge is een LLM nodig: stel RECEPT_LLM_MODEL (en RECEPT_LLM_BASE_URL) in."
        )
    kwargs: dict[str, Any] = {"model": settings.llm_model, "temperature": 0.0}
    if kind == "ollama":
        from langchain_ollama import ChatOllama

        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        kwargs["client_kwargs"] = {"timeout": settings.llm_timeout}
        return ChatOllama(**kwargs)
    from langchain_openai import ChatOpenAI

    if not settings.llm_base_url:
        raise ConfigError(
            "Voor --judge met een OpenAI-compatibele server: zet RECEPT_LLM_BASE_URL."
        )
    kwargs.update(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout,
        max_retries=1,
    )
    return ChatOpenAI(**kwargs)
