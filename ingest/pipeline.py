"""Ingest: documents → sections → chunks → vectors → a new Chroma build → switch.

Safety comes from the order of steps: a new build collection is filled completely and the
active pointer moves only at the very end, so an interrupted ingest (Ctrl-C, kill -9, a full
disk) leaves the previous build answering. A file lock keeps two ingests from racing.
Unchanged chunks (same id and content hash, same model and chunker) reuse their vectors.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ingest.chunk import CHUNKER_VERSION, chunk_sections
from ingest.embed.embedder import Embedder, load_embedder
from ingest.loaders import MB, LoadedDocument, discover, load_document
from ingest.parse.generic import parse_generic
from ingest.store import ChromaCatalog
from recept.errors import DocumentError, IngestLockedError, StoreError
from recept.profiles import Profile, claim, installed_profiles
from recept.schema import Chunk, Section
from recept.settings import Settings

FORMAT_VERSION = 1
EMBED_BATCH = 256  # chunks per embed + store call: fewer, larger Chroma writes

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestSummary:
    documents: int = 0
    chunks: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    skipped: list[DocumentError] = field(default_factory=list)
    build: str = ""
    changed: bool = False
    rebuilt_reason: str = ""


def parse_document(
    doc_id: str, text: str, profiles: Sequence[Profile] | None = None
) -> tuple[list[Section], str]:
    """(sections, profile name): the parser of the profile that claims the document (of the
    installed ones by default), else the generic parser of Dutch government documents ('' as
    profile name)."""
    profile = claim(installed_profiles() if profiles is None else profiles, doc_id, text)
    if profile is not None and profile.parse is not None:
        return profile.parse(doc_id, text), profile.name
    return parse_generic(doc_id, text), profile.name if profile else ""


def _assign_ids(docs: list[LoadedDocument], taken: dict[str, str]) -> list[LoadedDocument]:
    """Give documents unique ids; a path keeps the id it had in the previous build."""
    out: list[LoadedDocument] = []
    used = {d: p for d, p in taken.items()}
    for doc in docs:
        path = str(doc.path.resolve())
        doc_id = doc.doc_id
        n = 2
        while doc_id in used and used[doc_id] != path:
            doc_id = f"{doc.doc_id}-{n}"
            n += 1
        used[doc_id] = path
        out.append(LoadedDocument(doc_id, doc.path, doc.text, doc.format, doc.title, doc.sha256))
    return out


def corpus_hash(docs: dict[str, dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for doc_id in sorted(docs):
        h.update(f"{doc_id}\x00{docs[doc_id]['sha256']}\n".encode())
    return h.hexdigest()[:20]


class Ingestor:
    """Runs ingests against one catalog with one embedder."""

    def __init__(
        self,
        catalog: ChromaCatalog,
        embedder: Embedder,
        *,
        lock_path: Path,
        max_bytes: int,
        lock_wait: float = 0.0,
        profiles: Sequence[Profile] | None = None,
    ) -> None:
        self.catalog = catalog
        self.embedder = embedder
        self.lock_path = lock_path
        self.max_bytes = max_bytes
        self.lock_wait = lock_wait
        # Document profiles (plug-ins) with their own parsers; None: the installed ones.
        self.profiles = installed_profiles() if profiles is None else tuple(profiles)

    @classmethod
    def from_settings(cls, settings: Settings, *, lock_wait: float = 0.0) -> Ingestor:
        return cls(
            ChromaCatalog.from_settings(settings),
            # Batch embedding gains from all cores (~35% more chunks/s idle); queries don't.
            load_embedder(replace(settings, torch_threads=0)),
            lock_path=settings.data_path / "ingest.lock",
            max_bytes=settings.max_file_mb * MB,
            lock_wait=lock_wait,
        )

    def expected_manifest_keys(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "model": self.embedder.name, "chunker": CHUNKER_VERSION}

    def run(
        self,
        paths: Sequence[Path],
        *,
        sync: bool,
        force: bool = False,
        progress: Progress | None = None,
    ) -> IngestSummary:
        """Ingest ``paths``. ``sync``: the index holds exactly these documents afterwards
        (others are removed); otherwise they are added to / updated in the current index."""
        lock = FileLock(str(self.lock_path), timeout=self.lock_wait)
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout as exc:
            raise IngestLockedError(
                "Er loopt al een andere ingest op deze index. Wacht tot die klaar is "
                "(of gebruik --wait) en probeer het opnieuw."
            ) from exc
        except OSError as exc:
            raise StoreError(
                f"Kan het ingest-slot {self.lock_path} niet aanmaken ({exc.strerror or exc}). "
                "Is de datamap schrijfbaar?"
            ) from exc
        try:
            return self._run_locked(paths, sync=sync, force=force, progress=progress)
        finally:
            lock.release()

    def _run_locked(
        self, paths: Sequence[Path], *, sync: bool, force: bool, progress: Progress | None
    ) -> IngestSummary:
        t0 = time.perf_counter()
        summary = IngestSummary()
        active = self.catalog.active()
        # Leftovers of an interrupted ingest are never active: remove them.
        for name in self.catalog.build_names():
            if active is None or name != active.name:
                self.catalog.drop(name)

        files, errors = discover(paths)
        summary.skipped.extend(errors)
        loaded: list[LoadedDocument] = []
        for i, f in enumerate(files):
            if progress:
                progress("lezen", i, len(files))
            try:
                loaded.append(load_document(f, max_bytes=self.max_bytes))
            except DocumentError as exc:
                summary.skipped.append(exc)

        old_manifest: dict[str, Any] = active.manifest if active else {}
        old_docs: dict[str, dict[str, Any]] = dict(old_manifest.get("documents", {}))
        same_setup = all(old_manifest.get(k) == v for k, v in self.expected_manifest_keys().items())
        if active is not None and not same_setup:
            summary.rebuilt_reason = (
                f"model/chunker/formaat gewijzigd ({old_manifest.get('model')}, "
                f"{old_manifest.get('chunker')}) → volledig opnieuw"
            )
        loaded = _assign_ids(loaded, {d: str(m.get("path", "")) for d, m in old_docs.items()})

        # Which documents the new build holds: new/updated ones, plus kept old ones.
        new_ids = {d.doc_id for d in loaded}
        skipped_paths = {str(Path(e.path).resolve()) for e in summary.skipped}
        keep_old = {
            d: m
            for d, m in old_docs.items()
            if d not in new_ids and (not sync or m.get("path") in skipped_paths)
        }
        chunks: list[Chunk] = []
        sources: dict[str, str] = {}
        docs_meta: dict[str, dict[str, Any]] = {}
        for doc in loaded:
            sections, profile = parse_document(doc.doc_id, doc.text, self.profiles)
            doc_chunks = chunk_sections(sections)
            for c in doc_chunks:
                assert doc.text[c.start : c.end] == c.text, "chunk offsets must be exact"
            chunks.extend(doc_chunks)
            sources[doc.doc_id] = doc.text
            docs_meta[doc.doc_id] = {
                "path": str(doc.path.resolve()),
                "sha256": doc.sha256,
                "title": doc.title,
                "format": doc.format,
                "chunks": len(doc_chunks),
                "profile": profile,
            }

        old_store = self.catalog.open(active.name) if active else None
        old_chunks = old_store.all_chunks() if old_store else []
        if keep_old and old_store is not None and active is not None:
            kept = [c for c in old_chunks if c.doc_id in keep_old]
            chunks.extend(kept)
            docs_meta.update(keep_old)
            old_sources = self.catalog.documents(active.name)
            sources.update({d: old_sources[d] for d in keep_old if d in old_sources})

        old_by_id = {c.id: c for c in old_chunks}
        reusable = {
            c.id
            for c in chunks
            if same_setup
            and not force
            and c.id in old_by_id
            and old_by_id[c.id].content_hash == c.content_hash
        }
        new_ids_all = {c.id for c in chunks}
        summary.documents = len(docs_meta)
        summary.chunks = len(chunks)
        summary.unchanged = len(reusable)
        summary.added = len(chunks) - len(reusable)
        summary.removed = len([i for i in old_by_id if i not in new_ids_all])

        manifest = {
            **self.expected_manifest_keys(),
            "corpus_hash": corpus_hash(docs_meta),
            "documents": docs_meta,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "chunks": len(chunks),
        }
        unchanged_index = (
            active is not None
            and summary.added == 0
            and summary.removed == 0
            and old_manifest.get("corpus_hash") == manifest["corpus_hash"]
        )
        if unchanged_index and active is not None:
            summary.build = active.name
            summary.seconds = time.perf_counter() - t0
            return summary
        if not chunks:
            # Nothing readable: keep whatever index there was rather than emptying it.
            summary.build = active.name if active else ""
            summary.seconds = time.perf_counter() - t0
            return summary

        manifest["dim"] = self.embedder.dim  # loads the model: only when something changes
        build = f"{self.catalog.prefix}-b{datetime.now(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
        store = self.catalog.create(build)
        try:
            reused_vectors = old_store.vectors(sorted(reusable)) if old_store else {}
            todo = [c for c in chunks if c.id not in reused_vectors]
            if reused_vectors:
                keep = [c for c in chunks if c.id in reused_vectors]
                store.add(keep, [reused_vectors[c.id] for c in keep])
            for i in range(0, len(todo), EMBED_BATCH):
                if progress:
                    progress("embedden", i, len(todo))
                batch = todo[i : i + EMBED_BATCH]
                store.add(batch, self.embedder.embed_documents([c.embed_text for c in batch]))
            if progress:
                progress("embedden", len(todo), len(todo))
            self.catalog.save_documents(build, sources)
            if store.count() != len(chunks):
                raise StoreError(
                    f"Index onvolledig opgeslagen ({store.count()} van {len(chunks)} stukken)."
                )
            self.catalog.activate(build, manifest)
        except BaseException:
            # The old build stays active; the partial one is removed (or by the next ingest).
            with contextlib.suppress(Exception):
                self.catalog.drop(build)
            raise
        if active is not None:
            self.catalog.drop(active.name)
        summary.build = build
        summary.changed = True
        summary.seconds = time.perf_counter() - t0
        return summary


def index_state(catalog: ChromaCatalog, embedder_name: str) -> str:
    """'missing', 'stale' (other model, chunker or format) or 'ok'."""
    active = catalog.active()
    if active is None:
        return "missing"
    m = active.manifest
    expected = {"format": FORMAT_VERSION, "model": embedder_name, "chunker": CHUNKER_VERSION}
    return "ok" if all(m.get(k) == v for k, v in expected.items()) else "stale"
