"""Reading the word lists shipped as data files (``<package>/data/*.txt|tsv``).

A data file is UTF-8 text: ``#`` starts a comment (the header says what belongs in the file),
blank lines are skipped. Each list's own module parses and validates the lines it gets here.

>>> data_lines("# header\\n\\ncrisis ramp  # a comment\\n  praten  \\n")
[(3, 'crisis ramp'), (4, 'praten')]
"""

from __future__ import annotations

from importlib import resources


def data_lines(text: str) -> list[tuple[int, str]]:
    """The lines that hold data, without comments and surrounding spaces, with their 1-based
    line numbers (for error messages)."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        data = line.split("#", 1)[0].strip()
        if data:
            out.append((number, data))
    return out


def read_data(package: str, name: str) -> str:
    """The text of ``data/<name>`` inside ``package`` (shipped as package data)."""
    return resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
