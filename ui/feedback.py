"""Thumbs up/down from the web app, appended to ``<data_dir>/feedback.jsonl``.

One JSON object per line (the format :mod:`evals.feedback` reads)::

    {"question": "…", "answer": "…", "citations": [...], "rating": "up" | "down",
     "comment": "…", "time": "2024-05-01T10:00:00+00:00", "history": [...]}
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recept.errors import InputError
from recept.schema import Citation

FILENAME = "feedback.jsonl"
MAX_COMMENT_CHARS = 2000


def make_record(
    question: str,
    answer: str,
    citations: Sequence[Citation | dict[str, Any]],
    rating: str,
    comment: str | None = "",
    history: Sequence[dict[str, str]] = (),
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One feedback line as a dict. ``rating`` must be "up" or "down".

    >>> r = make_record("Wat is ANNA?", "x", [], "down", " fout ",
    ...                 now=datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    >>> (r["rating"], r["comment"], r["time"])
    ('down', 'fout', '2024-05-01T10:00:00+00:00')
    """
    if rating not in ("up", "down"):
        raise InputError("Beoordeling moet 'up' of 'down' zijn.")
    return {
        "question": question,
        "answer": answer,
        "citations": [c if isinstance(c, dict) else asdict(c) for c in citations],
        "rating": rating,
        "comment": (comment or "").strip()[:MAX_COMMENT_CHARS],
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "history": [
            {"role": str(m.get("role", "")), "content": str(m.get("content", ""))} for m in history
        ],
    }


class FeedbackLog:
    """Appends records to a JSONL file; safe to share between the app's worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> FeedbackLog:
        return cls(data_dir / FILENAME)

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write of one line on an O_APPEND file: other processes cannot interleave.
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()

    def read(self) -> list[dict[str, Any]]:
        """All records (for tests and tools); unreadable lines are skipped."""
        if not self.path.exists():
            return []
        out = []
        for raw in self.path.read_text(encoding="utf-8").splitlines():
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                out.append(obj)
        return out
