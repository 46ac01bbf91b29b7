"""From measured numbers to the report: the target verdicts and ratios stored as
``summary`` in ``bench.json``, and the Markdown tables of ``bench.md``. Pure functions.

Targets are reported, not asserted: full answer p50 ≤ 100 ms warm, retrieval p50 ≤ 30 ms,
answer p50 at the largest corpus ≤ 3× that at 1×.
"""

from __future__ import annotations

from typing import Any

TARGETS = {"answer_p50_ms": 100.0, "retrieval_p50_ms": 30.0, "scale_ratio": 3.0}


def _get(d: Any, *keys: str) -> Any:
    """``d[k1][k2]…``, or None where a level is missing or not a dict.

    >>> _get({"a": {"b": 2}}, "a", "b"), _get({"a": None}, "a", "b"), _get(None, "a")
    (2, None, None)
    """
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _ratio(a: Any, b: Any) -> float | None:
    """``a ÷ b`` to two decimals, or None without two numbers and a non-zero divisor.

    >>> _ratio(104.1, 41.1), _ratio(1, 0), _ratio(None, 2)
    (2.53, None, None)
    """
    if isinstance(a, int | float) and isinstance(b, int | float) and b:
        return round(float(a) / float(b), 2)
    return None


def _at_most(value: Any, target: float) -> bool:
    """Whether a measured ``value`` meets ``target``; a missing value never does.

    >>> _at_most(100.0, 100.0), _at_most(100.1, 100.0), _at_most(None, 100.0)
    (True, False, False)
    """
    return value is not None and value <= target


def corpus_ms(section: dict[str, Any]) -> float | None:
    """Mean ms of the stages whose cost grows with the corpus (vector search, BM25, compose).

    >>> corpus_ms({"stage_mean_ms": {"dense": 4.3, "lexical": 0.9, "compose": 0.6,
    ...                              "embed_query": 37.8}})
    5.8
    >>> corpus_ms({}) is None
    True
    """
    stages = section.get("stage_mean_ms") or {}
    parts = [stages.get(k) for k in ("dense", "lexical", "compose")]
    return round(sum(p for p in parts if p is not None), 1) if any(parts) else None


def summarise(r: dict[str, Any]) -> dict[str, Any]:
    """Targets and ratios, computed from the raw numbers.

    >>> s = summarise({
    ...     "warm_1x": {"answer_ms": {"p50": 41.1}, "retrieval_ms": {"p50": 39.8}},
    ...     "scale": {"200": None, "1000": {"answer_ms": {"p50": 104.1}}},
    ... })
    >>> s["answer_p50_ok"], s["retrieval_p50_ok"], s["largest_tier"]
    (True, False, '1000')
    >>> s["scale_answer_ratio"], s["scale_ratio_ok"]
    (2.53, True)
    """
    tiers = [k for k, v in (r.get("scale") or {}).items() if v]
    top = max(tiers, key=int) if tiers else None
    one = r.get("warm_1x") or {}
    answer_1 = _get(one, "answer_ms", "p50")
    retrieval_1 = _get(one, "retrieval_ms", "p50")
    out: dict[str, Any] = {
        "answer_p50_ms": answer_1,
        "answer_p50_ok": _at_most(answer_1, TARGETS["answer_p50_ms"]),
        "retrieval_p50_ms": retrieval_1,
        "retrieval_p50_ok": _at_most(retrieval_1, TARGETS["retrieval_p50_ms"]),
        "largest_tier": top,
    }
    if top:
        top_section = r["scale"][top]
        ratio = _ratio(_get(top_section, "answer_ms", "p50"), answer_1)
        out["scale_answer_ratio"] = ratio
        out["scale_retrieval_ratio"] = _ratio(_get(top_section, "retrieval_ms", "p50"), retrieval_1)
        out["scale_ratio_ok"] = _at_most(ratio, TARGETS["scale_ratio"])
        out["scale_corpus_part_ratio"] = _ratio(corpus_ms(top_section), corpus_ms(one))
    vs: dict[str, Any] = {}
    for tier in ["1", *tiers]:
        ours = one if tier == "1" else r["scale"][tier]
        theirs = _get(r, "langchain", tier)
        if not ours or not theirs:
            continue
        ours_ingest = r.get("corpus_ingest") if tier == "1" else ours.get("ingest")
        their_search = _get(theirs, "retrieval_ms", "p50")
        vs[tier] = {
            "retrieval_p50": _ratio(_get(ours, "retrieval_ms", "p50"), their_search),
            "answer_p50_vs_their_retrieval_p50": _ratio(
                _get(ours, "answer_ms", "p50"), their_search
            ),
            "ingest_s": _ratio(
                _get(ours_ingest, "projected_full_s") or _get(ours_ingest, "seconds"),
                _get(theirs, "ingest", "projected_full_s"),
            ),
            "chunks": _ratio(_get(ours_ingest, "chunks"), _get(theirs, "ingest", "chunks")),
        }
    out["ours_over_langchain"] = vs
    return out


# --- Markdown ---------------------------------------------------------------------------------


def _f(value: Any, unit: str = "") -> str:
    """A number for a table cell: thousands separators from 10 up, two decimals below.

    >>> _f(1069.0, " MB"), _f(7.2), _f(52), _f(None)
    ('1,069.0 MB', '7.20', '52', '–')
    """
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    else:
        text = f"{value}"
    return text + unit


def _ok(flag: Any) -> str:
    """The verdict mark of a target; a target not measured gets neither.

    >>> _ok(True), _ok(False), _ok(None)
    ('✅', '❌', '–')
    """
    return "✅" if flag is True else ("❌" if flag is False else "–")


def _p50_p95(section: Any, key: str) -> str:
    """The ``p50/p95`` cell of one latency.

    >>> _p50_p95({"answer_ms": {"p50": 41.1, "p95": 67.5}}, "answer_ms"), _p50_p95({}, "x")
    ('41.1/67.5', '–/–')
    """
    return f"{_f(_get(section, key, 'p50'))}/{_f(_get(section, key, 'p95'))}"


def _embedded(ingest: dict[str, Any]) -> str:
    """How many chunks the real model embedded, and whether that was all of them.

    >>> _embedded({"embedded_real": 896, "complete": False}), _embedded({"embedded_real": 52,
    ...                                                                  "complete": True})
    ('896 (partial)', '52')
    """
    return f"{ingest.get('embedded_real')}" + ("" if ingest.get("complete") else " (partial)")


def _targets(r: dict[str, Any]) -> list[str]:
    s = r.get("summary", {})
    m = r["machine"]
    return [
        f"# Benchmark ({r['mode']}, {r['when']})",
        "",
        f"{m['cpu_count']} CPU cores, {m['memory_gb']} GB, Python {m['python']}. "
        f"Load average at start {m['load_avg_at_start']}, at end {m.get('load_avg_at_end')}"
        " — a load above the core count means other work shared the CPU and every time below "
        "is inflated accordingly.",
        "",
        "## Targets (reported, not asserted)",
        "",
        "| measure | value | target | met |",
        "|---|---|---|---|",
        f"| full answer p50, warm, 1× | {_f(s.get('answer_p50_ms'), ' ms')} | "
        f"≤ {TARGETS['answer_p50_ms']:g} ms | {_ok(s.get('answer_p50_ok'))} |",
        f"| retrieval p50, warm, 1× | {_f(s.get('retrieval_p50_ms'), ' ms')} | "
        f"≤ {TARGETS['retrieval_p50_ms']:g} ms | {_ok(s.get('retrieval_p50_ok'))} |",
        f"| answer p50 at {s.get('largest_tier')}× ÷ at 1× | {_f(s.get('scale_answer_ratio'), '×')}"
        f" | ≤ {TARGETS['scale_ratio']:g}× | {_ok(s.get('scale_ratio_ok'))} |",
        f"| (corpus-dependent part only: vector search + BM25 + compose) | "
        f"{_f(s.get('scale_corpus_part_ratio'), '×')} | | |",
    ]


def _cold_start(r: dict[str, Any]) -> list[str]:
    return [
        "## Cold start and memory",
        "",
        "| what | seconds | peak RSS |",
        "|---|---|---|",
        f"| model load in process (e5-small) | {_f(r.get('model_load_s'))} | |",
        f"| `recept ask` launch → answer (median of {r['settings']['cold_reps']}) | "
        f"{_f(_get(r, 'cold_ask', 'median_s'))} | "
        f"{_f(_get(r, 'cold_ask', 'peak_rss_mb'), ' MB')} |",
        f"| `recept serve` launch → ready | {_f(_get(r, 'cold_serve', 'ready_s'))} | "
        f"{_f(_get(r, 'cold_serve', 'peak_rss_mb'), ' MB')} |",
        f"| `recept serve` launch → first `/chat` answer | "
        f"{_f(_get(r, 'cold_serve', 'launch_to_first_answer_s'))} | |",
        f"| this process after 1× (model + index + {r['settings']['questions']} questions) | | "
        f"{_f(r.get('peak_rss_mb_after_1x'), ' MB')} |",
        f"| this process overall (all tiers + LangChain) | | "
        f"{_f(r.get('peak_rss_mb_overall'), ' MB')} |",
    ]


def _recipe(r: dict[str, Any]) -> list[str]:
    ci = r.get("corpus_ingest") or {}
    w = r.get("warm_1x") or {}
    lines = [
        "## The recipe (1×)",
        "",
        f"Ingest: {_f(ci.get('seconds'))} s for {ci.get('chunks')} chunks "
        f"({_f(ci.get('chunks_per_s'))} chunks/s, model already loaded). "
        f"Opening the assistant: {_f(w.get('open_s'))} s.",
        "",
        f"Warm, {w.get('questions')} golden questions: retrieval p50/p95 "
        f"{_p50_p95(w, 'retrieval_ms')} ms, full answer p50/p95 {_p50_p95(w, 'answer_ms')} ms; "
        f"stage means {w.get('stage_mean_ms')}; {w.get('refused')} refused, "
        f"{w.get('unverified_citations')} unverified citations.",
        "",
    ]
    for key, v in (r.get("encoder_runtimes") or {}).items():
        if "_threads_" in key:
            runtime, n = key.split("_threads_")
            lines.append(
                f"- e5 on {runtime} with {n} thread(s): query embedding p50 "
                f"{_f(_get(v, 'query_ms', 'p50'))} ms, {_f(v.get('passages_per_s'))} passages/s"
            )
    return lines


def _scale(r: dict[str, Any]) -> list[str]:
    lines = [
        "## Scale",
        "",
        "| corpus | MB | chunks | e5-embedded | e5 chunks/s | ingest wall s | full ingest s "
        "(projected) | open s | retrieval p50/p95 ms | answer p50/p95 ms | of which embedding "
        "the query / the rest (mean ms) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ci = r.get("corpus_ingest") or {}
    # The 1× ingest is complete and unbudgeted: it has seconds where tiers have wall/projected.
    rows = [("1", r.get("warm_1x"), {**ci, "complete": True, "embedded_real": ci.get("chunks")})]
    rows += [(k, v, (v or {}).get("ingest") or {}) for k, v in (r.get("scale") or {}).items()]
    for tier, t, ing in rows:
        if not t:
            lines.append(f"| {tier}× | failed: {_get(r, 'failures')} |")
            continue
        size = t.get("bytes") or ci.get("bytes") or 0
        lines.append(
            f"| {tier}× | {size / 1e6:.2f} | {ing.get('chunks')} | {_embedded(ing)} | "
            f"{_f(ing.get('embed_chunks_per_s') or ing.get('chunks_per_s'))} | "
            f"{_f(ing.get('wall_s') or ing.get('seconds'))} | "
            f"{_f(ing.get('projected_full_s') or ing.get('seconds'))} | {_f(t.get('open_s'))} | "
            f"{_p50_p95(t, 'retrieval_ms')} | {_p50_p95(t, 'answer_ms')} | "
            f"{_f(_get(t, 'embed_query_ms', 'mean'))} / {_f(corpus_ms(t))} |"
        )
    lines += [
        "",
        "Partial tiers: e5 embedded chunks for the time budget "
        f"({r['settings']['ingest_budget_s']:.0f} s of embedding); the rest got stand-in "
        "vectors (earlier real vectors plus noise), so the index has its full size for the query "
        "measurements. The projection is chunks ÷ measured e5 chunks/s + the measured "
        "non-embedding time.",
    ]
    return lines


def _langchain(r: dict[str, Any]) -> list[str]:
    lines = [
        "## The LangChain recipe (RecursiveCharacterTextSplitter 1000/200, all-MiniLM-L6-v2, "
        "langchain_chroma, k=4)",
        "",
        "| corpus | chunks | embedded | MiniLM chunks/s | full ingest s (projected) | "
        "search p50/p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    for tier, t in (r.get("langchain") or {}).items():
        if not t:
            lines.append(f"| {tier}× | failed |")
            continue
        ing = t["ingest"]
        lines.append(
            f"| {tier}× | {ing['chunks']} | {_embedded(ing)} | {_f(ing['embed_chunks_per_s'])} | "
            f"{_f(ing['projected_full_s'])} | {_p50_p95(t, 'retrieval_ms')} |"
        )
    lines += [
        "",
        "### Ours ÷ LangChain (below 1 = ours smaller/faster)",
        "",
        "| corpus | retrieval p50 | our full answer p50 ÷ their search p50 | full ingest time | "
        "chunks |",
        "|---|---|---|---|---|",
    ]
    for tier, v in (r.get("summary", {}).get("ours_over_langchain") or {}).items():
        lines.append(
            f"| {tier}× | {_f(v['retrieval_p50'], '×')} | "
            f"{_f(v['answer_p50_vs_their_retrieval_p50'], '×')} | {_f(v['ingest_s'], '×')} | "
            f"{_f(v['chunks'], '×')} |"
        )
    lines += [
        "",
        "### Retrieval quality on the recipe (golden questions with gold passages, no history)",
        "",
        "| | n | hit@1 | hit@3 | hit@5 | MRR |",
        "|---|---|---|---|---|---|",
    ]
    for label, keys in (("ours (top 8)", ("warm_1x",)), ("LangChain (k=4)", ("langchain", "1"))):
        q = _get(r, *keys, "quality") or {}
        lines.append(
            f"| {label} | {q.get('n')} | {_f(q.get('hit@1'))} | {_f(q.get('hit@3'))} | "
            f"{_f(q.get('hit@5'))} | {_f(q.get('mrr'))} |"
        )
    return lines


def _llm(r: dict[str, Any]) -> list[str]:
    """The LLM engine with the test model: time to first token and the whole answer.

    >>> _llm({})[2]
    'Not measured.'
    >>> _llm({"llm": {"skipped": "no llama_cpp"}})[2]
    'Skipped: no llama_cpp'
    """
    head = ["## LLM engine (test model SmolLM2-135M on llama.cpp, one thread)", ""]
    x = r.get("llm")
    if not x:
        return [*head, "Not measured."]
    if "skipped" in x:
        return [*head, f"Skipped: {x['skipped']}"]
    ctx = "whole document" if x.get("whole_document") else "retrieved passages"
    return [
        *head,
        f"Context: {ctx} ({x['sentences']} sentences); the prefix took {x['prefix_eval_s']} s "
        f"once, then stays cached. LLM path: {x['llm_path']}/{x['questions']}.",
        "",
        "| | p50 | p95 |",
        "|---|---|---|",
        f"| time to first token (ms) | {x['ttft_ms']['p50']} | {x['ttft_ms']['p95']} |",
        f"| full answer (ms) | {x['answer_ms']['p50']} | {x['answer_ms']['p95']} |",
        *(
            [
                f"| motion, {x['motion_llm_path']}/{x['motions']} by the LLM (ms) | "
                f"{x['motion_ms']['p50']} | {x['motion_ms']['p95']} |"
            ]
            if "motion_ms" in x
            else []
        ),
    ]


def markdown(r: dict[str, Any]) -> str:
    """``bench.md``: every table, from the contents of ``bench.json``."""
    parts = [_targets(r), _cold_start(r), _recipe(r), _scale(r), _langchain(r), _llm(r)]
    if r.get("serving"):
        from bench.serve import markdown as serving_markdown

        parts.append(serving_markdown(r["serving"]))
    if r.get("failures"):
        parts.append(
            ["## Failures", "", *(f"- {name}: {err}" for name, err in r["failures"].items())]
        )
    return "\n\n".join("\n".join(lines) for lines in parts) + "\n"
