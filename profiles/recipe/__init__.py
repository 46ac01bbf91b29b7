"""The profile of "Recept voor de toekomst" (Gedeputeerde Staten van Noord-Holland, Dec 2022).

What only this letter has: its own parser (ingredients in groups, quotes with their speakers,
the colophon), the query adapter and reranker learned from question sets about it (by
``python -m profiles.recipe.train``, tied to the letter's sha256), and the subjects it never
covers, for refusal (``off_topic.txt``).
"""

from __future__ import annotations

from pathlib import Path

from profiles.recipe.parse import looks_like_recipe, parse_recept
from recept.profiles import Profile

HERE = Path(__file__).resolve().parent
ADAPTER = HERE / "adapter.npz"
RANKER = HERE / "ranker.json"


def read_lines(path: Path) -> tuple[str, ...]:
    """A data file's entries: non-empty lines that are not comments.

    >>> len(read_lines(HERE / "off_topic.txt")) > 5
    True
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


PROFILE = Profile(
    name="recipe",
    matches=lambda doc_id, text: looks_like_recipe(text),
    parse=parse_recept,
    adapter_path=ADAPTER,
    ranker_path=RANKER,
    off_topic=read_lines(HERE / "off_topic.txt"),
    description="Brief van GS Noord-Holland met het recept van 14 ingrediënten en drie citaten",
    examples=(
        "Geef alle ingrediënten",
        "Hoe pas ik 'Gunnen' toe bij woningbouw?",
        "Wat betekent ANNA?",
        "Stel een motie op over regionale samenwerking",
    ),
)
