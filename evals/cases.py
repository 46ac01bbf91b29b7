"""Question files for `recept eval`: one JSON object per line, validated with Dutch messages.

A line looks like::

    {"id": "f-01", "question": "Wat betekent ANNA?", "lang": "nl", "type": "factual",
     "answerable": true, "gold": ["altijd nagaan, nooit aannemen"],
     "must_all": ["nagaan"], "must_any": [], "history": []}

Unknown fields are ignored (so notes such as ``"_todo"`` may stay in the file). Every problem
in a file is reported at once, each with its line number.

>>> cases = parse_cases(['{"id": "a", "question": "Wat?", "lang": "nl", '
...                      '"type": "factual", "answerable": true, "gold": ["x"]}'])
>>> cases[0].gold
('x',)
>>> parse_cases(['{"id": "a", "question": "Wat?", "lang": "de", "type": "factual", '
...              '"answerable": true}'])
Traceback (most recent call last):
...
recept.errors.InputError: vragen: 1 fout(en):
  regel 1: 'lang' is 'de'; kies "nl" of "en"
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recept.errors import InputError
from recept.quotes import normalise
from recept.schema import Message

TYPES = ("factual", "quote", "paraphrase", "apply", "out_of_scope", "motion", "followup")
EXPECTS = ("answer", "partial", "decline")
LANGS = ("nl", "en")
ROLES = ("user", "assistant")
_MAX_ERRORS = 25


@dataclass(frozen=True)
class EvalCase:
    """One evaluation question with what a good answer must show."""

    id: str
    question: str
    lang: str
    type: str
    answerable: bool
    gold: tuple[str, ...] = ()  # verbatim phrases that identify the right passage(s)
    must_all: tuple[str, ...] = ()  # every one of these must appear in the answer
    must_any: tuple[str, ...] = ()  # at least one of these must appear (when given)
    history: tuple[Message, ...] = ()  # earlier turns, for follow-up questions
    line: int = 0  # line number in the question file (for messages)
    # "answer": fully answerable; "partial": part of what is asked is not in the documents
    # (a good answer says so, then what they do say); "decline": nothing of it is.
    expect: str = ""
    kind: str = "plain"  # style: plain, long, chat, two_part, oos_plausible, conversation
    doc: str = ""  # which document holds the answer: a word of its id, "both", or ""
    conv: str = ""  # conversation id: turns of one conversation are replayed in order, live
    turn: int = 0
    gold_parts: tuple[tuple[str, ...], ...] = ()  # two-part questions: gold per part

    @property
    def expected(self) -> str:
        """``expect``, or what ``answerable`` implies for sets written before it existed."""
        return self.expect or ("answer" if self.answerable else "decline")


SETS_DIR = Path(__file__).resolve().parent / "sets"


def default_questions_path() -> Path:
    """The bundled golden set, ``evals/sets/golden.jsonl``."""
    return SETS_DIR / "golden.jsonl"


def load_cases(path: str | Path) -> list[EvalCase]:
    """Read and validate a question file; raises :class:`InputError` listing every problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"Vragenbestand niet gevonden: {p}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Vragenbestand {p} is niet te lezen: {exc}") from exc
    return parse_cases(text.splitlines(), source=str(p))


def parse_cases(lines: Iterable[str], source: str = "vragen") -> list[EvalCase]:
    """Validate JSONL lines into cases. Blank lines are skipped."""
    cases: list[EvalCase] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"regel {lineno}: geen geldige JSON ({exc.msg}, kolom {exc.colno})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"regel {lineno}: verwacht een JSON-object {{...}}")
            continue
        problems, case = _validate(obj, lineno)
        errors.extend(f"regel {lineno}: {p}" for p in problems)
        if case is None:
            continue
        if case.id in seen:
            errors.append(f"regel {lineno}: id {case.id!r} komt al voor op regel {seen[case.id]}")
            continue
        seen[case.id] = lineno
        cases.append(case)
    if errors:
        shown = errors[:_MAX_ERRORS]
        more = len(errors) - len(shown)
        tail = f"\n  … en nog {more} fout(en)" if more else ""
        body = "\n".join(f"  {e}" for e in shown)
        raise InputError(f"{source}: {len(errors)} fout(en):\n{body}{tail}")
    if not cases:
        raise InputError(f"{source}: bevat geen vragen.")
    return cases


def _validate(obj: dict[str, Any], lineno: int) -> tuple[list[str], EvalCase | None]:
    problems: list[str] = []

    def text_field(name: str) -> str:
        value = obj.get(name)
        if value is None:
            problems.append(f"{name!r} ontbreekt")
            return ""
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name!r} moet een niet-lege tekst zijn")
            return ""
        return value

    def phrases(name: str) -> tuple[str, ...]:
        value = obj.get(name, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(f"{name!r} moet een lijst met niet-lege teksten zijn")
            return ()
        return tuple(value)

    case_id = text_field("id")
    question = text_field("question")
    lang = obj.get("lang")
    if lang is None:
        problems.append('\'lang\' ontbreekt ("nl" of "en")')
    elif lang not in LANGS:
        problems.append(f'\'lang\' is {lang!r}; kies "nl" of "en"')
    qtype = obj.get("type")
    if qtype is None:
        problems.append(f"'type' ontbreekt (een van: {', '.join(TYPES)})")
    elif qtype not in TYPES:
        hint = " (concept uit feedback: vul het type in)" if qtype == "TODO" else ""
        problems.append(f"'type' is {qtype!r}; kies een van: {', '.join(TYPES)}{hint}")
    answerable = obj.get("answerable")
    if not isinstance(answerable, bool):
        problems.append("'answerable' moet true of false zijn")
    gold = phrases("gold")
    must_all = phrases("must_all")
    must_any = phrases("must_any")
    history = _history(obj.get("history", []), problems)
    expect = obj.get("expect", "")
    if expect and expect not in EXPECTS:
        problems.append(f"'expect' is {expect!r}; kies een van: {', '.join(EXPECTS)}")
    elif expect:
        # A partial answer declines the part it cannot give: it counts as not answerable.
        answerable = expect == "answer"
    conv = obj.get("conv") or ""
    turn = obj.get("turn") or 0
    if not isinstance(conv, str) or not isinstance(turn, int):
        problems.append("'conv' moet een tekst en 'turn' een geheel getal zijn")
        conv, turn = "", 0
    parts = obj.get("gold_parts") or []
    if not isinstance(parts, list) or not all(
        isinstance(p, list) and all(isinstance(x, str) and x.strip() for x in p) for p in parts
    ):
        problems.append("'gold_parts' moet een lijst van lijsten met teksten zijn")
        parts = []
    if qtype == "out_of_scope" and answerable is True:
        problems.append("type 'out_of_scope' hoort 'answerable': false te hebben")
    if qtype == "followup" and not history and not (conv and turn > 1):
        problems.append(
            "een 'followup'-vraag heeft een 'history' of een 'conv' met 'turn' > 1 nodig"
        )
    if problems:
        return problems, None
    assert isinstance(lang, str) and isinstance(qtype, str) and isinstance(answerable, bool)
    return [], EvalCase(
        id=case_id,
        question=question,
        lang=lang,
        type=qtype,
        answerable=answerable,
        gold=gold,
        must_all=must_all,
        must_any=must_any,
        history=history,
        line=lineno,
        expect=str(expect),
        kind=str(obj.get("kind") or "plain"),
        doc=str(obj.get("doc") or ""),
        conv=conv,
        turn=turn,
        gold_parts=tuple(tuple(p) for p in parts),
    )


def _history(value: Any, problems: list[str]) -> tuple[Message, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append('\'history\' moet een lijst met {"role", "content"} zijn')
        return ()
    out: list[Message] = []
    for i, turn in enumerate(value, start=1):
        if (
            not isinstance(turn, dict)
            or turn.get("role") not in ROLES
            or not isinstance(turn.get("content"), str)
        ):
            problems.append(
                f'\'history\'[{i}] moet {{"role": "user"|"assistant", "content": tekst}} zijn'
            )
            continue
        out.append({"role": turn["role"], "content": turn["content"]})
    return tuple(out)


def missing_gold(cases: Sequence[EvalCase], sources: Sequence[str]) -> list[str]:
    """Gold phrases that occur in none of ``sources`` (they could never be hit).

    Comparison is whitespace/quote-normalised and case-insensitive, as in the metrics.

    >>> c = EvalCase("a", "?", "nl", "factual", True, gold=("Ken  jezelf", "Kook jezelf"))
    >>> missing_gold([c], ["#### *Ken jezelf*"])
    ["a (regel 0): 'Kook jezelf'"]
    """
    norm_sources = [normalise(s).casefold() for s in sources]
    out = []
    for case in cases:
        for phrase in dict.fromkeys([*case.gold, *(g for part in case.gold_parts for g in part)]):
            needle = normalise(phrase).casefold()
            if not any(needle in s for s in norm_sources):
                out.append(f"{case.id} (regel {case.line}): {phrase!r}")
    return out
