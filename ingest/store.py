"""The vector store: Chroma, embedded (PersistentClient) or a server (HttpClient).

Each ingest writes a *build*: a new collection of chunks (plus one of document sources).
A small meta collection holds the name of the active build and its manifest; switching that
pointer is the last step of an ingest, so an interrupted ingest leaves the old build active.
We always pass our own vectors: Chroma's default embedding function would download a model.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar
from urllib.parse import urlparse

from recept.errors import StoreError
from recept.schema import Chunk
from recept.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")
_DOC_PIECE = 100_000  # characters per stored piece of a document's source text


class VectorStore(Protocol):
    """One build's chunks and vectors."""

    name: str

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None: ...

    def query(
        self, vector: Sequence[float], k: int, doc_id: str | None = None
    ) -> list[tuple[Chunk, float]]: ...

    def all_chunks(self) -> list[Chunk]: ...

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]: ...

    def count(self) -> int: ...


def chunk_from_record(cid: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=cid,
        doc_id=str(meta.get("doc_id", "")),
        kind=str(meta.get("kind", "section")),
        title=str(meta.get("title", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        text=text,
        embed_text=str(meta.get("embed_text", "")),
        content_hash=str(meta.get("content_hash", "")),
        group=str(meta.get("group", "")),
        speaker=str(meta.get("speaker", "")),
        role=str(meta.get("role", "")),
        ordinal=int(meta.get("ordinal", 0)),
    )


def friendly_store_message(what: str, exc: Exception) -> str:
    """One Dutch line for a store failure.

    >>> friendly_store_message("toevoegen", OSError(28, "No space left on device"))
    'De schijf is vol (bij toevoegen); de bestaande index is niet gewijzigd.'
    """
    text = f"{type(exc).__name__}: {exc}"
    if (isinstance(exc, OSError) and exc.errno == 28) or "disk is full" in text.lower():
        return f"De schijf is vol (bij {what}); de bestaande index is niet gewijzigd."
    if "ConnectError" in text or "Connection refused" in text or "ConnectTimeout" in text:
        return f"De Chroma-server is niet bereikbaar (bij {what}). Draait `chroma run` nog?"
    if "Timeout" in type(exc).__name__:
        return f"De Chroma-server antwoordt niet op tijd (bij {what})."
    return f"Chroma-fout bij {what}: {text}"


def _guard(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: any Chroma/network failure becomes a StoreError with a Dutch message."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except StoreError:
                raise
            except Exception as exc:  # chromadb raises many unrelated types
                raise StoreError(friendly_store_message(what, exc)) from exc

        return inner

    return wrap


class ChromaCollectionStore:
    """A VectorStore over one Chroma collection."""

    def __init__(self, collection: Any) -> None:
        self._col = collection
        self.name: str = collection.name

    @_guard("toevoegen")
    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        if not chunks:
            return
        self._col.upsert(
            ids=[c.id for c in chunks],
            embeddings=[list(v) for v in vectors],
            documents=[c.text for c in chunks],
            metadatas=[{**c.metadata(), "embed_text": c.embed_text} for c in chunks],
        )

    @_guard("zoeken")
    def query(
        self, vector: Sequence[float], k: int, doc_id: str | None = None
    ) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks nearest ``vector`` (of document ``doc_id`` only, when given)."""
        n = min(k, self.count())
        if n <= 0:
            return []
        res = self._col.query(
            query_embeddings=[list(vector)],
            n_results=n,
            where={"doc_id": doc_id} if doc_id is not None else None,
            include=["documents", "metadatas", "distances"],
        )
        out = []
        for cid, doc, meta, dist in zip(
            res["ids"][0],
            res["documents"][0],
            res["metadatas"][0],
            res["distances"][0],
            strict=True,
        ):
            out.append((chunk_from_record(cid, doc, dict(meta)), 1.0 - float(dist)))
        return out

    @_guard("lezen")
    def all_chunks(self) -> list[Chunk]:
        res = self._col.get(include=["documents", "metadatas"])
        chunks = [
            chunk_from_record(cid, doc, dict(meta))
            for cid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: (c.doc_id, c.start))

    @_guard("lezen")
    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        res = self._col.get(ids=list(ids), include=["embeddings"])
        return {
            cid: [float(x) for x in emb]
            for cid, emb in zip(res["ids"], res["embeddings"], strict=True)
        }

    @_guard("tellen")
    def count(self) -> int:
        return int(self._col.count())


@dataclass(frozen=True)
class ActiveBuild:
    name: str
    manifest: dict[str, Any]


class ChromaCatalog:
    """The builds of one prefix in one Chroma (embedded or server), and which one is active."""

    def __init__(self, client: Any, prefix: str = "recept") -> None:
        self._client = client
        self.prefix = prefix
        self._meta_name = f"{prefix}-meta"

    @classmethod
    def from_settings(cls, settings: Settings) -> ChromaCatalog:
        client = make_client(settings.data_path, settings.chroma_url, settings.chroma_timeout)
        return cls(client, settings.collection_prefix)

    def _collection(self, name: str, create: bool = True) -> Any:
        if create:
            return self._client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        return self._client.get_collection(name, embedding_function=None)

    @_guard("lezen van de index")
    def active(self) -> ActiveBuild | None:
        names = self.build_names(include_meta=True)
        if self._meta_name not in names:
            return None
        meta = self._collection(self._meta_name, create=False).metadata or {}
        name = meta.get("active")
        if not name or name not in names:
            return None
        return ActiveBuild(str(name), json.loads(str(meta.get("manifest", "{}"))))

    @_guard("openen van de index")
    def open(self, name: str) -> ChromaCollectionStore:
        return ChromaCollectionStore(self._collection(name, create=False))

    @_guard("aanmaken van een collectie")
    def create(self, name: str) -> ChromaCollectionStore:
        for n in (name, f"{name}-docs"):
            if n in self.build_names(include_meta=True):
                self._client.delete_collection(n)
        return ChromaCollectionStore(self._collection(name))

    @_guard("activeren van de index")
    def activate(self, name: str, manifest: dict[str, Any]) -> None:
        self._collection(self._meta_name).modify(
            metadata={"active": name, "manifest": json.dumps(manifest, sort_keys=True)}
        )

    @_guard("opruimen")
    def drop(self, name: str) -> None:
        existing = self.build_names(include_meta=True)
        for n in (name, f"{name}-docs"):
            if n in existing:
                self._client.delete_collection(n)

    @_guard("lijst van collecties")
    def build_names(self, include_meta: bool = False) -> list[str]:
        names = [c if isinstance(c, str) else c.name for c in self._client.list_collections()]
        mine = [n for n in names if n.startswith(self.prefix + "-")]
        if include_meta:
            return mine
        return [n for n in mine if n != self._meta_name and not n.endswith("-docs")]

    @_guard("opslaan van documenten")
    def save_documents(self, build: str, docs: dict[str, str]) -> None:
        """Store each document's source text (what citation offsets refer to) with the build."""
        col = self._collection(f"{build}-docs")
        records = [
            (f"{doc_id}#{n}", text[i : i + _DOC_PIECE], {"doc_id": doc_id, "piece": n})
            for doc_id, text in docs.items()
            for n, i in enumerate(range(0, max(len(text), 1), _DOC_PIECE))
        ]
        for start in range(0, len(records), 500):  # one upsert per document was the bottleneck
            batch = records[start : start + 500]
            col.upsert(
                ids=[r[0] for r in batch],
                embeddings=[[1.0] for _ in batch],
                documents=[r[1] for r in batch],
                metadatas=[r[2] for r in batch],
            )

    @_guard("lezen van documenten")
    def documents(self, build: str) -> dict[str, str]:
        col = self._collection(f"{build}-docs", create=False)
        res = col.get(include=["documents", "metadatas"])
        parts: dict[str, list[tuple[int, str]]] = {}
        for doc, meta in zip(res["documents"], res["metadatas"], strict=True):
            parts.setdefault(str(meta["doc_id"]), []).append((int(meta["piece"]), doc))
        return {d: "".join(t for _, t in sorted(p)) for d, p in parts.items()}


def make_client(data_path: Path, chroma_url: str = "", timeout: float = 10.0) -> Any:
    """An embedded PersistentClient under ``data_path/chroma``, or an HttpClient for a URL."""
    try:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
    except ImportError as exc:  # pragma: no cover - dependency is pinned
        raise StoreError("chromadb is niet geïnstalleerd; voer `make install` uit.") from exc
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        u = urlparse(chroma_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise StoreError(
                f"Ongeldige RECEPT_CHROMA_URL: {chroma_url!r} (verwacht http://host:poort)."
            )
        port = u.port or (443 if u.scheme == "https" else 8000)
        try:
            import httpx

            # The client's constructor talks to the server without a timeout: check first.
            httpx.get(
                f"{u.scheme}://{u.hostname}:{port}/api/v2/heartbeat", timeout=timeout
            ).raise_for_status()
            client = chromadb.HttpClient(
                host=u.hostname,
                port=port,
                ssl=u.scheme == "https",
                settings=chroma_settings,
            )
            # chromadb 1.5.9 builds its httpx session with timeout=None and offers no setting:
            # a server that accepts connections but never answers would hang every question.
            session = getattr(getattr(client, "_server", None), "_session", None)
            if session is not None:
                session.timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
            return client
        except Exception as exc:
            raise StoreError(
                f"Chroma-server op {chroma_url} is niet bereikbaar ({type(exc).__name__}). "
                "Start hem met `chroma run` of maak RECEPT_CHROMA_URL leeg."
            ) from exc
    path = data_path / "chroma"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(f"Kan de index in {path} niet openen: {exc}") from exc
