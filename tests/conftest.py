"""Shared test setup. Tests never reach a model hub."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"

from conftest_model import e5_embedder, e5_model_dir  # noqa: E402, F401  (session fixtures)
