"""The assistant's public API: what the CLI, the web app, the evals and the bench may use.

Everything else in this package is internal and may move between stages. Names are loaded on
first use (PEP 562), so importing one internal module does not import the whole assistant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.answering.motion import motion_to_docx, motion_to_markdown
    from assistant.api import Assistant, clean_question

__all__ = ["Assistant", "clean_question", "motion_to_docx", "motion_to_markdown"]

_WHERE = {
    "Assistant": "assistant.api",
    "clean_question": "assistant.api",
    "motion_to_docx": "assistant.answering.motion",
    "motion_to_markdown": "assistant.answering.motion",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
