"""Document profiles: what is true of one kind of document only, behind one small interface.

The core (ingest, retrieval, answering) works for any document with the generic structure of a
Dutch government text. A profile adds what one kind of document needs beyond that: its own
parser, learned files fitted to it, descriptions of what it never covers. Profiles are plug-ins,
found through the ``recept.profiles`` entry point (as simonw/llm finds its models): the core
never imports or names one, and a document no profile claims gets the generic treatment.

>>> p = Profile(name="memo", matches=lambda doc_id, text: text.startswith("MEMO"))
>>> claim([p], "x", "MEMO over …").name, claim([p], "x", "Brief") is None
('memo', True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from recept.schema import Section

ENTRY_POINT_GROUP = "recept.profiles"

Matcher = Callable[[str, str], bool]  # (doc id, text) -> does this profile claim it
Parser = Callable[[str, str], list[Section]]  # (doc id, text) -> sections with exact offsets


@dataclass(frozen=True)
class Profile:
    """One kind of document. Every part but the name and the matcher is optional."""

    name: str
    matches: Matcher
    parse: Parser | None = None  # None: the generic parser
    adapter_path: Path | None = None  # learned query adapter (tied to documents by sha256)
    ranker_path: Path | None = None  # learned reranker, used together with the adapter
    # What the document never covers, for refusal ("budgets", "the weather"): compared with
    # the question; written for this document, never applied to another.
    off_topic: tuple[str, ...] = ()
    description: str = ""  # one line for people: what this kind of document is
    examples: tuple[str, ...] = ()  # questions to show a new user (else made from structure)
    extras: dict[str, object] = field(default_factory=dict)


def claim(profiles: Sequence[Profile], doc_id: str, text: str) -> Profile | None:
    """The first profile that claims the document, or None (generic)."""
    return next((p for p in profiles if p.matches(doc_id, text)), None)


def by_name(profiles: Sequence[Profile], name: str) -> Profile | None:
    """The profile called ``name``, or None.

    >>> by_name([Profile("a", lambda d, t: False)], "a").name
    'a'
    """
    return next((p for p in profiles if p.name == name), None)


@cache
def installed_profiles() -> tuple[Profile, ...]:
    """Every profile registered under the ``recept.profiles`` entry point, by name."""
    from importlib.metadata import entry_points

    found = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
    return tuple(sorted((p for p in found if isinstance(p, Profile)), key=lambda p: p.name))
