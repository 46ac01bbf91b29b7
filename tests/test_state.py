"""The index's state on disk: missing, stale, unwritable, full, killed mid-way, locked, unchanged.

Each failure must leave the previous index answering and give one clear Dutch line. Logic runs
with the HashEmbedder fake; the real model is used where an answer over a real index is the
point (stale → rebuilt, kill -9).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.models.Collection import Collection
from click.testing import CliRunner
from conftest import CORPUS, CORPUS_FILE, link_models
from filelock import FileLock

from ingest.embed.embedder import HashEmbedder
from ingest.embed.st import SentenceTransformerEmbedder
from ingest.loaders import MB
from ingest.pipeline import Ingestor, index_state
from ingest.store import ChromaCatalog
from recept.errors import (
    IndexMissingError,
    IndexStaleError,
    IngestLockedError,
    StoreError,
)
from recept.settings import Settings

PROJECT = Path(__file__).resolve().parents[1]
RECEPT = Path(sys.executable).with_name("recept")  # the console script next to this Python

DOC_A = """# Woningbouw in de regio

De gemeenten bouwen samen 4.000 woningen per jaar en verdelen de opgave naar inwonertal.

## Financiering

De provincie draagt bij uit het regionale woningbouwfonds.

## Planning

De eerste projecten starten in het voorjaar van 2024.
"""
DOC_B = """# Bereikbaarheid

De regio investeert in snelfietspaden tussen de kernen.

## Openbaar vervoer

De buslijnen worden in overleg met de vervoerder opnieuw ingedeeld.
"""


def make_ingestor(settings: Settings, embedder: Any = None, lock_wait: float = 0.0) -> Ingestor:
    return Ingestor(
        ChromaCatalog.from_settings(settings),
        embedder if embedder is not None else HashEmbedder(),
        lock_path=settings.data_path / "ingest.lock",
        max_bytes=settings.max_file_mb * MB,
        lock_wait=lock_wait,
    )


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "woningbouw.md").write_text(DOC_A, encoding="utf-8")
    (folder / "bereikbaarheid.md").write_text(DOC_B, encoding="utf-8")
    return folder


def run_cli(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RECEPT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=timeout,
        check=False,
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The CLI's contract for errors: exit 1, exactly one line on stderr, no traceback."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert lines[0].startswith("Fout: ")
    return lines[0]


# --- missing ---------------------------------------------------------------------------------


def test_missing_index_raises_index_missing_error_in_dutch() -> None:
    from assistant.api import Assistant

    settings = Settings.load()
    assert index_state(ChromaCatalog.from_settings(settings), "hash-64") == "missing"
    with pytest.raises(IndexMissingError) as err:
        Assistant.from_settings(settings, embedder=HashEmbedder())
    assert "Er is nog geen index" in err.value.message
    assert "recept ingest" in err.value.message


@pytest.mark.slow
def test_cli_ask_without_index_exits_1_with_one_line(tmp_path: Path, e5_model_dir: Path) -> None:
    data = tmp_path / "data"
    link_models(data, e5_model_dir)
    line = one_error_line(run_cli(["ask", "Wat betekent Gunnen?"], {"RECEPT_DATA_DIR": str(data)}))
    assert "Er is nog geen index" in line and "recept ingest" in line


@pytest.mark.slow
def test_cli_ask_on_a_fresh_data_dir_says_no_index_first(tmp_path: Path) -> None:
    # Neither model nor index: "ingest first" is the useful message (ingest builds the model).
    line = one_error_line(
        run_cli(["ask", "Wat betekent Gunnen?"], {"RECEPT_DATA_DIR": str(tmp_path / "leeg")})
    )
    assert "Er is nog geen index" in line and "recept ingest" in line


@pytest.mark.slow
def test_cli_ask_without_model_exits_1_with_one_line(tmp_path: Path) -> None:
    # An index made for e5-small exists, but the model folder is gone.
    settings = Settings.load(overrides={"data_dir": str(tmp_path / "data")})
    make_ingestor(settings, HashEmbedder(name="e5-small")).run([CORPUS], sync=True)
    line = one_error_line(
        run_cli(["ask", "Wat betekent Gunnen?"], {"RECEPT_DATA_DIR": str(tmp_path / "data")})
    )
    assert "recept models build" in line


# --- stale -----------------------------------------------------------------------------------


@pytest.mark.model
def test_index_from_another_model_is_stale_until_reingested(
    monkeypatch: pytest.MonkeyPatch, e5_embedder: SentenceTransformerEmbedder
) -> None:
    import ingest.pipeline
    from assistant.api import Assistant
    from cli import cli

    settings = Settings.load()
    make_ingestor(settings, HashEmbedder(name="hash-64")).run([CORPUS], sync=True)
    with pytest.raises(IndexStaleError) as err:
        Assistant.from_settings(settings, embedder=e5_embedder)
    assert "hash-64" in err.value.message and "recept ingest" in err.value.message

    # `recept ingest` (in process, with the already loaded model) rebuilds it completely.
    monkeypatch.setattr(ingest.pipeline, "load_embedder", lambda s: e5_embedder)
    result = CliRunner().invoke(cli, ["ingest"])
    assert result.exit_code == 0, result.output
    assert "Opnieuw opgebouwd" in result.output and "0 ongewijzigd" in result.output

    assistant = Assistant.from_settings(settings, embedder=e5_embedder)
    answer = assistant.ask("Wat betekent Gunnen?")
    assert not answer.refused and answer.citations
    assert all(assistant.verify(c) for c in answer.citations)


# --- unwritable data dir -----------------------------------------------------------------------


def test_data_dir_under_a_file_gives_store_error(tmp_path: Path) -> None:
    from assistant.api import Assistant

    blocker = tmp_path / "geen-map"
    blocker.write_text("ik ben een bestand", encoding="utf-8")
    settings = Settings.load(overrides={"data_dir": str(blocker / "data")})
    with pytest.raises(StoreError) as err:
        Assistant.from_settings(settings, embedder=HashEmbedder())
    assert "Kan de index in" in err.value.message and str(blocker) in err.value.message
    with pytest.raises(StoreError):
        make_ingestor(settings)


@pytest.mark.slow
def test_cli_with_unusable_data_dir_exits_1_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "geen-map"
    blocker.write_text("ik ben een bestand", encoding="utf-8")
    line = one_error_line(run_cli(["--data-dir", str(blocker / "data"), "ask", "Wat is Doen?"], {}))
    # Whichever check comes first (model or index), the user learns which path is the problem.
    assert str(blocker) in line


@pytest.mark.parametrize(
    "exc",
    [
        PermissionError(errno.EACCES, "Permission denied"),
        OSError(errno.EROFS, "Read-only file system"),
        sqlite3.OperationalError("attempt to write a readonly database"),
    ],
    ids=["permission", "read-only-fs", "sqlite-readonly"],
)
def test_unwritable_store_gives_store_error(
    monkeypatch: pytest.MonkeyPatch, exc: Exception
) -> None:
    import chromadb

    monkeypatch.setattr(chromadb, "PersistentClient", raiser(exc))
    with pytest.raises(StoreError) as err:
        ChromaCatalog.from_settings(Settings.load())
    assert "Kan de index in" in err.value.message


def test_lock_file_that_cannot_be_created_gives_store_error(tmp_path: Path) -> None:
    settings = Settings.load()
    (settings.data_path / "ingest.lock").mkdir(parents=True)  # as root, chmod would not bite
    with pytest.raises(StoreError) as err:
        make_ingestor(settings).run([write_docs(tmp_path / "docs")], sync=True)
    assert "ingest.lock" in err.value.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_data_dir_for_real(tmp_path: Path) -> None:  # pragma: no cover - non-root
    settings = Settings.load()
    make_ingestor(settings).run([write_docs(tmp_path / "docs")], sync=True)
    for p in [settings.data_path, *settings.data_path.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        (tmp_path / "docs" / "woningbouw.md").write_text(DOC_A + "\nNieuw.\n", encoding="utf-8")
        with pytest.raises((StoreError, IngestLockedError)):
            make_ingestor(settings).run([tmp_path / "docs"], sync=True)
    finally:
        for p in [settings.data_path, *settings.data_path.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)


# --- disk full / failing writes mid-ingest ------------------------------------------------------


def fail_on_call(n: int, exc: BaseException) -> Callable[..., Any]:
    """A replacement for Chroma's ``Collection.upsert`` that raises from its ``n``-th call on,
    the way a full disk surfaces from inside the client library."""
    real = Collection.upsert
    calls = {"n": 0}

    def upsert(self: Collection, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] >= n:
            raise exc
        return real(self, *args, **kwargs)

    return upsert


def raiser(exc: BaseException) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


def many_chunk_doc(n: int, tag: str) -> str:
    return (
        "\n\n".join(
            f"## Onderdeel {i}\n\nIn onderdeel {i} ({tag}) spreken de gemeenten af om samen op te "
            f"trekken bij opgave nummer {i}."
            for i in range(1, n + 1)
        )
        + "\n"
    )


@pytest.fixture
def indexed_with_fake(tmp_path: Path) -> Iterator[tuple[Settings, Path, str]]:
    """A data dir indexed with the fake embedder: (settings, docs folder, active build)."""
    settings = Settings.load()
    docs = write_docs(tmp_path / "docs")
    (docs / "lang.md").write_text(many_chunk_doc(80, "oud"), encoding="utf-8")
    summary = make_ingestor(settings).run([docs], sync=True)
    assert summary.changed and summary.chunks > 80
    yield settings, docs, summary.build


@pytest.mark.parametrize(
    "exc",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        sqlite3.OperationalError("database or disk is full"),
    ],
    ids=["enospc", "sqlite-full"],
)
@pytest.mark.parametrize("cleanup_fails", [False, True], ids=["cleanup-ok", "cleanup-fails"])
def test_disk_full_mid_ingest_keeps_the_old_index(
    monkeypatch: pytest.MonkeyPatch,
    indexed_with_fake: tuple[Settings, Path, str],
    exc: Exception,
    cleanup_fails: bool,
) -> None:
    from assistant.api import Assistant

    settings, docs, old_build = indexed_with_fake
    (docs / "lang.md").write_text(many_chunk_doc(80, "nieuw"), encoding="utf-8")
    # Call 1 stores the reused vectors, call 2 the embedded batch, call 3 (the document
    # sources) fails: all before the new build is activated.
    with monkeypatch.context() as m, pytest.raises(StoreError) as err:
        m.setattr(Collection, "upsert", fail_on_call(3, exc))
        if cleanup_fails:  # a full disk may also refuse to delete the partial build
            m.setattr(ChromaCatalog, "drop", raiser(exc))
        make_ingestor(settings).run([docs], sync=True)
    assert "De schijf is vol" in err.value.message
    assert "de bestaande index is niet gewijzigd" in err.value.message

    catalog = ChromaCatalog.from_settings(settings)
    active = catalog.active()
    assert active is not None and active.name == old_build
    leftovers = [n for n in catalog.build_names() if n != old_build]
    assert len(leftovers) == (1 if cleanup_fails else 0)

    assistant = Assistant.from_settings(settings, embedder=HashEmbedder())
    kept = assistant.document_text("lang")
    assert "(oud)" in kept and "(nieuw)" not in kept
    answer = assistant.ask("Hoeveel woningen bouwen de gemeenten per jaar?")
    assert all(assistant.verify(c) for c in answer.citations)

    # Space is back: the next ingest removes the leftover and completes.
    summary = make_ingestor(settings).run([docs], sync=True)
    assert summary.changed
    assert ChromaCatalog.from_settings(settings).build_names() == [summary.build]


# --- kill -9 mid-embedding ---------------------------------------------------------------------


def synth_corpus(folder: Path, n_bytes: int) -> list[Path]:
    sys.path.insert(0, str(PROJECT))  # bench/ is not an installed package
    try:
        from bench.synth import write_corpus
    finally:
        sys.path.remove(str(PROJECT))
    return write_corpus(folder, n_bytes, seed=11)


@pytest.fixture
def indexed_copy(tmp_path: Path, indexed_settings: Settings) -> Settings:
    """A private copy of the session's real index (copied before anyone opens it here)."""
    data = tmp_path / "kopie" / "data"
    shutil.copytree(indexed_settings.data_path, data, symlinks=True)
    return Settings.load(overrides={"data_dir": str(data)})


@pytest.mark.slow
@pytest.mark.model
def test_kill_9_during_ingest_leaves_old_index_answering(
    tmp_path: Path, indexed_copy: Settings, e5_embedder: SentenceTransformerEmbedder
) -> None:
    from assistant.api import Assistant

    settings = indexed_copy
    big = tmp_path / "groot"
    synth_corpus(big, 600_000)  # ≈1,200 chunks: minutes of embedding, killed after seconds
    err_path = tmp_path / "ingest.err"
    with err_path.open("w") as err_file:
        proc = subprocess.Popen(
            [str(RECEPT), "ingest", str(big)],
            stdout=subprocess.DEVNULL,
            stderr=err_file,
            env={**os.environ, "RECEPT_DATA_DIR": str(settings.data_path)},
        )
        try:
            deadline = time.monotonic() + 240
            while "Embedden" not in err_path.read_text() and proc.poll() is None:
                assert time.monotonic() < deadline, "ingest never started embedding"
                time.sleep(0.2)
            time.sleep(3)  # a few batches into the new build
            assert proc.poll() is None, f"ingest ended before the kill: {err_path.read_text()}"
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    catalog = ChromaCatalog.from_settings(settings)
    active = catalog.active()
    assert active is not None and set(active.manifest["documents"]) == {"recept-voor-de-toekomst"}
    # The kill really hit mid-build: a half-filled build exists, and it is not the active one.
    partial = [n for n in catalog.build_names() if n != active.name]
    assert len(partial) == 1
    assistant = Assistant.from_settings(settings, embedder=e5_embedder)
    answer = assistant.ask("Wat betekent Gunnen?")
    assert not answer.refused and answer.citations
    assert all(assistant.verify(c) for c in answer.citations)

    # The dead process's lock is gone and its half-built collection is cleaned up.
    extra = tmp_path / "extra"
    write_docs(extra)
    summary = make_ingestor(settings, e5_embedder).run([extra], sync=False)
    assert summary.changed and summary.added > 0
    assert ChromaCatalog.from_settings(settings).build_names() == [summary.build]
    assistant = Assistant.from_settings(settings, embedder=e5_embedder)
    assert {"recept-voor-de-toekomst", "woningbouw", "bereikbaarheid"} <= set(assistant.documents)
    answer = assistant.ask("Hoeveel woningen bouwen de gemeenten per jaar?")
    assert all(assistant.verify(c) for c in answer.citations)


# --- two ingests at once -----------------------------------------------------------------------


class LockHolder:
    """Holds the ingest lock in a thread (a flock: it blocks other processes too)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.acquired = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        with FileLock(str(self.path)):
            self.acquired.set()
            self.release.wait(120)

    def __enter__(self) -> LockHolder:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.thread.start()
        assert self.acquired.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(10)


def test_second_ingest_gets_locked_error_or_waits(tmp_path: Path) -> None:
    settings = Settings.load()
    docs = write_docs(tmp_path / "docs")
    lock_path = settings.data_path / "ingest.lock"

    with LockHolder(lock_path):
        t0 = time.perf_counter()
        with pytest.raises(IngestLockedError) as err:
            make_ingestor(settings).run([docs], sync=True)
        assert time.perf_counter() - t0 < 5
        assert (
            "Er loopt al een andere ingest" in err.value.message and "--wait" in err.value.message
        )

    holder = LockHolder(lock_path)
    with holder:
        timer = threading.Timer(1.0, holder.release.set)
        timer.start()
        t0 = time.perf_counter()
        summary = make_ingestor(settings, lock_wait=30).run([docs], sync=True)
        assert time.perf_counter() - t0 >= 0.9
        assert summary.changed
        timer.cancel()


@pytest.mark.slow
def test_cli_second_ingest_exits_1_or_waits_with_wait_flag(indexed_copy: Settings) -> None:
    data = indexed_copy.data_path
    lock_path = (data / "ingest.lock").resolve()
    env = {"RECEPT_DATA_DIR": str(data)}
    with LockHolder(lock_path):
        line = one_error_line(run_cli(["ingest"], env))
        assert "Er loopt al een andere ingest" in line

    # The real CLI entry point, with only filelock's debug log switched on: it says when the
    # lock was found taken, which is the moment to check that --wait waits.
    wrapper = (
        "import logging, sys; logging.basicConfig(level=logging.WARNING); "
        "logging.getLogger('filelock').setLevel(logging.DEBUG); "
        "sys.argv = ['recept', 'ingest', '--wait', '120']; "
        "from cli import main; main()"
    )
    holder = LockHolder(lock_path)
    with holder:
        err_path = data.parent / "wait.err"
        with err_path.open("w") as err_file:
            proc = subprocess.Popen(
                [sys.executable, "-c", wrapper],
                stdout=subprocess.PIPE,
                stderr=err_file,
                text=True,
                env={**os.environ, **env},
            )
            try:
                deadline = time.monotonic() + 120
                while "not acquired" not in err_path.read_text():
                    assert proc.poll() is None, err_path.read_text()
                    assert time.monotonic() < deadline, "ingest never reached the lock"
                    time.sleep(0.1)
                time.sleep(1.5)
                assert proc.poll() is None, "ingest --wait did not wait for the lock"
                holder.release.set()
                out, _ = proc.communicate(timeout=120)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    err = "\n".join(
        ln for ln in err_path.read_text().splitlines() if not ln.startswith("DEBUG:filelock")
    )
    assert proc.returncode == 0, err
    assert "Index ongewijzigd" in out and "Traceback" not in err


# --- idempotency -------------------------------------------------------------------------------


def test_second_ingest_changes_nothing_and_one_edit_reembeds_only_its_chunks(
    tmp_path: Path,
) -> None:
    settings = Settings.load()
    docs = write_docs(tmp_path / "docs")
    first = make_ingestor(settings).run([docs], sync=True)
    assert first.changed and first.added == first.chunks > 2

    again = HashEmbedder()
    second = make_ingestor(settings, again).run([docs], sync=True)
    assert (second.added, second.removed, second.changed) == (0, 0, False)
    assert second.unchanged == first.chunks and second.build == first.build
    assert again.embedded == []

    (docs / "woningbouw.md").write_text(
        DOC_A.replace("voorjaar van 2024", "najaar van 2025"), encoding="utf-8"
    )
    edit = HashEmbedder()
    third = make_ingestor(settings, edit).run([docs], sync=True)
    assert third.changed and third.added == 1
    assert third.unchanged == first.chunks - 1
    assert len(edit.embedded) == 1 and "najaar van 2025" in edit.embedded[0]

    (docs / "bereikbaarheid.md").unlink()
    gone = HashEmbedder()
    fourth = make_ingestor(settings, gone).run([docs], sync=True)
    assert fourth.changed and fourth.added == 0 and fourth.removed > 0 and gone.embedded == []
    active = ChromaCatalog.from_settings(settings).active()
    assert active is not None and set(active.manifest["documents"]) == {"woningbouw"}

    forced = HashEmbedder()
    fifth = make_ingestor(settings, forced).run([docs], sync=True, force=True)
    assert len(forced.embedded) == fifth.chunks


def test_cli_second_ingest_reports_unchanged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import ingest.pipeline
    from cli import cli

    docs = write_docs(tmp_path / "docs")
    monkeypatch.setattr(ingest.pipeline, "load_embedder", lambda s: HashEmbedder())
    first = CliRunner().invoke(cli, ["ingest", str(docs)])
    assert first.exit_code == 0 and "Index bijgewerkt" in first.output, first.output
    second = CliRunner().invoke(cli, ["ingest", str(docs)])
    assert second.exit_code == 0, second.output
    assert "Index ongewijzigd" in second.output and "(0 toegevoegd" in second.output
    assert CORPUS_FILE.exists()  # the corpus itself is never touched by a test
