"""The layering the README draws: every import of our own packages points down.

ground (recept) < ingest < assistant < profiles < roof (cli, ui, server, evals, bench)

Imports inside functions count too: a lazy import upwards is still a dependency upwards.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYER = {
    "recept": 0,
    "ingest": 1,
    "assistant": 2,
    "profiles": 3,
    "cli": 4,
    "ui": 4,
    "server": 4,
    "evals": 4,
    "bench": 4,
}
# The roof packages may use each other only where one is a tool of the other: the CLI starts
# the server and the web app and runs the evals; the server mounts the web app; the bench
# drives the server and reads eval sets; the recipe's training script reads eval sets.
ROOF_USES = {
    "cli": {"ui", "server", "evals"},
    "server": {"ui"},
    "bench": {"server", "evals", "ui"},
    "evals": set(),
    "ui": set(),
}


def imports(path: Path) -> set[str]:
    """Top-level package names of our own packages that ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
    return out & set(LAYER)


def test_every_import_points_down() -> None:
    wrong = []
    for package, level in LAYER.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for target in imports(path):
                if target == package:
                    continue
                ok = LAYER[target] < level or target in ROOF_USES.get(package, set())
                if package == "profiles" and target == "evals" and path.name == "train.py":
                    ok = True  # training reads the question sets; the profile itself does not
                if not ok:
                    wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not wrong, "imports that point up or sideways:\n" + "\n".join(wrong)


def test_the_roof_uses_only_the_public_assistant_api() -> None:
    internal = []
    for package in ("cli", "ui", "server"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "assistant."
                ):
                    internal.append(f"{path.relative_to(ROOT)}: from {node.module}")
    assert not internal, "\n".join(internal)
