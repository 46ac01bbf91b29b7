"""Eval metrics: pure functions over answer records and cases, no models involved.

Matching text against gold phrases forgives whitespace, quote marks, markdown emphasis and
case (see :func:`recept.quotes.normalise`): a passage *hits* when it contains a gold phrase.

>>> texts = ["Over geld.", "Bouw aan  onderlinge relaties.", "Ken jezelf."]
>>> first_hit(texts, ["onderlinge relaties"])
2
>>> retrieval_metrics([texts], [["onderlinge relaties"]])["mrr"]
0.5
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.cases import EvalCase
from evals.runner import EvalRecord
from recept.quotes import normalise

VerifyFn = Callable[[str], bool]
KS = (1, 3, 5)


def norm(text: str) -> str:
    """Normalised, case-folded text used for every comparison.

    >>> norm("  \u2018Ken  *Jezelf*\u2019 ")
    "'ken jezelf'"
    """
    return normalise(text).casefold()


def contains_any(text: str, phrases: Iterable[str]) -> bool:
    """True when ``text`` contains at least one of ``phrases`` (normalised).

    >>> contains_any("Het ezelsbruggetje ANNA (altijd nagaan)", ["anna", "xyz"])
    True
    >>> contains_any("tekst", [])
    False
    """
    t = norm(text)
    return any(norm(p) and norm(p) in t for p in phrases)


def first_hit(texts: Sequence[str], gold: Sequence[str]) -> int | None:
    """1-based rank of the first text containing a gold phrase, or None.

    >>> first_hit(["a", "b c"], ["C"])
    2
    >>> first_hit(["a"], ["z"]) is None
    True
    """
    for i, text in enumerate(texts, start=1):
        if contains_any(text, gold):
            return i
    return None


def _ratio(num: float, den: int) -> float | None:
    return round(num / den, 4) if den else None


def retrieval_metrics(
    rankings: Sequence[Sequence[str]], golds: Sequence[Sequence[str]]
) -> dict[str, Any]:
    """hit@1/3/5 and MRR over ranked text lists; MRR counts ranks beyond 5 too.

    >>> m = retrieval_metrics([["x", "gold"], ["gold"], ["x"]], [["gold"]] * 3)
    >>> (m["n"], m["hit@1"], m["hit@3"], m["mrr"])
    (3, 0.3333, 0.6667, 0.5)
    >>> retrieval_metrics([], [])["hit@1"] is None
    True
    """
    ranks = [first_hit(texts, gold) for texts, gold in zip(rankings, golds, strict=True)]
    return _retrieval_from_ranks(ranks)


def _retrieval_from_ranks(ranks: Sequence[int | None]) -> dict[str, Any]:
    n = len(ranks)
    out: dict[str, Any] = {"n": n}
    for k in KS:
        out[f"hit@{k}"] = _ratio(sum(1 for r in ranks if r is not None and r <= k), n)
    out["mrr"] = _ratio(sum(1.0 / r for r in ranks if r is not None), n)
    return out


def key_facts_ok(answer: str, must_all: Sequence[str], must_any: Sequence[str]) -> bool | None:
    """All of ``must_all`` and (if given) one of ``must_any`` in the answer; None if neither.

    >>> key_facts_ok("Altijd nagaan, nooit  aannemen.", ["nagaan", "AANNEMEN"], [])
    True
    >>> key_facts_ok("Altijd nagaan.", ["nagaan"], ["aannemen", "controleren"])
    False
    >>> key_facts_ok("x", [], []) is None
    True
    """
    if not must_all and not must_any:
        return None
    t = norm(answer)
    if not all(norm(p) in t for p in must_all):
        return False
    return not must_any or any(norm(p) in t for p in must_any)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (like numpy's default); None for no values.

    >>> percentile([1, 2, 3, 4], 50)
    2.5
    >>> percentile([10, 20], 95)
    19.5
    >>> percentile([], 50) is None
    True
    """
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo), 1)


@dataclass
class CaseOutcome:
    """How one question did, with the reasons it failed (empty when it did not)."""

    id: str
    type: str
    lang: str
    answerable: bool
    has_gold: bool
    refused: bool
    latency_ms: float
    rank: int | None = None  # first retrieved passage containing gold (has_gold only)
    cited_gold: bool | None = None  # ≥1 citation inside a gold passage (answerable+gold only)
    citations: int = 0
    citations_in_gold: int = 0
    quotes: int = 0
    invalid_quotes: list[str] = field(default_factory=list)
    key_facts: bool | None = None
    error: str = ""
    expect: str = "answer"
    kind: str = "plain"
    turn: int = 0  # > 1: a later turn of a conversation
    parts: int = 0  # two-part questions: parts the documents answer
    parts_cited: int = 0  # … of which the answer cites a passage
    doc_citations: int = 0  # citations checked against the case's document
    doc_citations_ok: int = 0  # … that come from that document

    @property
    def refusal_ok(self) -> bool:
        return self.refused != self.answerable

    @property
    def subject_ok(self) -> bool | None:
        """A later conversation turn is about the right subject: the right passage in the top
        3, or declined when nothing of it is in the documents. None for other questions."""
        if self.turn < 2:
            return None
        if self.expect == "decline" or not self.has_gold:
            return self.refused == (self.expect != "answer")
        return self.rank is not None and self.rank <= 3

    def problems(self) -> list[str]:
        """Dutch reasons this case counts as a failure."""
        out = []
        if self.error:
            out.append(f"fout: {self.error}")
        if self.answerable and self.refused:
            out.append("onterecht geweigerd")
        if not self.answerable and not self.refused:
            out.append("niet geweigerd (buiten de documenten)")
        if self.has_gold and (self.rank is None or self.rank > 5):
            out.append("goede passage niet in top 5")
        if self.cited_gold is False:
            out.append("geen citaat uit de goede passage")
        if self.key_facts is False:
            out.append("sleutelfeiten ontbreken in het antwoord")
        if self.invalid_quotes:
            out.append(f"{len(self.invalid_quotes)} citaat/citaten niet letterlijk in de bron")
        return out


def evaluate_case(record: EvalRecord, case: EvalCase, verify: VerifyFn) -> CaseOutcome:
    """Score one record against its case.

    >>> c = EvalCase("a", "?", "nl", "factual", True, gold=("ANNA",), must_all=("nagaan",))
    >>> passage = "Check: ANNA (altijd nagaan)"
    >>> r = EvalRecord("a", "factual", "nl", "?", "Altijd nagaan [1].", False, 12.0,
    ...     retrieved=[{"text": passage}],
    ...     citations=[{"n": 1, "quote": "altijd nagaan", "passage": passage}])
    >>> o = evaluate_case(r, c, verify=lambda q: True)
    >>> (o.rank, o.cited_gold, o.key_facts, o.problems())
    (1, True, True, [])
    """
    expect = case.expected
    has_gold = bool(case.gold) and expect != "decline"
    out = CaseOutcome(
        id=case.id,
        type=case.type,
        lang=case.lang,
        answerable=expect == "answer",
        has_gold=has_gold,
        refused=record.refused,
        latency_ms=float(record.latency_ms),
        error=record.error,
        expect=expect,
        kind=case.kind,
        turn=case.turn if case.conv else 0,
    )
    out.quotes = len(record.citations)
    out.invalid_quotes = [c["quote"] for c in record.citations if not verify(str(c["quote"]))]
    if has_gold:
        out.rank = first_hit([str(p["text"]) for p in record.retrieved], case.gold)
        out.citations = len(record.citations)
        out.citations_in_gold = sum(
            1 for c in record.citations if contains_any(str(c.get("passage", "")), case.gold)
        )
        out.cited_gold = out.citations_in_gold > 0
    passages = [str(c.get("passage", "")) for c in record.citations]
    answered_parts = [part for part in case.gold_parts if part]
    out.parts = len(answered_parts)
    out.parts_cited = sum(
        1 for part in answered_parts if any(contains_any(p, part) for p in passages)
    )
    if case.doc and case.doc != "both":
        out.doc_citations = len(record.citations)
        out.doc_citations_ok = sum(
            1
            for c in record.citations
            if case.doc.casefold() in str(c.get("doc_id", "")).casefold()
        )
    out.key_facts = key_facts_ok(record.answer, case.must_all, case.must_any)
    return out


def summarise(outcomes: Sequence[CaseOutcome]) -> dict[str, Any]:
    """The full metric set for a group of outcomes (nested by area)."""
    gold = [o for o in outcomes if o.has_gold]
    answerable = [o for o in outcomes if o.answerable]
    oos = [o for o in outcomes if not o.answerable]
    facts = [o for o in outcomes if o.key_facts is not None]
    quotes = sum(o.quotes for o in outcomes)
    invalid = [q for o in outcomes for q in o.invalid_quotes]
    cites_gold = sum(o.citations for o in gold)
    latencies = [o.latency_ms for o in outcomes if not o.error]
    turns = [o.subject_ok for o in outcomes if o.subject_ok is not None]
    parts = sum(o.parts for o in outcomes)
    doc_cites = sum(o.doc_citations for o in outcomes)
    return {
        "n": len(outcomes),
        "retrieval": _retrieval_from_ranks([o.rank for o in gold]),
        "citations": {
            # Vacuously 1.0 without quotes: nothing shown was wrong (recall shows the absence).
            "quote_validity": _ratio(quotes - len(invalid), quotes) if quotes else 1.0,
            "quotes": quotes,
            "invalid": invalid,
            "recall": _ratio(sum(1 for o in gold if o.cited_gold), len(gold)),
            "recall_n": len(gold),
            "precision": _ratio(sum(o.citations_in_gold for o in gold), cites_gold),
            "precision_n": cites_gold,
        },
        "key_facts": {
            "rate": _ratio(sum(1 for o in facts if o.key_facts), len(facts)),
            "n": len(facts),
        },
        "refusal": {
            "out_of_scope_refusal_rate": _ratio(sum(1 for o in oos if o.refused), len(oos)),
            "out_of_scope_n": len(oos),
            "false_refusal_rate": _ratio(sum(1 for o in answerable if o.refused), len(answerable)),
            "answerable_n": len(answerable),
            "correct_rate": _ratio(sum(1 for o in outcomes if o.refusal_ok), len(outcomes)),
        },
        "conversation": {
            "subject_rate": _ratio(sum(1 for ok in turns if ok), len(turns)),
            "turns_n": len(turns),
        },
        "two_part": {
            "parts_cited_rate": _ratio(sum(o.parts_cited for o in outcomes), parts),
            "parts_n": parts,
        },
        "documents": {
            "right_document_rate": _ratio(sum(o.doc_citations_ok for o in outcomes), doc_cites),
            "citations_n": doc_cites,
        },
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "max": max(latencies) if latencies else None,
            "n": len(latencies),
        },
        "errors": sum(1 for o in outcomes if o.error),
    }


def group_summary(outcomes: Sequence[CaseOutcome]) -> dict[str, Any]:
    """A flat, short summary for the per-type and per-language breakdowns."""
    s = summarise(outcomes)
    return {
        "n": s["n"],
        "hit@1": s["retrieval"]["hit@1"],
        "hit@5": s["retrieval"]["hit@5"],
        "mrr": s["retrieval"]["mrr"],
        "citation_recall": s["citations"]["recall"],
        "citation_precision": s["citations"]["precision"],
        "key_facts": s["key_facts"]["rate"],
        "refusal_correct": s["refusal"]["correct_rate"],
        "latency_p50": s["latency_ms"]["p50"],
    }


def outcomes_for(
    records: Sequence[EvalRecord], cases: Sequence[EvalCase], verify: VerifyFn
) -> list[CaseOutcome]:
    """Pair records with cases by id (in record order) and score each."""
    by_id = {c.id: c for c in cases}
    unknown = [r.id for r in records if r.id not in by_id]
    if unknown:
        raise ValueError(f"antwoorden zonder vraag in de vragenset: {', '.join(unknown[:10])}")
    return [evaluate_case(r, by_id[r.id], verify) for r in records]


def compute_metrics(
    records: Sequence[EvalRecord], cases: Sequence[EvalCase], verify: VerifyFn
) -> dict[str, Any]:
    """All metrics: overall (nested by area), then ``by_type`` and ``by_lang`` breakdowns.

    ``verify(quote)`` says whether a cited quote is verbatim in the corpus.
    """
    outcomes = outcomes_for(records, cases, verify)
    metrics = summarise(outcomes)
    for key, attr in (("by_type", "type"), ("by_lang", "lang"), ("by_kind", "kind")):
        groups: dict[str, list[CaseOutcome]] = {}
        for o in outcomes:
            groups.setdefault(getattr(o, attr), []).append(o)
        metrics[key] = {name: group_summary(g) for name, g in sorted(groups.items())}
    metrics["engines"] = engine_shares(records)
    return metrics


def engine_shares(records: Sequence[EvalRecord]) -> dict[str, Any]:
    """Which engine wrote the answers that were not refusals: with an LLM engine, the share
    that came from the LLM path rather than the extractive fallback.

    >>> from evals.runner import EvalRecord
    >>> rs = [EvalRecord("a", "t", "nl", "q", "x", False, 1.0, engine=e)
    ...       for e in ("llm:m", "llm:m", "extractive")]
    >>> engine_shares(rs)
    {'n': 3, 'llm_path': 0.6666666666666666, 'counts': {'extractive': 1, 'llm:m': 2}}
    """
    answered = [r for r in records if not r.refused and not r.error]
    counts: dict[str, int] = {}
    for r in answered:
        counts[r.engine] = counts.get(r.engine, 0) + 1
    llm = sum(n for e, n in counts.items() if e.startswith("llm:"))
    return {
        "n": len(answered),
        "llm_path": llm / len(answered) if answered else None,
        "counts": dict(sorted(counts.items())),
    }


def flatten(metrics: dict[str, Any], prefix: str = "") -> dict[str, float | None]:
    """Dotted names for every numeric leaf (what thresholds refer to).

    >>> flatten({"retrieval": {"hit@1": 0.5, "n": 4}, "citations": {"invalid": []}})
    {'retrieval.hit@1': 0.5, 'retrieval.n': 4}
    """
    out: dict[str, float | None] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            out[name] = value
    return out


# --- terminal formatting -------------------------------------------------------------------


def fmt(value: Any, *, pct: bool = False) -> str:
    """A metric value for display; '–' when not measured.

    >>> fmt(0.8333), fmt(None), fmt(0.5, pct=True), fmt(120.0)
    ('0.83', '–', '50%', '120')
    """
    if value is None:
        return "–"
    if isinstance(value, float) and pct:
        return f"{value * 100:.0f}%"
    if isinstance(value, float) and abs(value) <= 1.0:
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True))
    lines = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    return lines


GROUP_COLUMNS = (
    ("n", "n"),
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("mrr", "MRR"),
    ("citation_recall", "cit.recall"),
    ("citation_precision", "cit.prec."),
    ("key_facts", "feiten"),
    ("refusal_correct", "weigeren ok"),
    ("latency_p50", "p50 ms"),
)


def format_table(metrics: dict[str, Any]) -> str:
    """The metrics as plain text for the terminal."""
    r, c, k = metrics["retrieval"], metrics["citations"], metrics["key_facts"]
    ref, lat = metrics["refusal"], metrics["latency_ms"]
    valid = c["quotes"] - len(c["invalid"])
    lines = [
        f"Vragen: {metrics['n']}"
        + (f"  (fouten: {metrics['errors']})" if metrics["errors"] else ""),
        f"Retrieval (n={r['n']}):   hit@1 {fmt(r['hit@1'])}  hit@3 {fmt(r['hit@3'])}  "
        f"hit@5 {fmt(r['hit@5'])}  MRR {fmt(r['mrr'])}",
        f"Citaten letterlijk:     {fmt(c['quote_validity'], pct=True)} ({valid}/{c['quotes']})",
        f"Citaat-recall:          {fmt(c['recall'])} (n={c['recall_n']})   "
        f"citaat-precisie {fmt(c['precision'])} (n={c['precision_n']})",
        f"Sleutelfeiten:          {fmt(k['rate'])} (n={k['n']})",
        f"Weigeren buiten scope:  {fmt(ref['out_of_scope_refusal_rate'])} "
        f"(n={ref['out_of_scope_n']})   onterecht geweigerd "
        f"{fmt(ref['false_refusal_rate'])} (n={ref['answerable_n']})",
        f"Latentie:               p50 {fmt(lat['p50'])} ms  p95 {fmt(lat['p95'])} ms",
    ]
    conv, two, docs = metrics["conversation"], metrics["two_part"], metrics["documents"]
    if conv["turns_n"]:
        lines.append(
            f"Gesprek, juiste onderwerp: {fmt(conv['subject_rate'])} (n={conv['turns_n']})"
        )
    if two["parts_n"]:
        lines.append(
            f"Twee delen, elk geciteerd: {fmt(two['parts_cited_rate'])} (n={two['parts_n']})"
        )
    if docs["citations_n"]:
        lines.append(
            f"Citaten uit het juiste document: {fmt(docs['right_document_rate'])} "
            f"(n={docs['citations_n']})"
        )
    eng = metrics.get("engines") or {}
    if any(e.startswith("llm:") for e in eng.get("counts", {})) or eng.get("llm_path"):
        lines.append(
            f"LLM-pad:                {fmt(eng['llm_path'], pct=True)} van {eng['n']} antwoorden "
            f"({', '.join(f'{e} {n}' for e, n in eng['counts'].items())})"
        )
    judged = metrics.get("model_judged")
    if judged:
        lines.append(
            f"Model-beoordeeld ({judged.get('model', '?')}): faithfulness "
            f"{fmt(judged.get('faithfulness'))} (n={judged.get('faithfulness_n', 0)})  "
            f"relevantie {fmt(judged.get('answer_relevance'))}/5 "
            f"(n={judged.get('relevance_n', 0)})"
        )
    for key, title in (("by_type", "Per type"), ("by_lang", "Per taal"), ("by_kind", "Per stijl")):
        groups = metrics.get(key) or {}
        if not groups:
            continue
        header = [title.lower(), *[label for _, label in GROUP_COLUMNS]]
        rows = [[name, *[fmt(g[col]) for col, _ in GROUP_COLUMNS]] for name, g in groups.items()]
        lines += ["", f"{title}:", *_table(header, rows)]
    return "\n".join(lines)


def comparison_rows(
    metrics: dict[str, Any], baselines: dict[str, dict[str, Any]] | None
) -> list[list[str]]:
    """Rows (name, n, hit@1, hit@3, hit@5, MRR): the assistant first, then each baseline."""
    rows = []
    entries = [("recept-assistent", metrics["retrieval"])]
    entries += [(b["label"], b["retrieval"]) for b in (baselines or {}).values()]
    for label, r in entries:
        rows.append([label, str(r["n"]), *[fmt(r[f"hit@{k}"]) for k in KS], fmt(r["mrr"])])
    return rows


COMPARISON_HEADER = ("retriever", "n", "hit@1", "hit@3", "hit@5", "MRR")


def format_comparison(metrics: dict[str, Any], baselines: dict[str, dict[str, Any]] | None) -> str:
    """Retrieval of the assistant next to the baselines, as a terminal table."""
    return "\n".join(_table(COMPARISON_HEADER, comparison_rows(metrics, baselines)))


def format_engines(llm: dict[str, Any], extractive: dict[str, Any]) -> str:
    """The LLM engine's metrics beside the extractive engine's on the same questions.

    Model-judged scores (``--judge``) are labelled as such: a model graded them, not code.
    """

    def row(name: str, get: Any, pct: bool = False) -> list[str]:
        return [name, *(fmt(get(m), pct=pct) for m in (llm, extractive))]

    rows = [
        row("LLM-pad", lambda m: m.get("engines", {}).get("llm_path"), pct=True),
        row("citaten letterlijk", lambda m: m["citations"]["quote_validity"], pct=True),
        row("citaat-recall", lambda m: m["citations"]["recall"]),
        row("sleutelfeiten", lambda m: m["key_facts"]["rate"]),
        row("hit@1", lambda m: m["retrieval"]["hit@1"]),
        row("weigeren buiten scope", lambda m: m["refusal"]["out_of_scope_refusal_rate"]),
        row("latentie p50 (ms)", lambda m: m["latency_ms"]["p50"]),
        row("latentie p95 (ms)", lambda m: m["latency_ms"]["p95"]),
    ]
    for key, name in (("faithfulness", "faithfulness"), ("answer_relevance", "relevantie /5")):
        if llm.get("model_judged") or extractive.get("model_judged"):
            rows.append(
                row(
                    f"{name} (model-beoordeeld)",
                    lambda m, k=key: (m.get("model_judged") or {}).get(k),
                )
            )
    return "\n".join(_table(["", "LLM", "extractief"], rows))
