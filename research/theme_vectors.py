"""Documents and vectors for `research.themes`: deduplication, term counts, static embeddings.

- `group_documents` — identical strings once, then one *document* per (language, content lemmas)
  with a weight (its number of answers); documents are sorted so that input order does not matter.
  Each document's tokens are its lemmas (`research.tokens.tokenize`) plus the bilingual concept
  tokens of `research.theme_glossary`.
- `count_matrix` — a documents × vocabulary matrix of term counts.
- `embed` — English sentence vectors: the mean of WordLlama's token vectors (256-d, from the
  `wordllama` wheel, read directly; nothing is downloaded), unit length. About 25,000 short texts a
  second on one core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from research import theme_glossary
from research.language import detect_languages
from research.tokens import tokenize

EMBEDDER = "wordllama l2_supercat 256"
EMBEDDING_DIM = 256


@dataclass
class Documents:
    """Answers grouped into documents (same language and content lemmas)."""

    text_doc: np.ndarray  # per answer: its document, or -1 when it has no content word
    tokens: list[list[str]]  # per document
    langs: list[str]
    reps: list[str]  # the most frequent original text of each document
    weights: np.ndarray  # answers per document
    text_langs: list[str]  # per answer


def group_documents(
    texts: Sequence[str], languages: Sequence[str] | None, glossary: bool = True
) -> Documents:
    """Deduplicate `texts` into documents; languages are detected (on distinct texts) when None."""
    if languages is not None and len(languages) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
    first: dict[str, int] = {}
    position: list[int] = []  # where each distinct text first occurs
    inverse = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts must be str, not {type(text).__name__}")
        j = first.setdefault(text, len(first))
        if j == len(position):
            position.append(i)
        inverse[i] = j
    unique = list(first)
    if languages is None:
        unique_langs = detect_languages(unique)
    else:
        unique_langs = [languages[i] for i in position]
    counts = np.bincount(inverse, minlength=len(unique))
    keys: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    unique_key: list[tuple[str, tuple[str, ...]] | None] = []
    for j, (text, lang) in enumerate(zip(unique, unique_langs, strict=True)):
        key = (lang, tuple(tokenize(text, lang)))
        if key[1]:
            keys.setdefault(key, []).append(j)
            unique_key.append(key)
        else:
            unique_key.append(None)
    ordered = sorted(keys)
    doc_of_key = {key: d for d, key in enumerate(ordered)}
    doc_of_unique = np.array(
        [-1 if key is None else doc_of_key[key] for key in unique_key], dtype=np.int64
    )
    reps, weights = [], []
    for key in ordered:
        members = keys[key]
        reps.append(unique[min(members, key=lambda j: (-counts[j], unique[j]))])
        weights.append(int(counts[members].sum()))
    return Documents(
        text_doc=doc_of_unique[inverse] if len(texts) else np.empty(0, dtype=np.int64),
        tokens=[
            [*key[1], *(theme_glossary.concepts(list(key[1]), key[0]) if glossary else [])]
            for key in ordered
        ],
        langs=[key[0] for key in ordered],
        reps=reps,
        weights=np.array(weights, dtype=float),
        text_langs=[unique_langs[j] for j in inverse],
    )


def count_matrix(tokens: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    """Term counts (documents × vocabulary); tokens outside the vocabulary are ignored."""
    indptr, indices, data = [0], [], []
    for doc in tokens:
        seen: dict[int, int] = {}
        for token in doc:
            j = vocabulary.get(token)
            if j is not None:
                seen[j] = seen.get(j, 0) + 1
        for j in sorted(seen):
            indices.append(j)
            data.append(seen[j])
        indptr.append(len(indices))
    return sp.csr_matrix((data, indices, indptr), shape=(len(tokens), len(vocabulary)), dtype=float)


@lru_cache(maxsize=1)
def static_embedder() -> tuple[Any, np.ndarray] | None:
    """WordLlama's tokenizer and token vectors (shipped in its wheel), or None if not installed.

    The files are read directly: importing `wordllama` configures logging and its loader looks for
    the tokenizer in the wrong folder and then tries to download it.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    vectors = load_file(str(root / "weights" / "l2_supercat_256.safetensors"))["embedding.weight"]
    return tokenizer, np.ascontiguousarray(vectors, dtype=np.float32)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Mean of WordLlama token vectors per text, unit length (zeros for a text with no tokens)."""
    found = static_embedder()
    if found is None:
        raise RuntimeError("English embeddings need the wordllama package: pip install wordllama")
    tokenizer, vectors = found
    encoded = tokenizer.encode_batch(list(texts), add_special_tokens=False)
    lengths = [len(e.ids) for e in encoded]
    ids = np.fromiter((i for e in encoded for i in e.ids), dtype=np.int64, count=sum(lengths))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    bag = sp.csr_matrix(
        (np.ones(len(ids), dtype=np.float32), ids, indptr), (len(texts), len(vectors))
    )
    return normalize(np.asarray(bag @ vectors, dtype=float))
