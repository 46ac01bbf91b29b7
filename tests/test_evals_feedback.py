"""Draft golden entries from thumbs-down feedback (evals/feedback.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cases import parse_cases
from evals.feedback import drafts_from_feedback, write_drafts
from recept.errors import InputError


def test_thumbs_down_becomes_a_draft_to_complete(tmp_path: Path) -> None:
    lines = [
        {
            "question": "Wat betekent ANNA?",
            "answer": "Geen idee.",
            "citations": [],
            "rating": "down",
            "comment": "fout",
            "time": "2024-05-01T10:00:00",
        },
        {
            "question": "Wat betekent ANNA?",
            "answer": "Weer niets.",
            "rating": "down",
            "comment": "nog steeds",
            "time": "2024-05-02T10:00:00",
        },
        {
            "question": "What about the council?",
            "answer": "…",
            "rating": "down",
            "history": [{"role": "user", "content": "Tell me about Doen"}],
        },
        {"question": "Mooi zo", "answer": "x", "rating": "up"},
    ]
    feedback = tmp_path / "feedback.jsonl"
    text = "\n".join(json.dumps(x) for x in lines) + "\n{afgebroken regel\n"
    feedback.write_text(text, encoding="utf-8")

    skipped: list[str] = []
    drafts = drafts_from_feedback(feedback, skipped=skipped)
    assert skipped == ["regel 5: geen geldige JSON"]
    assert len(drafts) == 2  # repeated question → one draft; thumbs-up ignored
    anna, council = drafts
    assert anna["id"].startswith("fb-") and anna["type"] == "TODO" and anna["gold"] == []
    assert anna["lang"] == "nl" and anna["answerable"] is None and "_todo" in anna
    assert [f["comment"] for f in anna["_feedback"]] == ["fout", "nog steeds"]
    assert council["lang"] == "en" and council["history"][0]["content"] == "Tell me about Doen"
    assert "followup" in council["_todo"]

    out = write_drafts(tmp_path / "drafts.jsonl", drafts)
    raw = out.read_text(encoding="utf-8").splitlines()
    with pytest.raises(InputError, match="concept uit feedback"):
        parse_cases(raw)  # a draft is refused until a person completes it


def test_missing_feedback_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="niet gevonden"):
        drafts_from_feedback(tmp_path / "geen.jsonl")
