"""The quality gate: compare metrics with thresholds and list every violation (in Dutch).

A thresholds file names metrics by their dotted path in ``metrics.json``::

    {"min": {"retrieval.hit@5": 0.8}, "max": {"latency_ms.p95": 2000}}

A metric that was not measured (no questions of that kind) violates any threshold set on it.
Quote validity below 1.0 always fails: an unverifiable quote shown to a user is never fine.

>>> m = {"retrieval": {"hit@5": 0.7}, "citations": {"quote_validity": 1.0}}
>>> check_gate(m, {"min": {"retrieval.hit@5": 0.8}})
['retrieval.hit@5 = 0.7, minimaal 0.8 vereist']
>>> check_gate({"citations": {"quote_validity": 0.98}}, {})
['citations.quote_validity = 0.98, minimaal 1.0 vereist (altijd)']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.metrics import flatten
from recept.errors import InputError

QUOTE_VALIDITY = "citations.quote_validity"


def default_thresholds_path() -> Path:
    return Path(__file__).resolve().parent / "thresholds.json"


def load_thresholds(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """Read a thresholds file (default: the bundled ``evals/thresholds.json``)."""
    p = Path(path) if path is not None else default_thresholds_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"Drempelbestand niet gevonden: {p}") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"Drempelbestand {p} is geen geldige JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"Drempelbestand {p}: verwacht een object met 'min' en/of 'max'.")
    out: dict[str, dict[str, float]] = {}
    for side in ("min", "max"):
        section = data.get(side, {})
        if not isinstance(section, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in section.values()
        ):
            raise InputError(f"Drempelbestand {p}: '{side}' moet namen met getallen bevatten.")
        out[side] = {str(k): float(v) for k, v in section.items()}
    return out


def check_gate(metrics: dict[str, Any], thresholds: dict[str, dict[str, float]]) -> list[str]:
    """Violations of ``thresholds`` by ``metrics``; an empty list means the gate passes."""
    flat = flatten(metrics)
    violations: list[str] = []
    minimums = dict(thresholds.get("min", {}))
    forced = minimums.get(QUOTE_VALIDITY, 0.0) < 1.0
    minimums[QUOTE_VALIDITY] = 1.0
    for side, limits in (("min", minimums), ("max", thresholds.get("max", {}))):
        for name, limit in limits.items():
            suffix = " (altijd)" if name == QUOTE_VALIDITY and forced else ""
            if name not in flat:
                violations.append(f"{name}: onbekende of ontbrekende metriek")
                continue
            value = flat[name]
            if value is None:
                violations.append(f"{name}: niet gemeten (geen vragen van deze soort)")
            elif side == "min" and value < limit:
                violations.append(f"{name} = {value}, minimaal {limit} vereist{suffix}")
            elif side == "max" and value > limit:
                violations.append(f"{name} = {value}, maximaal {limit} toegestaan")
    return violations
