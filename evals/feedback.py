"""Turn thumbs-down feedback into draft golden-set entries for a person to complete.

A feedback line (written by the app)::

    {"question": "…", "answer": "…", "citations": [...], "rating": "down",
     "comment": "…", "time": "2024-05-01T10:00:00", "history": [...]}

Each thumbs-down question becomes one draft with ``"type": "TODO"`` and empty ``gold``, so
the question loader refuses it until someone fills it in; ``_todo`` says what to do and
``_feedback`` keeps what the user saw. Unreadable lines are skipped and reported.

>>> line = '{"question": "Wat is ANNA?", "answer": "x", "rating": "down", "comment": "fout"}'
>>> d = drafts_from_lines([line, '{"question": "Q", "rating": "up"}'])[0]
>>> (d["id"][:3], d["type"], d["lang"], d["gold"])
('fb-', 'TODO', 'nl', [])
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from recept.errors import InputError

TODO_NOTE = (
    "Concept uit feedback (duim omlaag). Vul in: type, answerable, gold (letterlijke zinnen "
    "uit de goede passage), must_all/must_any; controleer lang. Verwijder daarna '_todo'."
)

_NL = {
    "de",
    "het",
    "een",
    "en",
    "van",
    "wat",
    "hoe",
    "is",
    "ik",
    "we",
    "je",
    "niet",
    "wie",
    "welke",
    "moet",
    "kan",
    "voor",
    "gemeente",
    "raad",
    "waarom",
    "zijn",
    "er",
    "over",
}
_EN = {
    "the",
    "a",
    "an",
    "and",
    "of",
    "what",
    "how",
    "is",
    "i",
    "we",
    "you",
    "not",
    "who",
    "which",
    "should",
    "can",
    "for",
    "council",
    "why",
    "are",
    "does",
    "about",
    "to",
}


def guess_lang(text: str) -> str:
    """'nl' or 'en' by counting common words; 'nl' when undecided.

    >>> guess_lang("What does the letter say about trust?"), guess_lang("Wat zegt de brief?")
    ('en', 'nl')
    """
    tokens = re.findall(r"[a-zà-ÿ]+", text.lower())
    en = sum(t in _EN for t in tokens)
    nl = sum(t in _NL for t in tokens)
    return "en" if en > nl else "nl"


def draft_id(question: str, history: list[Any]) -> str:
    """A stable id from the question and its history.

    >>> draft_id("Wat?", []) == draft_id("Wat?", []) != draft_id("Wat?", [{"role": "user"}])
    True
    """
    key = json.dumps([question.strip(), history], ensure_ascii=False, sort_keys=True)
    return "fb-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def drafts_from_lines(
    lines: Iterable[str], *, skipped: list[str] | None = None
) -> list[dict[str, Any]]:
    """Draft entries for every thumbs-down line; repeated questions give one draft."""
    drafts: dict[str, dict[str, Any]] = {}
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError:
            if skipped is not None:
                skipped.append(f"regel {lineno}: geen geldige JSON")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
            if skipped is not None:
                skipped.append(f"regel {lineno}: geen 'question'")
            continue
        if obj.get("rating") != "down":
            continue
        question = obj["question"].strip()
        history = obj.get("history") if isinstance(obj.get("history"), list) else []
        assert isinstance(history, list)
        did = draft_id(question, history)
        seen = {
            "answer": obj.get("answer", ""),
            "citations": obj.get("citations", []),
            "comment": obj.get("comment", ""),
            "time": obj.get("time", ""),
        }
        if did in drafts:
            drafts[did]["_feedback"].append(seen)
            continue
        drafts[did] = {
            "id": did,
            "question": question,
            "lang": guess_lang(question),
            "type": "TODO",
            "answerable": None,
            "gold": [],
            "must_all": [],
            "must_any": [],
            "history": history,
            "_todo": TODO_NOTE
            + (" Waarschijnlijk type 'followup' (heeft history)." if history else ""),
            "_feedback": [seen],
        }
    return list(drafts.values())


def drafts_from_feedback(
    feedback_jsonl: str | Path, *, skipped: list[str] | None = None
) -> list[dict[str, Any]]:
    """Read a feedback file and return draft golden entries (see module docstring)."""
    p = Path(feedback_jsonl)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"Feedbackbestand niet gevonden: {p}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Feedbackbestand {p} is niet te lezen: {exc}") from exc
    return drafts_from_lines(text.splitlines(), skipped=skipped)


def write_drafts(path: str | Path, drafts: Iterable[dict[str, Any]]) -> Path:
    """Write drafts as JSONL, ready to complete and append to the golden set."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as fh:
        for d in drafts:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    return p
