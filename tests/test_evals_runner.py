"""The eval runner with a fake assistant (evals/runner.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evals.cases import EvalCase
from evals.runner import read_answers, run_eval, write_answers
from recept.errors import InputError
from recept.schema import Answer, Chunk, Citation, Message, Passage


def chunk(i: int, text: str, title: str = "") -> Chunk:
    return Chunk(
        f"c{i}",
        "doc",
        "ingredient",
        title or f"T{i}",
        i * 100,
        i * 100 + len(text),
        text,
        text,
        f"h{i}",
    )


CHUNKS = [chunk(i, f"Passage nummer {i}.") for i in range(8)]


def fake_ask(question: str, history: Sequence[Message]) -> Answer:
    if question == "te lang":
        raise InputError("De vraag is te lang.")
    passages = [Passage(c, score=1.0 - i / 10, rank=i + 1) for i, c in enumerate(CHUNKS)]
    cited = CHUNKS[2]
    citation = Citation(1, cited.id, "doc", cited.kind, cited.title, "nummer 2", 210, 218)
    return Answer(
        question=question,
        text=f"Antwoord op {question} na {len(history)} beurten [1].",
        citations=[citation],
        passages=passages,
        refused=False,
        language="nl",
        engine="fake",
        timings={"total": 42.0},
        search_query=question + "!",
    )


CASES = [
    EvalCase("a", "Vraag A", "nl", "factual", True, gold=("nummer 2",)),
    EvalCase(
        "b",
        "Vraag B",
        "en",
        "followup",
        True,
        history=({"role": "user", "content": "eerst"}, {"role": "assistant", "content": "ok"}),
    ),
    EvalCase("c", "te lang", "nl", "out_of_scope", False),
]


def test_records_hold_what_metrics_need() -> None:
    seen: list[tuple[int, int, str]] = []
    records = run_eval(fake_ask, CASES, on_progress=lambda i, n, r: seen.append((i, n, r.id)))
    assert seen == [(1, 3, "a"), (2, 3, "b"), (3, 3, "c")]
    a, b, c = records
    assert (a.id, a.type, a.lang, a.refused, a.latency_ms) == ("a", "factual", "nl", False, 42.0)
    assert len(a.retrieved) >= 5
    assert a.retrieved[0] == {
        "text": "Passage nummer 0.",
        "section": "ingredient: T0",
        "score": 1.0,
        "rank": 1,
        "chunk_id": "c0",
    }
    assert a.citations[0]["n"] == 1
    assert a.citations[0]["quote"] == "nummer 2"
    assert a.citations[0]["section"] == "ingredient: T2"
    assert a.citations[0]["passage"] == "Passage nummer 2."
    assert a.search_query == "Vraag A!"
    assert "na 2 beurten" in b.answer  # history is passed on
    assert c.refused and c.error == "De vraag is te lang." and c.answer == ""


def test_latency_falls_back_to_wall_clock() -> None:
    def no_timings(q: str, h: Sequence[Message]) -> Answer:
        ans = fake_ask(q, h)
        ans.timings = {}
        return ans

    [r] = run_eval(no_timings, CASES[:1])
    assert 0 <= r.latency_ms < 1000


def test_answers_file_round_trips(tmp_path: Path) -> None:
    records = run_eval(fake_ask, CASES)
    path = write_answers(tmp_path / "sub" / "answers.jsonl", records)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert read_answers(path) == records


def test_conversation_turns_are_replayed_with_the_assistants_own_answers() -> None:
    seen: list[list[Message]] = []

    def ask(question: str, history: Sequence[Message]) -> Answer:
        seen.append(list(history))
        return Answer(question, f"antwoord op {question}", [], [], False, "nl", "extractive")

    cases = [
        EvalCase("a", "eerste", "nl", "factual", True, conv="c", turn=1),
        EvalCase("x", "los", "nl", "factual", True),
        EvalCase("b", "tweede", "nl", "followup", True, conv="c", turn=2),
    ]
    records = run_eval(ask, cases)
    assert seen[1] == []
    assert seen[2] == [
        {"role": "user", "content": "eerste"},
        {"role": "assistant", "content": "antwoord op eerste"},
    ]
    assert [r.answerability for r in records] == ["answer"] * 3
