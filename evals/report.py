"""Write an eval run to a folder: report.md, report.html (self-contained), metrics.json, a chart.

The same content goes into Markdown and HTML: the headline metrics, per-type and
per-language tables, the baseline comparison, model-judged scores (labelled as such) and
every failing question with what was retrieved, what was cited and what was expected.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.cases import EvalCase
from evals.metrics import (
    COMPARISON_HEADER,
    GROUP_COLUMNS,
    CaseOutcome,
    comparison_rows,
    contains_any,
    fmt,
    outcomes_for,
)
from evals.runner import EvalRecord

CHART_NAME = "metrics-per-type.png"
CHART_SERIES = (
    ("hit@5", "hit@5"),
    ("citation_recall", "citaat-recall"),
    ("key_facts", "sleutelfeiten"),
    ("refusal_correct", "juist (niet) geweigerd"),
)
_ANSWER_CHARS = 600

Table = tuple[Sequence[str], Sequence[Sequence[str]]]


def headline_rows(metrics: dict[str, Any]) -> list[list[str]]:
    """(metric, value, n) rows for the main table."""
    r, c, k = metrics["retrieval"], metrics["citations"], metrics["key_facts"]
    ref, lat = metrics["refusal"], metrics["latency_ms"]
    return [
        ["hit@1", fmt(r["hit@1"]), str(r["n"])],
        ["hit@3", fmt(r["hit@3"]), str(r["n"])],
        ["hit@5", fmt(r["hit@5"]), str(r["n"])],
        ["MRR", fmt(r["mrr"]), str(r["n"])],
        ["citaten letterlijk in de bron", fmt(c["quote_validity"], pct=True), str(c["quotes"])],
        ["citaat-recall", fmt(c["recall"]), str(c["recall_n"])],
        ["citaat-precisie", fmt(c["precision"]), str(c["precision_n"])],
        ["sleutelfeiten", fmt(k["rate"]), str(k["n"])],
        [
            "buiten scope geweigerd",
            fmt(ref["out_of_scope_refusal_rate"]),
            str(ref["out_of_scope_n"]),
        ],
        ["onterecht geweigerd", fmt(ref["false_refusal_rate"]), str(ref["answerable_n"])],
        ["latentie p50 (ms)", fmt(lat["p50"]), str(lat["n"])],
        ["latentie p95 (ms)", fmt(lat["p95"]), str(lat["n"])],
    ]


def group_table(groups: dict[str, dict[str, Any]], title: str) -> Table:
    header = [title, *[label for _, label in GROUP_COLUMNS]]
    rows = [[name, *[fmt(g[col]) for col, _ in GROUP_COLUMNS]] for name, g in groups.items()]
    return header, rows


def judged_rows(judged: dict[str, Any]) -> list[list[str]]:
    return [
        [
            "faithfulness (gedeelte ondersteund door citaten)",
            fmt(judged.get("faithfulness")),
            str(judged.get("faithfulness_n", 0)),
        ],
        [
            "antwoordrelevantie (1–5)",
            fmt(judged.get("answer_relevance")),
            str(judged.get("relevance_n", 0)),
        ],
        ["onleesbare oordelen", str(judged.get("unparsed", 0)), ""],
    ]


def failures(
    metrics: dict[str, Any], records: Sequence[EvalRecord], cases: Sequence[EvalCase]
) -> list[dict[str, Any]]:
    """Every failing question with what it got and what was expected."""
    invalid = set(metrics["citations"]["invalid"])
    outcomes: list[CaseOutcome] = outcomes_for(records, cases, lambda q: q not in invalid)
    by_id = {c.id: c for c in cases}
    out = []
    for record, outcome in zip(records, outcomes, strict=True):
        problems = outcome.problems()
        if not problems:
            continue
        case = by_id[record.id]
        out.append(
            {
                "id": case.id,
                "type": case.type,
                "lang": case.lang,
                "question": case.question,
                "history": [f"{t['role']}: {t['content']}" for t in case.history],
                "problems": problems,
                "search_query": (
                    record.search_query if record.search_query.strip() != case.question else ""
                ),
                "answer": _clip(record.answer) or "(leeg)",
                "refused": record.refused,
                "retrieved": [
                    f"{i}. {p.get('section', '?')}"
                    + (" ✓" if case.gold and contains_any(str(p["text"]), case.gold) else "")
                    for i, p in enumerate(record.retrieved[:5], start=1)
                ],
                "cited": [
                    f"[{c['n']}] {c.get('section', '?')}: {c['quote']}" for c in record.citations
                ],
                "expected": _expected(case),
            }
        )
    return out


def _clip(text: str) -> str:
    return text if len(text) <= _ANSWER_CHARS else text[:_ANSWER_CHARS].rstrip() + " …"


def _expected(case: EvalCase) -> list[str]:
    out = ["beantwoordbaar" if case.answerable else "weigeren (niet beantwoordbaar)"]
    if case.gold:
        out.append("gold: " + " | ".join(case.gold))
    if case.must_all:
        out.append("moet alle: " + " | ".join(case.must_all))
    if case.must_any:
        out.append("minstens één van: " + " | ".join(case.must_any))
    return out


def write_chart(path: Path, metrics: dict[str, Any]) -> Path | None:
    """A grouped bar chart of key metrics per question type (Agg backend, no display)."""
    groups = metrics.get("by_type") or {}
    if not groups:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = list(groups)
    width = 0.8 / len(CHART_SERIES)
    fig = Figure(figsize=(max(6.0, 1.3 * len(names) + 2), 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, (key, label) in enumerate(CHART_SERIES):
        values = [
            float(groups[n][key]) if groups[n][key] is not None else float("nan") for n in names
        ]
        xs = [j + (i - (len(CHART_SERIES) - 1) / 2) * width for j in range(len(names))]
        ax.bar(xs, values, width=width, label=label)
    ax.set_xticks(range(len(names)), [f"{n}\n(n={groups[n]['n']})" for n in names])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("aandeel")
    ax.set_title("Kernmetrieken per vraagtype")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(path, format="png", bbox_inches="tight")
    return path


def _public_baselines(baselines: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    return {
        name: {k: v for k, v in b.items() if k != "rankings"}
        for name, b in (baselines or {}).items()
    }


# --- Markdown ------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return lines + [""]


def render_markdown(
    metrics: dict[str, Any],
    fails: list[dict[str, Any]],
    baselines: dict[str, dict[str, Any]] | None,
    chart: str | None,
    when: str,
) -> str:
    out = [f"# Evaluatie recept-assistent — {when}", "", f"Vragen: {metrics['n']}", ""]
    out += _md_table(("metriek", "waarde", "n"), headline_rows(metrics))
    if chart:
        out += [f"![Kernmetrieken per vraagtype]({chart})", ""]
    for key, title in (("by_type", "type"), ("by_lang", "taal")):
        if metrics.get(key):
            out += [f"## Per {title}", "", *_md_table(*group_table(metrics[key], title))]
    if baselines:
        out += ["## Vergelijking met baselines (alleen retrieval)", ""]
        out += _md_table(COMPARISON_HEADER, comparison_rows(metrics, baselines))
        out += [
            "Baselines zien alleen de vraag (geen gespreksgeschiedenis); hun stukken van ~1000 "
            "tekens maken een treffer makkelijker dan de kleinere secties van de assistent.",
            "",
        ]
    judged = metrics.get("model_judged")
    if judged:
        out += [f"## Model-beoordeeld (model-judged, rechter: {judged.get('model', '?')})", ""]
        out += [
            "Deze scores komen van een taalmodel, niet van vaste regels: vergelijk alleen "
            "runs met dezelfde rechter.",
            "",
        ]
        out += _md_table(("metriek", "waarde", "n"), judged_rows(judged))
    out += [f"## Mislukte vragen ({len(fails)})", ""]
    if not fails:
        out += ["Geen.", ""]
    for f in fails:
        out += [f"### {f['id']} ({f['type']}, {f['lang']})", "", f"**Vraag:** {f['question']}", ""]
        if f["history"]:
            out += ["**Eerder in het gesprek:**", *[f"- {h}" for h in f["history"]], ""]
        if f["search_query"]:
            out += [f"**Gezocht op:** {f['search_query']}", ""]
        out += ["**Problemen:** " + "; ".join(f["problems"]), ""]
        out += ["**Antwoord:**", "", *[f"> {line}" for line in f["answer"].splitlines()], ""]
        out += ["**Top opgehaald** (✓ = bevat gold):", *[f"- {r}" for r in f["retrieved"]], ""]
        if f["cited"]:
            out += ["**Geciteerd:**", *[f"- {c}" for c in f["cited"]], ""]
        out += ["**Verwacht:**", *[f"- {e}" for e in f["expected"]], ""]
    return "\n".join(out)


# --- HTML ----------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;
padding:.25rem .6rem;text-align:left}th{background:#f3f3f3}.fail{border-left:4px solid #c33;
padding:.2rem 1rem;margin:1rem 0}blockquote{color:#444;border-left:3px solid #ddd;margin:0;
padding-left:1rem;white-space:pre-wrap}.note{color:#666;font-size:.9rem}img{max-width:100%}"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _html_list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def render_html(
    metrics: dict[str, Any],
    fails: list[dict[str, Any]],
    baselines: dict[str, dict[str, Any]] | None,
    chart_png: bytes | None,
    when: str,
) -> str:
    title = f"Evaluatie recept-assistent — {when}"
    parts = [f"<h1>{_e(title)}</h1>", f"<p>Vragen: {_e(metrics['n'])}</p>"]
    parts.append(_html_table(("metriek", "waarde", "n"), headline_rows(metrics)))
    if chart_png:
        data = base64.b64encode(chart_png).decode("ascii")
        parts.append(f'<img alt="Kernmetrieken per vraagtype" src="data:image/png;base64,{data}">')
    for key, label in (("by_type", "type"), ("by_lang", "taal")):
        if metrics.get(key):
            parts += [f"<h2>Per {_e(label)}</h2>", _html_table(*group_table(metrics[key], label))]
    if baselines:
        parts.append("<h2>Vergelijking met baselines (alleen retrieval)</h2>")
        parts.append(_html_table(COMPARISON_HEADER, comparison_rows(metrics, baselines)))
        parts.append(
            '<p class="note">Baselines zien alleen de vraag (geen gespreksgeschiedenis); hun '
            "stukken van ~1000 tekens maken een treffer makkelijker dan de kleinere secties "
            "van de assistent.</p>"
        )
    judged = metrics.get("model_judged")
    if judged:
        parts.append(
            f"<h2>Model-beoordeeld (model-judged, rechter: {_e(judged.get('model', '?'))})</h2>"
        )
        parts.append(
            '<p class="note">Deze scores komen van een taalmodel, niet van vaste regels: '
            "vergelijk alleen runs met dezelfde rechter.</p>"
        )
        parts.append(_html_table(("metriek", "waarde", "n"), judged_rows(judged)))
    parts.append(f"<h2>Mislukte vragen ({len(fails)})</h2>")
    if not fails:
        parts.append("<p>Geen.</p>")
    for f in fails:
        block = [
            f"<h3>{_e(f['id'])} ({_e(f['type'])}, {_e(f['lang'])})</h3>",
            f"<p><b>Vraag:</b> {_e(f['question'])}</p>",
        ]
        if f["history"]:
            block += ["<p><b>Eerder in het gesprek:</b></p>", _html_list(f["history"])]
        if f["search_query"]:
            block.append(f"<p><b>Gezocht op:</b> {_e(f['search_query'])}</p>")
        block += [
            f"<p><b>Problemen:</b> {_e('; '.join(f['problems']))}</p>",
            f"<p><b>Antwoord:</b></p><blockquote>{_e(f['answer'])}</blockquote>",
            "<p><b>Top opgehaald</b> (✓ = bevat gold):</p>",
            _html_list(f["retrieved"]),
        ]
        if f["cited"]:
            block += ["<p><b>Geciteerd:</b></p>", _html_list(f["cited"])]
        block += ["<p><b>Verwacht:</b></p>", _html_list(f["expected"])]
        parts.append('<div class="fail">' + "".join(block) + "</div>")
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def write_report(
    directory: str | Path,
    metrics: dict[str, Any],
    records: Sequence[EvalRecord],
    cases: Sequence[EvalCase],
    baselines: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Path]:
    """Write the report files into ``directory`` (created if needed); returns their paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    fails = failures(metrics, records, cases)
    public = _public_baselines(baselines)
    paths = {
        "metrics": out / "metrics.json",
        "markdown": out / "report.md",
        "html": out / "report.html",
    }
    paths["metrics"].write_text(
        json.dumps({**metrics, "baselines": public}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    chart = write_chart(out / CHART_NAME, metrics)
    if chart is not None:
        paths["chart"] = chart
    paths["markdown"].write_text(
        render_markdown(metrics, fails, public, CHART_NAME if chart else None, when),
        encoding="utf-8",
    )
    paths["html"].write_text(
        render_html(metrics, fails, public, chart.read_bytes() if chart else None, when),
        encoding="utf-8",
    )
    return paths
