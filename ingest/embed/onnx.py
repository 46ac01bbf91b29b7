"""The e5 model as ONNX: exported once from the built folder, run with onnxruntime.

A question embedded by onnxruntime takes less than half the time torch needs (≈13 ms against
≈28 ms, one thread on this 2-core machine), and a process that only answers questions never
imports torch (≈1.5 s from launch to a first vector instead of ≈10 s). The export lives next
to the model it came from::

    data/models/multilingual-e5-small/onnx/
        model.onnx          BertModel: input_ids, attention_mask → last_hidden_state
        model.onnx.data     its weights (memory-mapped by onnxruntime)
        tokenizer.json      the tokenizer exactly as transformers builds it for the torch path
        recept-onnx.json    marker, written last: the model marker it was made from, and checks

    >>> export_onnx(Path("data/models/multilingual-e5-small"))  # doctest: +SKIP
    PosixPath('data/models/multilingual-e5-small/onnx/model.onnx')

Why a tokenizer.json of its own: transformers 5 does not use the folder's tokenizer.json as
is but rebuilds the XLM-R pipeline (a whitespace split before Metaspace, no space-collapsing
normaliser). The two disagree on trailing whitespace: the folder's file turns "query: a " into
an extra "▁" token that transformers drops. Saving transformers' own version makes both
runtimes see the same token ids.

Mean pooling and normalisation repeat sentence-transformers' Pooling and Normalize modules::

    >>> hidden = np.array([[[1.0, 0.0], [3.0, 4.0], [9.0, 9.0]]], np.float32)
    >>> v = mean_pool_normalize(hidden, np.array([[1, 1, 0]]))  # mean (2, 2), then unit length
    >>> [round(float(x), 3) for x in v[0]]
    [0.707, 0.707]
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from filelock import FileLock

from ingest.embed.e5build import MARKER as MODEL_MARKER
from ingest.embed.prompted import PromptedModel
from recept.errors import ModelError

if TYPE_CHECKING:
    import onnxruntime
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

EXPORT_VERSION = 1
ONNX_DIR = "onnx"
ONNX_FILE = "model.onnx"
ONNX_DATA = "model.onnx.data"
TOKENIZER_FILE = "tokenizer.json"
ONNX_MARKER = "recept-onnx.json"
OPSET = 17
MAX_COSINE_DIFF = 1e-4  # an export whose vectors differ more from torch's is refused
BATCH_SIZE = 32

Array = npt.NDArray[np.float32]

# Checked at every export: a short text, one of > 512 tokens (truncation) and a padded batch.
_CHECK_TEXTS = (
    "Hoe betrek ik de gemeenteraad vroeg bij regionale samenwerking?",
    "What does the recipe say about trust between municipalities?",
    "Gunnen",
    "",
    " ".join(["Sterke gemeenten, sterke regio's: werk samen over de grens heen."] * 50),
)


# --- the export ----------------------------------------------------------------------------


def onnx_path(model_dir: Path) -> Path:
    """Where the export of ``model_dir`` lives.

    >>> onnx_path(Path("m"))
    PosixPath('m/onnx/model.onnx')
    """
    return Path(model_dir) / ONNX_DIR / ONNX_FILE


def _source_key(model_dir: Path) -> dict[str, Any]:
    """What an export depends on; a different key (model rebuilt, new format) re-exports."""
    try:
        model_marker = json.loads((Path(model_dir) / MODEL_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"Geen gebouwd model in {model_dir}: voer eerst `recept models build` uit."
        ) from exc
    return {"format_version": EXPORT_VERSION, "opset": OPSET, "model": model_marker}


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((folder / ONNX_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def is_exported(model_dir: Path) -> bool:
    """True when ``model_dir`` has a complete export made from its current build.

    >>> is_exported(Path("/nonexistent"))
    False
    """
    try:
        key = _source_key(model_dir)
    except ModelError:
        return False
    folder = Path(model_dir) / ONNX_DIR
    marker = _read_marker(folder)
    return (
        marker is not None
        and marker.get("source") == key
        and all((folder / name).is_file() for name in (ONNX_FILE, ONNX_DATA, TOKENIZER_FILE))
    )


def export_onnx(model_dir: Path, *, force: bool = False) -> Path:
    """Export ``model_dir`` (a built e5 folder) to ONNX unless a current export exists.

    Needs torch (only here). Checks the result against torch and refuses it (ModelError) when
    a pooled vector differs by more than ``MAX_COSINE_DIFF`` in cosine. Safe against
    interruption (files are renamed into place, the marker last) and against a second process
    exporting the same folder (file lock).
    """
    model_dir = Path(model_dir)
    target = onnx_path(model_dir)
    if not force and is_exported(model_dir):
        return target
    key = _source_key(model_dir)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder / ".export.lock")):
            if not force and is_exported(model_dir):  # another process finished it meanwhile
                return target
            for stale in folder.glob(".export.tmp-*"):
                shutil.rmtree(stale, ignore_errors=True)  # a killed export's; we hold the lock
            # From here on the export counts as missing until the new marker is written.
            (folder / ONNX_MARKER).unlink(missing_ok=True)
            _export(model_dir, folder, key)
    except OSError as exc:
        raise ModelError(
            f"De ONNX-export van {model_dir} kan niet worden geschreven: {exc}. "
            "Zet RECEPT_ENCODER_RUNTIME=torch om zonder export te werken."
        ) from exc
    return target


def _export(model_dir: Path, folder: Path, key: dict[str, Any]) -> None:
    from ingest.embed import st as torch_runtime  # lazy: torch only for an export

    st = torch_runtime._load_sentence_transformer(model_dir)
    max_len = int(st.max_seq_length or 512)
    tokenizer = _tokenizer_of(st)
    prompts = [str(p or "") for p in ((st.prompts or {}).get(k) for k in ("query", "passage"))]
    texts = [p + t for p in prompts for t in _CHECK_TEXTS]
    # Batches of 2 keep the short texts from being padded to the long ones' 512 tokens.
    reference = st.encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=2)

    # Everything is made in a temporary folder under its final name (the graph names its weights
    # file), then renamed into place with the marker last.
    tmp = Path(tempfile.mkdtemp(prefix=".export.tmp-", dir=folder))
    try:
        tokenizer.save(str(tmp / TOKENIZER_FILE))
        _torch_export(st, tokenizer, tmp / "traced.onnx")
        _externalise(tmp / "traced.onnx", tmp / ONNX_FILE)
        model = _OnnxModel(
            tmp / ONNX_FILE, tmp / TOKENIZER_FILE, max_len=max_len, pad_id=_pad_id(st), batch_size=2
        )
        ours = model.embed(texts)
        diff = float(np.max(1.0 - np.sum(ours * np.asarray(reference), axis=1)))
        if not diff <= MAX_COSINE_DIFF:  # also refuses NaN
            raise ModelError(
                f"De ONNX-export van {model_dir} wijkt af van het torch-model (cosinusverschil "
                f"{diff:.2g} > {MAX_COSINE_DIFF:g}); hij wordt niet gebruikt. Zet "
                "RECEPT_ENCODER_RUNTIME=torch of meld dit als fout."
            )
        marker = {
            "source": key,
            "max_seq_length": max_len,
            "pad_id": model.pad_id,
            "dim": model.dim,
            "checked_max_cosine_diff": diff,
            "exported_with": _versions("torch", "transformers", "onnx", "onnxruntime"),
        }
        (tmp / ONNX_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        # A running process keeps its mapping of the old weights file: replaced, not rewritten.
        for name in (ONNX_DATA, TOKENIZER_FILE, ONNX_FILE, ONNX_MARKER):
            (tmp / name).chmod(0o644)  # temporary files are owner-only; models are shared data
            os.replace(tmp / name, folder / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _externalise(traced: Path, target: Path) -> None:
    """Save the graph at ``target`` and its weights in ``ONNX_DATA`` beside it.

    onnxruntime memory-maps such a weights file: a session opens in ≈0.1 s instead of ≈1 s and
    takes ≈150 MB instead of ≈560 MB (it copies weights stored inside the graph).
    """
    import onnx

    proto = onnx.load(str(traced))
    traced.unlink()
    onnx.save_model(
        proto,
        str(target),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=ONNX_DATA,
        size_threshold=1024,
    )


def _versions(*packages: str) -> dict[str, str]:
    """For the marker, to tell what made an export (not part of its key: versions are pinned)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in packages:
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "?"
    return out


def _tokenizer_of(st: SentenceTransformer) -> Tokenizer:
    """A standalone copy of the tokenizer the torch path uses, without per-call settings."""
    from tokenizers import Tokenizer

    transformer: Any = st[0]  # sentence-transformers' Transformer module
    tokenizer = Tokenizer.from_str(transformer.tokenizer.backend_tokenizer.to_str())
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _pad_id(st: SentenceTransformer) -> int:
    transformer: Any = st[0]
    pad = transformer.tokenizer.pad_token_id
    return int(pad) if pad is not None else 0


def _torch_export(st: SentenceTransformer, tokenizer: Tokenizer, path: Path) -> None:
    import torch

    transformer: Any = st[0]
    bert = transformer.auto_model

    class LastHidden(torch.nn.Module):
        # Keyword arguments: BertModel's positional order is not (input_ids, attention_mask).
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = self.model(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            return out

    # A padded batch as the example, so nothing that only holds without padding is traced in.
    encoded = [e.ids for e in tokenizer.encode_batch(["query: hallo wereld", "query: hoi"])]
    width = max(len(ids) for ids in encoded)
    ids = torch.tensor([i + [0] * (width - len(i)) for i in encoded])
    mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i in encoded])
    axes = {0: "batch", 1: "sequence"}
    attention, was_training = bert.config._attn_implementation, bert.training
    # The exporter puts the module back in the mode it found it in: eval, or dropout stays on.
    wrapper = LastHidden(bert).eval()
    # Plain matmul attention traces to a graph ≈ 7% faster than SDPA's; they agree to 1e-6.
    bert.set_attn_implementation("eager")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            # The TorchScript exporter is deprecated and chatty (tracer warnings on shape
            # checks); the check against torch after it decides whether the result is right.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                (ids, mask),
                str(path),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                opset_version=OPSET,
                dynamo=False,
            )
    finally:  # leave the torch model as it was, should the caller use it afterwards
        bert.set_attn_implementation(attention)
        bert.train(was_training)


# --- running it ----------------------------------------------------------------------------


def mean_pool_normalize(hidden: Array, mask: npt.NDArray[np.int64]) -> Array:
    """Mean of the token vectors where ``mask`` is 1, scaled to unit length (row-wise)."""
    weights = mask.astype(np.float32)[:, :, None]
    summed = (hidden * weights).sum(axis=1)
    mean = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norm = np.linalg.norm(mean, axis=1, keepdims=True)
    out: Array = (mean / np.maximum(norm, 1e-12)).astype(np.float32)
    return out


class _OnnxModel:
    """An ONNX session with its tokenizer: prompted texts in, unit vectors out.

    Thread-safe after construction: onnxruntime's ``run`` is, and the tokenizer is configured
    here once and only read afterwards (a shared fast tokenizer fails with "Already borrowed"
    only when one thread changes its truncation or padding while another encodes).
    """

    def __init__(
        self,
        onnx_file: Path,
        tokenizer_file: Path,
        *,
        max_len: int,
        pad_id: int,
        threads: int = 0,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        except Exception as exc:  # tokenizers raises a bare Exception for a bad file
            raise ModelError(
                f"De tokenizer van de ONNX-export ({tokenizer_file}) kan niet worden geladen: "
                f"{exc}. Voer `recept models build --force` uit."
            ) from exc
        self.tokenizer.enable_truncation(max_len)
        self.tokenizer.no_padding()  # padded below, per batch of similar lengths
        self.pad_id = pad_id
        self.batch_size = batch_size
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only; the graph optimiser's notes are noise
        if threads > 0:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self.session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
                str(onnx_file), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's errors share no useful base class
            raise ModelError(
                f"Het ONNX-model {onnx_file} kan niet worden geladen ({exc}). "
                "Voer `recept models build --force` uit."
            ) from exc
        shape = self.session.get_outputs()[0].shape
        if not isinstance(shape[-1], int):
            raise ModelError(f"Het ONNX-model {onnx_file} meldt geen vectorlengte.")
        self.dim = int(shape[-1])

    def embed(self, texts: Sequence[str]) -> Array:
        """Unit vectors for ``texts`` (prompts already added), in input order."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if len(texts) == 1:  # a question: skip encode_batch's thread pool
            encoded = [self.tokenizer.encode(texts[0]).ids]
        else:
            encoded = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        out = np.empty((len(texts), self.dim), np.float32)
        # Longest first, so each batch pads to about its own length and a too-big batch fails
        # at once rather than at the end.
        order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = len(encoded[rows[0]])
            ids = np.full((len(rows), width), self.pad_id, np.int64)
            mask = np.zeros((len(rows), width), np.int64)
            for r, i in enumerate(rows):
                ids[r, : len(encoded[i])] = encoded[i]
                mask[r, : len(encoded[i])] = 1
            (hidden,) = self.session.run(
                ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask}
            )
            out[rows] = mean_pool_normalize(hidden, mask)
        return out


class OnnxEmbedder(PromptedModel):
    """The exported model under ``path/onnx`` on CPU with onnxruntime, loaded on first use.

    Gives the same vectors as :class:`ingest.embed.st.SentenceTransformerEmbedder` on the same
    folder (cosine ≥ 0.9999; in practice 1e-6), under the same name, so an index made with one
    runtime answers with the other. Imports neither torch nor sentence-transformers.

    >>> e = OnnxEmbedder(Path("data/models/multilingual-e5-small"), "e5-small",
    ...                  query_prompt="query: ", passage_prompt="passage: ", threads=1)
    >>> e.embed_documents([])
    []
    """

    def __init__(
        self,
        path: Path | str,
        name: str,
        query_prompt: str = "",
        passage_prompt: str = "",
        batch_size: int = BATCH_SIZE,
        threads: int = 0,
    ) -> None:
        super().__init__(path, name, query_prompt, passage_prompt, batch_size, threads)
        self._model: _OnnxModel | None = None
        self._lock = threading.Lock()  # only guards loading; embedding runs in parallel

    @property
    def dim(self) -> int:
        return self.load().dim

    def load(self) -> _OnnxModel:
        """Load the session now (otherwise the first embed call does)."""
        with self._lock:
            if self._model is None:
                folder = self.path / ONNX_DIR
                marker = _read_marker(folder)
                if marker is None or not (folder / ONNX_FILE).is_file():
                    raise ModelError(
                        f"Geen (volledige) ONNX-export in {folder}. Voer `recept models build` "
                        "uit, of zet RECEPT_ENCODER_RUNTIME=torch."
                    )
                try:
                    max_len, pad_id = int(marker["max_seq_length"]), int(marker["pad_id"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise ModelError(
                        f"Het bestand {folder / ONNX_MARKER} is beschadigd. Voer "
                        "`recept models build --force` uit."
                    ) from exc
                self._model = _OnnxModel(
                    folder / ONNX_FILE,
                    folder / TOKENIZER_FILE,
                    max_len=max_len,
                    pad_id=pad_id,
                    threads=self.threads,
                    batch_size=self.batch_size,
                )
            return self._model

    def _encode(self, texts: Sequence[str], prompt: str) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self.load().embed([prompt + t for t in texts]).tolist()
        return vectors
