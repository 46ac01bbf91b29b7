"""A learned query adapter: a linear map that moves question vectors towards their passages.

e5-small places a councillor's situation ("our waste company always says no") closer to
passages that share its words than to the ingredient whose advice fits it. The adapter learns,
from the question sets, a correction ``q' = normalise(q + A q)`` of the question vector only;
passages stay as ingested. ``A`` is fitted with a softmax over all dense passages of the corpus
and the refusal's off-topic descriptions (target: the gold passage, or the descriptions for a
question the corpus does not answer; L2 towards the identity map), by
``python -m profiles.recipe.train``. So the adapted vector also says how far off topic a question
is (see ``refusal.Features.adapted_lead``).

It is tied to the corpus it was trained on: it maps questions towards *these* passages. The
assistant applies it only when the index holds exactly those documents (by sha256) embedded
with the same model; for any other corpus retrieval runs without it.

>>> adapter = QueryAdapter(np.zeros((2, 2)), {"documents": ["abc"], "model": "m"})
>>> adapter.apply([3.0, 4.0])
[0.6, 0.8]
>>> adapter.matches(["abc"], "m"), adapter.matches(["abc", "def"], "m")
(True, False)
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recept.errors import ConfigError

Matrix = npt.NDArray[np.float64]


class QueryAdapter:
    """``q -> normalise(q + A q)``, with what it was trained on in ``info``."""

    def __init__(self, matrix: npt.ArrayLike, info: dict[str, Any]) -> None:
        self.matrix = np.asarray(matrix, dtype=np.float64)
        self.info = info

    def apply(self, vector: Sequence[float]) -> list[float]:
        q = np.asarray(vector, dtype=np.float64)
        out = q + self.matrix @ q
        norm = float(np.linalg.norm(out))
        return [round(float(x), 6) for x in (out / norm if norm else q)]

    def matches(self, documents: Iterable[str], model: str) -> bool:
        """Whether an index of these documents (sha256s), embedded by ``model``, is its corpus."""
        return sorted(documents) == sorted(
            self.info.get("documents", [])
        ) and model == self.info.get("model")

    def save(self, path: Path) -> None:
        # float16 halves the shipped file; the map's corrections are far above its precision.
        buf = io.BytesIO()
        np.savez_compressed(
            buf, matrix=self.matrix.astype(np.float16), info=np.array(json.dumps(self.info))
        )
        path.write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: Path) -> QueryAdapter:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["matrix"], json.loads(str(data["info"])))


def load_adapter(path: Path) -> QueryAdapter:
    """A profile's adapter; a missing or unreadable file is a packaging error, said plainly."""
    try:
        return QueryAdapter.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"De vraag-adapter {path} ontbreekt of is onleesbaar ({exc}). Zet "
            "RECEPT_QUERY_ADAPTER=off, of maak hem opnieuw met `python -m profiles.recipe.train`."
        ) from exc


def fit(
    questions: npt.ArrayLike,
    gold: npt.ArrayLike,
    passages: npt.ArrayLike,
    *,
    temperature: float = 0.02,
    l2: float = 1.0,
) -> Matrix:
    """``A`` minimising the softmax loss of each question's gold passages plus ``l2 * |A|²``.

    ``questions`` (n × d) and ``passages`` (m × d) are unit vectors; ``gold`` (n × m) marks each
    question's answering passages (rows without one are skipped). Scores are cosines of the
    unnormalised ``q + A q`` divided by ``temperature``.

    >>> P = np.eye(3)
    >>> Q = np.array([[0.8, 0.6, 0.0], [0.0, 0.6, 0.8]])  # both lean the wrong way
    >>> G = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    >>> A = fit(Q, G, P, temperature=0.1, l2=0.01)
    >>> [int(np.argmax((q + A @ q) @ P.T)) for q in Q]
    [1, 1]
    """
    from scipy.optimize import minimize  # training only

    q = np.asarray(questions, dtype=np.float64)
    g = np.asarray(gold, dtype=np.float64)
    p = np.asarray(passages, dtype=np.float64)
    keep = g.sum(axis=1) > 0
    q, g = q[keep], g[keep]
    d = q.shape[1]
    # Scores see A only through P·A, so the loss's gradient lies in span(passages) on the left
    # and the L2 term keeps the rest at zero: A = U·C with U an orthonormal basis of that span.
    # L-BFGS from zero takes the same steps in C (inner products are kept) at a fraction of the
    # cost: 45 × 384 numbers instead of 384 × 384.
    u = np.linalg.svd(p.T, full_matrices=False)[0]  # d × m
    pu = p @ u
    base = q @ p.T
    r = u.shape[1]

    def loss(x: Matrix) -> tuple[float, Matrix]:
        c = x.reshape(r, d)
        s = (base + (q @ c.T) @ pu.T) / temperature
        s -= s.max(axis=1, keepdims=True)
        e = np.exp(s)
        z = e.sum(axis=1)
        on_gold = (e * g).sum(axis=1)
        total = -float((np.log(on_gold) - np.log(z)).sum()) + l2 * float((c * c).sum())
        ds = (e / z[:, None] - e * g / on_gold[:, None]) / temperature
        grad = (ds @ pu).T @ q + 2 * l2 * c
        return total, grad.ravel()

    x0 = np.zeros(r * d)
    result = minimize(loss, x0, jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return np.asarray(u @ np.asarray(result.x).reshape(r, d), dtype=np.float64)
