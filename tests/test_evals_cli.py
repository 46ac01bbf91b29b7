"""`recept eval` through click's CliRunner, with a fake assistant."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import cli, eval_cmd
from recept.errors import InputError
from recept.schema import Answer, Chunk, Citation, Message, Passage
from recept.settings import Settings

SOURCE = "Check: ANNA (altijd nagaan, nooit aannemen).\n\nDoen: kom tot afspraken."
CHUNKS = [
    Chunk("c1", "doc", "ingredient", "Check", 0, 44, SOURCE[0:44], SOURCE[0:44], "h1"),
    Chunk("c2", "doc", "ingredient", "Doen", 46, 70, SOURCE[46:70], SOURCE[46:70], "h2"),
]


class FakeAssistant:
    def __init__(self, bad_quote: bool = False) -> None:
        self.bad_quote = bad_quote
        self.asked: list[tuple[str, int]] = []

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        self.asked.append((question, len(history)))
        passages = [Passage(c, 1.0 / (i + 1), rank=i + 1) for i, c in enumerate(CHUNKS)]
        if "weer" in question:
            return Answer(
                question,
                "Dat staat niet in het recept.",
                [],
                passages,
                True,
                "nl",
                "fake",
                {"total": 3.0},
            )
        quote = "altijd verzonnen" if self.bad_quote else "altijd nagaan"
        cit = Citation(1, "c1", "doc", "ingredient", "Check", quote, 13, 26)
        return Answer(
            question,
            "ANNA: altijd nagaan [1].",
            [cit],
            passages,
            False,
            "nl",
            "fake",
            {"total": 7.0},
        )

    def document_text(self, doc_id: str) -> str:
        assert doc_id == "doc"
        return SOURCE

    def corpus_chunks(self) -> list[Chunk]:
        return list(CHUNKS)


QUESTIONS = [
    {
        "id": "anna",
        "question": "Wat is ANNA?",
        "lang": "nl",
        "type": "factual",
        "answerable": True,
        "gold": ["altijd nagaan"],
        "must_all": ["nagaan"],
    },
    {
        "id": "vervolg",
        "question": "En verder?",
        "lang": "nl",
        "type": "followup",
        "answerable": True,
        "gold": ["nooit aannemen"],
        "history": [
            {"role": "user", "content": "Wat is ANNA?"},
            {"role": "assistant", "content": "Altijd nagaan."},
        ],
    },
    {
        "id": "weer",
        "question": "Wat voor weer wordt het?",
        "lang": "nl",
        "type": "out_of_scope",
        "answerable": False,
    },
]


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    p = tmp_path / "vragen.jsonl"
    p.write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n", encoding="utf-8")
    return p


def use_fake(monkeypatch: pytest.MonkeyPatch, fake: FakeAssistant) -> list[str | None]:
    engines: list[str | None] = []

    def load(settings: Settings, engine: str | None) -> FakeAssistant:
        engines.append(engine)
        return fake

    monkeypatch.setattr(eval_cmd, "_load_assistant", load)
    return engines


def run(tmp_path: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), "eval", *args])


def test_eval_prints_metrics_and_writes_answers_and_report(
    tmp_path: Path, questions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeAssistant()
    engines = use_fake(monkeypatch, fake)
    result = run(
        tmp_path,
        "--questions",
        str(questions),
        "--engine",
        "extractive",
        "--out",
        str(tmp_path / "a.jsonl"),
        "--report",
        str(tmp_path / "rapport"),
        "--gate",
    )
    assert result.exit_code == 0, result.output
    assert engines == ["extractive"]
    assert fake.asked == [("Wat is ANNA?", 0), ("En verder?", 2), ("Wat voor weer wordt het?", 0)]
    assert "[  3/3] weer" in result.stderr
    assert "Retrieval (n=2):   hit@1 1.00" in result.stdout
    assert "Citaten letterlijk:     100% (2/2)" in result.stdout
    assert "Alle drempels gehaald." in result.stdout
    assert len((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert (tmp_path / "rapport" / "report.html").is_file()
    assert (tmp_path / "rapport" / "metrics-per-type.png").is_file()


def test_gate_fails_on_an_unverifiable_quote(
    tmp_path: Path, questions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake(monkeypatch, FakeAssistant(bad_quote=True))
    limits = tmp_path / "drempels.json"
    limits.write_text(json.dumps({"min": {"retrieval.hit@1": 0.0}}), encoding="utf-8")
    result = run(tmp_path, "--questions", str(questions), "--gate", "--thresholds", str(limits))
    assert result.exit_code == 1
    assert "Drempel niet gehaald" in result.stderr
    assert "citations.quote_validity = 0.0, minimaal 1.0 vereist (altijd)" in result.stderr


def test_baseline_comparison_is_printed(
    tmp_path: Path, questions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake(monkeypatch, FakeAssistant())
    seen: list[list[str]] = []

    def fake_baselines(documents: list[str], cases: Any) -> dict[str, Any]:
        seen.append(documents)
        r = {"n": 2, "hit@1": 0.5, "hit@3": 1.0, "hit@5": 1.0, "mrr": 0.75}
        return {"bm25": {"label": "BM25 nep", "retrieval": r, "rankings": {}, "chunks": 1}}

    monkeypatch.setattr("evals.baselines.run_baselines", fake_baselines)
    result = run(tmp_path, "--questions", str(questions), "--baseline")
    assert result.exit_code == 0, result.output
    assert seen == [[SOURCE]]
    assert "Retrieval tegenover baselines:" in result.stdout
    assert "BM25 nep" in result.stdout


def test_bad_question_file_is_one_dutch_error(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = run(tmp_path, "--questions", str(bad))
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert "regel 1: 'question' ontbreekt" in result.exception.message


def test_drafts_from_feedback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    line = {"question": "Wat is ANNA?", "answer": "?", "rating": "down", "comment": "fout"}
    (data / eval_cmd.FEEDBACK_FILE).write_text(json.dumps(line) + "\n", encoding="utf-8")
    out = tmp_path / "drafts.jsonl"
    result = run(tmp_path, "--from-feedback", "--drafts-out", str(out))
    assert result.exit_code == 0, result.output
    assert "1 concept(en)" in result.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "TODO"
    result = run(tmp_path, "--from-feedback", str(data / eval_cmd.FEEDBACK_FILE))
    assert result.exit_code != 0 and "--drafts-out" in result.output
