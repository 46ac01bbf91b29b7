"""The ONNX export of e5 and its onnxruntime embedder: same vectors as torch, no torch import."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CORPUS_FILE, PROJECT, link_models
from conftest_model import e5_onnx_embedder_fixture  # noqa: F401  (session fixture)

import ingest.embed.embedder as embedder_mod
import ingest.embed.onnx as onnx_mod
import ingest.embed.st as st_mod
from ingest.embed.e5build import MARKER
from ingest.embed.embedder import load_embedder
from ingest.embed.onnx import (
    ONNX_DATA,
    ONNX_DIR,
    ONNX_FILE,
    ONNX_MARKER,
    TOKENIZER_FILE,
    OnnxEmbedder,
    export_onnx,
    is_exported,
)
from ingest.embed.st import SentenceTransformerEmbedder
from recept.errors import ConfigError, ModelError
from recept.settings import Settings

# Dutch and English, questions and passages, and the odd inputs a tokenizer can disagree on:
# runs of spaces, trailing whitespace, newlines and tabs, accents, ligatures, emoji, URLs.
TEXTS = [
    "Hoe betrek ik de gemeenteraad vroeg bij regionale samenwerking?",
    "What does the recipe say about building trust between municipalities?",
    "ANNA",
    "",
    "   spaties   rondom   ",
    "regel één\nregel twee\n\n\tmet een tab ",
    "Café, reünie, coördinatie en ideeën — één gemeente.",
    "Wat kost het? €1.250.000,- (2022/2023), 100% #regio @griffie https://www.noord-holland.nl",
    "😀 Samenwerken 🤝 werkt!",
    "HOOFDLETTERS: STERKE GEMEENTEN, STERKE REGIO'S",
    "Straße, İstanbul, ﬁets en ½ liter",
    "Gunnen: gun elkaar iets, ook als het de eigen gemeente niet direct iets oplevert.",
    "Who drew the illustrations?",
    "Motie: de raad, in vergadering bijeen op 12 maart 2026, constaterende dat ...",
    "地方政府之间的合作",
    "a",
    "ja/nee?!?!",
    "Een vraag over de begroting van 2027 die het recept niet beantwoordt.",
    "Vermijd het Calimero-effect: klein is niet zielig en groot is niet eng.",
    "Informeel elkaar in een vroegtijdig stadium en betrek de betrokken partijen.",
]


def cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    out: np.ndarray = np.sum(np.array(a) * np.array(b), axis=1)
    return out


def settings_for(data: Path, **overrides: object) -> Settings:
    return Settings.load(env={}, overrides={"data_dir": str(data), **overrides})


def linked_copy(model_dir: Path, target: Path) -> Path:
    """A model folder of symlinks to ``model_dir``'s files, without its export (no 470 MB copy)."""
    target.mkdir(parents=True)
    for item in model_dir.iterdir():
        if item.name != ONNX_DIR and not item.name.startswith("."):
            (target / item.name).symlink_to(item, target_is_directory=item.is_dir())
    return target


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".*tmp*"))


# --- the setting -----------------------------------------------------------------------------


def test_encoder_runtime_defaults_to_onnx_and_is_validated() -> None:
    assert Settings.load(env={}).encoder_runtime == "onnx"
    assert Settings.load(env={"RECEPT_ENCODER_RUNTIME": " Torch "}).encoder_runtime == "torch"
    with pytest.raises(ConfigError, match="RECEPT_ENCODER_RUNTIME.*kies uit: onnx, torch"):
        Settings.load(env={"RECEPT_ENCODER_RUNTIME": "tensorflow"})
    with pytest.raises(ConfigError, match="kies uit"):
        Settings.load(env={}, overrides={"encoder_runtime": "gpu"})


# --- without the real model ------------------------------------------------------------------


def test_empty_input_loads_nothing_and_a_missing_export_fails_in_dutch(tmp_path: Path) -> None:
    e = OnnxEmbedder(tmp_path / "nothing", "e5-small")
    assert e.embed_documents([]) == [] and e.embed_queries([]) == []
    with pytest.raises(ModelError, match="Geen \\(volledige\\) ONNX-export.*recept models build"):
        e.embed_query("vraag")
    with pytest.raises(ModelError, match="recept models build"):
        export_onnx(tmp_path / "nothing")  # no built model to export from
    assert not is_exported(tmp_path / "nothing")


def fake_export(calls: list[Path]) -> object:
    """Stands in for the torch export: writes the files and the marker, records the call."""

    def export(model_dir: Path, folder: Path, key: dict[str, object]) -> None:
        calls.append(model_dir)
        (folder / ONNX_FILE).write_bytes(b"onnx")
        (folder / ONNX_DATA).write_bytes(b"weights")
        (folder / TOKENIZER_FILE).write_text("{}")
        (folder / ONNX_MARKER).write_text(json.dumps({"source": key}))

    return export


def test_export_is_skipped_while_current_and_redone_when_the_model_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / MARKER).write_text(json.dumps({"format_version": 1, "sources": {"w": "aaa"}}))
    calls: list[Path] = []
    monkeypatch.setattr(onnx_mod, "_export", fake_export(calls))

    assert export_onnx(model) == model / ONNX_DIR / ONNX_FILE
    assert export_onnx(model) and len(calls) == 1 and is_exported(model)

    # `recept models build --force` or new pinned sources: a new model marker.
    (model / MARKER).write_text(json.dumps({"format_version": 1, "sources": {"w": "bbb"}}))
    assert not is_exported(model)
    export_onnx(model)
    assert len(calls) == 2 and is_exported(model)

    export_onnx(model, force=True)
    assert len(calls) == 3

    (model / ONNX_DIR / TOKENIZER_FILE).unlink()  # an incomplete export is not current
    assert not is_exported(model)


def test_load_embedder_picks_the_runtime_and_exports_a_missing_onnx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "models" / "multilingual-e5-small"
    monkeypatch.setattr(embedder_mod, "is_built", lambda path: True)
    exported: list[Path] = []
    monkeypatch.setattr(embedder_mod, "export_onnx", lambda path: exported.append(path))

    onnx = load_embedder(settings_for(tmp_path, torch_threads=1), build=False)
    assert isinstance(onnx, OnnxEmbedder) and exported == [model]
    assert (onnx.name, onnx.path, onnx.threads) == ("e5-small", model, 1)
    assert (onnx.query_prompt, onnx.passage_prompt) == ("query: ", "passage: ")

    torch = load_embedder(settings_for(tmp_path, encoder_runtime="torch"), build=False)
    assert isinstance(torch, SentenceTransformerEmbedder) and torch.name == onnx.name
    assert exported == [model]  # the torch runtime needs no export

    minilm = load_embedder(settings_for(tmp_path, embedding_model="minilm"))
    assert isinstance(minilm, SentenceTransformerEmbedder)  # only e5 is exported


# --- the real model --------------------------------------------------------------------------


@pytest.mark.model
def test_onnx_gives_torchs_vectors_for_queries_and_documents(
    e5_embedder: SentenceTransformerEmbedder, e5_onnx_embedder: OnnxEmbedder
) -> None:
    assert (e5_onnx_embedder.name, e5_onnx_embedder.dim) == ("e5-small", 384)
    for ours, theirs in [
        (e5_onnx_embedder.embed_queries(TEXTS), e5_embedder.embed_queries(TEXTS)),
        (e5_onnx_embedder.embed_documents(TEXTS), e5_embedder.embed_documents(TEXTS)),
    ]:
        cos = cosines(ours, theirs)
        assert cos.min() >= 0.9999, [TEXTS[i] for i in np.flatnonzero(cos < 0.9999)]
        assert np.abs(np.array(ours) - np.array(theirs)).max() < 1e-4
    query = e5_onnx_embedder.embed_query(TEXTS[0])
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-5)
    assert float(np.dot(query, e5_embedder.embed_query(TEXTS[0]))) >= 0.9999


@pytest.mark.model
def test_long_texts_are_truncated_like_torch(
    e5_embedder: SentenceTransformerEmbedder, e5_onnx_embedder: OnnxEmbedder
) -> None:
    long = CORPUS_FILE.read_text(encoding="utf-8")[:6000]  # ≈ 1,500 tokens
    longer = long + " En dan nog een heleboel woorden die na token 512 komen." * 20
    ours = e5_onnx_embedder.embed_documents([long, longer])
    assert cosines(ours, e5_embedder.embed_documents([long, longer])).min() >= 0.9999
    assert np.abs(np.array(ours[0]) - np.array(ours[1])).max() < 1e-6  # only 512 tokens count


@pytest.mark.model
def test_a_batch_gives_the_same_vectors_as_one_text_at_a_time(
    e5_onnx_embedder: OnnxEmbedder,
) -> None:
    # One longer text: the rest of its batch is padded to it (truncation has its own test).
    texts = [*TEXTS, CORPUS_FILE.read_text(encoding="utf-8")[2000:2800]]
    batch = np.array(e5_onnx_embedder.embed_documents(texts))
    single = np.array([e5_onnx_embedder.embed_documents([t])[0] for t in texts])
    assert np.abs(batch - single).max() < 1e-5
    small_batches = OnnxEmbedder(
        e5_onnx_embedder.path, "e5-small", passage_prompt="passage: ", batch_size=3, threads=1
    )
    assert np.abs(np.array(small_batches.embed_documents(texts)) - batch).max() < 1e-5


@pytest.mark.model
def test_many_threads_at_once_get_the_right_vectors(e5_onnx_embedder: OnnxEmbedder) -> None:
    """The web app embeds questions on several threads while an ingest may embed passages."""
    questions = [f"Vraag {i}: hoe werken gemeenten samen in de regio?" for i in range(24)]
    expected = [e5_onnx_embedder.embed_query(q) for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        docs = pool.submit(e5_onnx_embedder.embed_documents, TEXTS * 3)
        got = list(pool.map(e5_onnx_embedder.embed_query, questions))
        assert len(docs.result()) == len(TEXTS) * 3
    assert np.abs(np.array(got) - np.array(expected)).max() < 1e-5


@pytest.mark.model
def test_a_corrupt_export_fails_with_a_dutch_model_error(
    tmp_path: Path, e5_onnx_embedder: OnnxEmbedder
) -> None:
    real = e5_onnx_embedder.path / ONNX_DIR
    folder = tmp_path / "model" / ONNX_DIR
    folder.mkdir(parents=True)
    (folder / TOKENIZER_FILE).symlink_to(real / TOKENIZER_FILE)
    (folder / ONNX_DATA).symlink_to(real / ONNX_DATA)
    shutil.copy(real / ONNX_MARKER, folder / ONNX_MARKER)
    (folder / ONNX_FILE).write_bytes(b"\x08\x07 dit is geen onnx-bestand")

    def fails(match: str) -> None:
        with pytest.raises(ModelError, match=match):
            OnnxEmbedder(tmp_path / "model", "e5-small").embed_query("vraag")

    fails("ONNX-model .* kan niet worden geladen.*recept models build --force")
    (folder / ONNX_FILE).unlink()
    (folder / ONNX_FILE).symlink_to(real / ONNX_FILE)
    (folder / TOKENIZER_FILE).unlink()
    (folder / TOKENIZER_FILE).write_text("{niet: json")
    fails("tokenizer .* kan niet worden geladen")
    (folder / ONNX_MARKER).write_text("{}")
    fails("beschadigd")
    (folder / ONNX_MARKER).write_text("{afgebroken")
    fails("Geen \\(volledige\\) ONNX-export")


@pytest.mark.model
def test_a_real_export_into_a_fresh_folder(
    tmp_path: Path,
    e5_model_dir: Path,
    e5_embedder: SentenceTransformerEmbedder,
    e5_onnx_embedder: OnnxEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = linked_copy(e5_model_dir, tmp_path / "model")
    # The session's torch model is that same folder, already loaded: saves seconds, and shows
    # the export leaves a model it borrows unchanged.
    monkeypatch.setattr(st_mod, "_load_sentence_transformer", lambda p: e5_embedder.load())
    before = e5_embedder.embed_documents(TEXTS[:4])
    path = export_onnx(model)
    assert e5_embedder.embed_documents(TEXTS[:4]) == before
    assert path == model / ONNX_DIR / ONNX_FILE and is_exported(model)
    marker = json.loads((model / ONNX_DIR / ONNX_MARKER).read_text())
    assert (marker["max_seq_length"], marker["pad_id"], marker["dim"]) == (512, 1, 384)
    assert marker["checked_max_cosine_diff"] < 1e-5 and "torch" in marker["exported_with"]
    assert leftovers(model / ONNX_DIR) == []
    files = (ONNX_FILE, ONNX_DATA, TOKENIZER_FILE, ONNX_MARKER)
    assert all((model / ONNX_DIR / f).stat().st_mode & 0o777 == 0o644 for f in files)
    assert (model / ONNX_DIR / ONNX_DATA).stat().st_size > 400e6  # the weights live beside

    fresh = OnnxEmbedder(model, "e5-small", query_prompt="query: ", threads=1)
    assert cosines(fresh.embed_queries(TEXTS), e5_onnx_embedder.embed_queries(TEXTS)).min() > (
        0.99999
    )


@pytest.mark.model
def test_an_export_that_disagrees_with_torch_is_refused(
    tmp_path: Path,
    e5_model_dir: Path,
    e5_embedder: SentenceTransformerEmbedder,
    e5_onnx_embedder: OnnxEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = linked_copy(e5_model_dir, tmp_path / "model")
    real = e5_onnx_embedder.path / ONNX_DIR

    def externalise(traced: Path, target: Path) -> None:  # the real export, linked
        target.symlink_to(real / ONNX_FILE)
        (target.parent / ONNX_DATA).symlink_to(real / ONNX_DATA)

    # The test above makes a real export; this one skips the slow parts.
    monkeypatch.setattr(onnx_mod, "_torch_export", lambda st, tokenizer, path: None)
    monkeypatch.setattr(onnx_mod, "_externalise", externalise)
    monkeypatch.setattr(st_mod, "_load_sentence_transformer", lambda p: e5_embedder.load())
    monkeypatch.setattr(onnx_mod, "MAX_COSINE_DIFF", -1.0)  # any difference is too much
    with pytest.raises(ModelError, match="wijkt af van het torch-model.*RECEPT_ENCODER_RUNTIME"):
        export_onnx(model)
    folder = model / ONNX_DIR
    assert not is_exported(model) and leftovers(folder) == []
    assert not (folder / ONNX_FILE).exists() and not (folder / ONNX_MARKER).exists()


@pytest.mark.model
def test_a_question_only_process_never_imports_torch(
    tmp_path: Path, e5_model_dir: Path, e5_onnx_embedder: OnnxEmbedder
) -> None:
    data = tmp_path / "data"
    link_models(data, e5_model_dir)
    script = (
        "import json, sys\n"
        "from ingest.embed.embedder import load_embedder\n"
        "from recept.settings import Settings\n"
        "e = load_embedder(Settings.load(), build=False)\n"
        "v = e.embed_query('Wat betekent ANNA?')\n"
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers') "
        "if m in sys.modules]\n"
        "print(json.dumps({'type': type(e).__name__, 'dim': len(v), 'heavy': heavy}))\n"
    )
    env = {**os.environ, "RECEPT_DATA_DIR": str(data), "RECEPT_TORCH_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"type": "OnnxEmbedder", "dim": 384, "heavy": []}


@pytest.mark.model
def test_models_build_and_list_report_the_export(
    tmp_path: Path,
    e5_model_dir: Path,
    e5_onnx_embedder: OnnxEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cli.models_cmd as models_cmd
    from cli import cli

    runner = CliRunner()
    data = tmp_path / "data"
    link_models(data, e5_model_dir)
    args = ["--data-dir", str(data), "models"]
    built = runner.invoke(cli, [*args, "build"], env={"RECEPT_EMBEDDING_MODEL": "e5-small"})
    assert built.exit_code == 0, built.output
    assert "al aanwezig" in built.output and "ONNX-export is al aanwezig" in built.output
    listing = runner.invoke(cli, [*args, "list"], env={"RECEPT_EMBEDDING_MODEL": "e5-small"})
    assert "* e5-small: aanwezig, ONNX-export aanwezig" in listing.output

    # A built model without an export (e.g. built before ONNX existed) gets one.
    fresh = tmp_path / "fresh"
    linked_copy(e5_model_dir, fresh / "models" / "multilingual-e5-small")
    exported: list[tuple[Path, bool]] = []
    monkeypatch.setattr(models_cmd, "export_onnx", lambda p, force: exported.append((p, force)))
    env = {"RECEPT_EMBEDDING_MODEL": "e5-small"}
    result = runner.invoke(cli, ["--data-dir", str(fresh), "models", "build"], env=env)
    assert result.exit_code == 0 and "ONNX-export gemaakt" in result.output
    assert exported == [(fresh / "models" / "multilingual-e5-small", False)]
    torch_env = {**env, "RECEPT_ENCODER_RUNTIME": "torch"}
    result = runner.invoke(cli, ["--data-dir", str(fresh), "models", "build"], env=torch_env)
    assert "ONNX" not in result.output and len(exported) == 1
