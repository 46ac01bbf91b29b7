"""Answer shapes: what the model is asked to write, and the JSON schema that holds it to that.

* ``answer`` — parts of own words, each citing sentence ids;
* ``apply`` — for a user's own situation: what the documents say (cited) → what it could
  mean here → what they do not say;
* ``two_part`` — a question with several parts: one answer per part;
* ``rewrite`` — translate, shorten or explain the previous answer, citing the same sentences;
* ``motion`` — a draft motion: clauses under constaterende / overwegende / verzoekt, each in
  the model's own words and citing sentence ids.

The schema lists the shown sentence ids as an enum, so a server that enforces it (llama.cpp
grammar, Ollama ``format``, OpenAI ``response_format``) can only cite sentences that exist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from recept.schema import Message

SHAPES = ("answer", "apply", "two_part", "rewrite", "motion")
MOTION_SECTIONS = ("constaterende", "overwegende", "verzoekt")
MOTION_CLAUSES = 2  # per section: a small model's reply stays within its token budget
MAX_PARTS = 4
# Per section of an apply answer: three sections of four parts ran past a 30-s deadline at the
# 13-30 tokens/s of the test model on a busy 2-core machine (the reply was cut); two fit.
APPLY_PARTS = 2
TEXT_CHARS = 200  # one or two sentences of the model's own words

_REWRITE = re.compile(
    r"\b(vertaal|vertaling|translate|translation|in het (engels|nederlands)|in (english|dutch)|"
    r"korter|shorter|inkorten|shorten|in (één|een|1) zin|in one sentence|eenvoudiger|simpeler|"
    r"simpler|in gewone taal|in plain (language|english)|leg (dat|dit|het) uit|"
    r"explain (that|this|it)|herschrijf|rewrite)\b",
    re.I,
)


def previous_answer(history: Sequence[Message]) -> str:
    """The last assistant message, or ''.

    >>> previous_answer([{"role": "assistant", "content": "A"}, {"role": "user", "content": "B"}])
    'A'
    """
    for m in reversed(list(history)):
        if m.get("role") == "assistant" and m.get("content", "").strip():
            return m["content"]
    return ""


def detect_shape(question: str, intent: str, history: Sequence[Message]) -> str:
    """The shape for a question.

    >>> h = [{"role": "assistant", "content": "Het recept zegt …"}]
    >>> detect_shape("Vertaal dat in het Engels", "general", h)
    'rewrite'
    >>> detect_shape("Vertaal dat in het Engels", "general", [])
    'answer'
    >>> detect_shape("Wat is Gunnen? En hoe pas ik het toe?", "apply", [])
    'two_part'
    >>> detect_shape("Hoe pas ik Gunnen toe bij woningbouw?", "apply", [])
    'apply'
    """
    if previous_answer(history) and _REWRITE.search(question):
        return "rewrite"
    if question.count("?") >= 2:
        return "two_part"
    if intent == "apply":
        return "apply"
    return "answer"


def _part_schema(ids: Sequence[str], min_cites: int, max_cites: int = 3) -> dict[str, Any]:
    id_schema: dict[str, Any] = {"type": "string", "enum": list(ids)} if ids else {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "cite": {
                "type": "array",
                "items": id_schema,
                "minItems": min_cites,
                "maxItems": max_cites,
            },
            "text": {"type": "string", "maxLength": TEXT_CHARS},
        },
        "required": ["cite", "text"],
        "additionalProperties": False,
    }


def _parts(
    ids: Sequence[str], min_cites: int = 1, min_items: int = 1, max_items: int = MAX_PARTS
) -> dict[str, Any]:
    return {
        "type": "array",
        "items": _part_schema(ids, min_cites),
        "minItems": min_items,
        "maxItems": max_items,
    }


def schema_for(shape: str, ids: Sequence[str]) -> dict[str, Any]:
    """The JSON schema of a reply in ``shape``, citing only ``ids``.

    >>> s = schema_for("apply", ["S1", "S2"])
    >>> s["required"], s["properties"]["says"]["items"]["properties"]["cite"]["items"]["enum"]
    (['says', 'here', 'not_said'], ['S1', 'S2'])
    >>> schema_for("two_part", ["S1"])["properties"]["answers"]["minItems"]
    2
    >>> m = schema_for("motion", ["S4"])
    >>> m["required"], m["properties"]["verzoekt"]["items"]["properties"]["cite"]["minItems"]
    (['constaterende', 'overwegende', 'verzoekt'], 1)
    """
    if shape == "apply":
        props: dict[str, Any] = {
            "says": _parts(ids, max_items=APPLY_PARTS),
            "here": _parts(ids, min_cites=0, max_items=APPLY_PARTS),
            "not_said": {"type": "string", "maxLength": TEXT_CHARS},
        }
    elif shape == "two_part":
        answer = {
            "type": "object",
            "properties": {
                "asked": {"type": "string", "maxLength": 120},
                "answer": _parts(ids, min_items=1),
            },
            "required": ["asked", "answer"],
            "additionalProperties": False,
        }
        props = {"answers": {"type": "array", "items": answer, "minItems": 2, "maxItems": 3}}
    elif shape == "motion":
        # Every clause cites at least one sentence: a motion clause must be traceable.
        props = {
            name: {
                "type": "array",
                "items": _part_schema(ids, 1, max_cites=2),
                "minItems": 1,
                "maxItems": MOTION_CLAUSES,
            }
            for name in MOTION_SECTIONS
        }
    else:
        props = {"answer": _parts(ids)}
    return {
        "type": "object",
        "properties": props,
        "required": list(props),
        "additionalProperties": False,
    }


# Placeholders, not values: a small model copies example values (an example id gets cited
# whatever the question). "S…" is not a valid id, so a copied one is dropped.
EXAMPLES = {
    "answer": '{"answer": [{"cite": ["S…"], "text": "…"}]}',
    "apply": (
        '{"says": [{"cite": ["S…"], "text": "…"}], "here": [{"cite": [], "text": "…"}], '
        '"not_said": "…"}'
    ),
    "two_part": (
        '{"answers": [{"asked": "…", "answer": [{"cite": ["S…"], "text": "…"}]}, '
        '{"asked": "…", "answer": [{"cite": ["S…"], "text": "…"}]}]}'
    ),
}
EXAMPLES["rewrite"] = EXAMPLES["answer"]
EXAMPLES["motion"] = (
    '{"constaterende": [{"cite": ["S…"], "text": "…"}], '
    '"overwegende": [{"cite": ["S…"], "text": "…"}], "verzoekt": [{"cite": ["S…"], "text": "…"}]}'
)

TASKS = {
    "answer": "Answer the question.",
    "apply": (
        "The user describes their own situation. Apply the documents to it: under 'says' what "
        "the documents say about it (cite the sentences), under 'here' what that could mean in "
        "the user's situation (your own reasoning, cite where a sentence supports it), under "
        "'not_said' one sentence on what the documents do not say about this situation."
    ),
    "two_part": (
        "The question has more than one part. Answer each part separately: 'asked' is the "
        "part in a few words, 'answer' its answer."
    ),
    "rewrite": (
        "The user asks you to change your previous answer (shown below): translate, shorten "
        "or explain it as asked. Cite the same sentences by id."
    ),
    "motion": (
        "Draft a motion for a Dutch municipal council on the user's subject. Under "
        "'constaterende' state facts from the sentences (what the documents say), under "
        "'overwegende' considerations that follow from them, under 'verzoekt' what the council "
        "asks the executive (college) to do. Each clause is one short phrase in your own words "
        "that continues 'constaterende dat', 'overwegende dat' or 'verzoekt het college', and "
        "cites the sentences it rests on."
    ),
}
# A rewrite names what to do with the previous answer (a transform of the conversation).
REWRITE_TASKS = {
    "language": (
        "Translate your previous answer (shown above) into {language}: write its own words "
        "in {language}. Cite the same sentences by id; the application keeps them in the "
        "language of the source."
    ),
    "shorter": (
        "Make your previous answer (shown above) shorter: one part, one sentence of your own "
        "words, citing the one or two sentences that matter most."
    ),
}


def task_text(shape: str, op: str = "", language: str = "Dutch") -> str:
    """The instruction for a shape (for a rewrite: for the operation ``op``, if known).

    >>> task_text("answer")
    'Answer the question.'
    >>> task_text("rewrite", "language", "English").startswith("Translate your previous answer")
    True
    """
    if shape == "rewrite" and op in REWRITE_TASKS:
        return REWRITE_TASKS[op].format(language=language)
    return TASKS.get(shape, TASKS["answer"])


def example_for(shape: str) -> str:
    return EXAMPLES.get(shape, EXAMPLES["answer"])
