"""Documents and vectors for `research.themes`: deduplication, term counts, static embeddings.

- `group_documents` — identical strings once, then one *document* per (language, content lemmas)
  with a weight (its number of answers); documents are sorted so that input order does not matter.
  Each document's tokens are its lemmas (`research.tokens.tokenize`) plus the bilingual concept
  tokens of `research.theme_glossary`.
- `count_matrix` — a documents × vocabulary matrix of term counts.
- `embed` — English sentence vectors: the mean of WordLlama's token vectors (256-d, from the
  `wordllama` wheel, read directly; nothing is downloaded), unit length. About 25,000 short texts a
  second on one core.
- `weighted_sample`, `weighted_sums`, `smooth`, `ward_tree`, `cut_tree`, `silhouette`, `choose_k` —
  the clustering steps (`research.themes` explains them): kNN smoothing, Ward's linkage on
  distances from one matrix product (scipy's `pdist` was 3x slower), a silhouette from one product
  with a one-hot matrix (scikit-learn's chunked loop took 4x as long on 2,000 documents), sums per
  cluster through a sparse membership matrix (`np.add.at` was 6x slower).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.preprocessing import normalize

from research import theme_glossary
from research.language import detect_languages
from research.tokens import tokenize

EMBEDDER = "wordllama l2_supercat 256"
EMBEDDING_DIM = 256
# Case and these outer characters never change `tokenize`'s lemmas (words are letters only).
_FOLD_STRIP = " \t\r\n.,!?…:;()'\"-"


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
    inverse_list: list[int] = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts must be str, not {type(text).__name__}")
        j = first.setdefault(text, len(first))
        if j == len(position):
            position.append(i)
        inverse_list.append(j)
    inverse = np.array(inverse_list, dtype=np.int64)
    unique = list(first)
    if languages is None:
        unique_langs = detect_languages(unique)
    else:
        unique_langs = [languages[i] for i in position]
    counts = np.bincount(inverse, minlength=len(unique)).tolist()
    keys: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    unique_key: list[tuple[str, tuple[str, ...]] | None] = [None] * len(unique)
    folded: dict[tuple[str, str], tuple[str, ...]] = {}  # "Ок!" and "ок" are tokenized once
    for j in sorted(range(len(unique)), key=unique.__getitem__):  # order-free representatives
        text, lang = unique[j], unique_langs[j]
        fold = (lang, text.lower().strip(_FOLD_STRIP))
        if fold not in folded:
            folded[fold] = tuple(tokenize(text, lang))
        key = (lang, folded[fold])
        if key[1]:
            keys.setdefault(key, []).append(j)
            unique_key[j] = key
    ordered = sorted(keys)
    doc_of_key = {key: d for d, key in enumerate(ordered)}
    doc_of_unique = np.array(
        [-1 if key is None else doc_of_key[key] for key in unique_key], dtype=np.int64
    )
    reps, weights = [], []
    for key in ordered:
        members = keys[key]
        reps.append(unique[min(members, key=lambda j: (-counts[j], unique[j]))])
        weights.append(sum(counts[j] for j in members))
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


# --- clustering -----------------------------------------------------------------------------------


def weighted_sample(weights: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Sorted indices of `size` documents drawn without replacement by weight (all if fewer)."""
    n = len(weights)
    if size >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size, replace=False, p=weights / weights.sum()))


def weighted_sums(
    points: np.ndarray, labels: np.ndarray, weights: np.ndarray, k: int
) -> np.ndarray:
    """Per cluster 0..k-1, the weighted sum of its points (k × dimensions)."""
    members = sp.csr_matrix((weights, (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    return np.asarray(members @ points)


def smooth(vectors: np.ndarray, neighbours: int, share: float, rounds: int = 2) -> np.ndarray:
    """Unit vectors moved `share` of the way to the mean of their `neighbours` most similar ones
    (weighted by cosine), `rounds` times: isolated word choices count less, shared meaning more."""
    n = len(vectors)
    if neighbours < 1 or share <= 0.0 or n <= neighbours:
        return vectors.copy()
    v32 = vectors.astype(np.float32)
    similarity = v32 @ v32.T
    np.fill_diagonal(similarity, -np.inf)
    # A few row-wise argmax passes: 3-5x faster than argpartition for so few neighbours.
    rows = np.arange(n)
    nearest = np.empty((n, neighbours), dtype=np.int64)
    values = np.empty((n, neighbours), dtype=np.float32)
    for column in range(neighbours):
        best = similarity.argmax(axis=1)
        nearest[:, column] = best
        values[:, column] = similarity[rows, best]
        similarity[rows, best] = -np.inf
    values = values.clip(0.0, None)
    del similarity
    graph = sp.csr_matrix(
        (values.ravel().astype(float), (np.repeat(rows, neighbours), nearest.ravel())),
        shape=(n, n),
    )
    out = vectors
    for _ in range(rounds):
        out = normalize((1.0 - share) * vectors + share * normalize(graph @ out))
    return out


def ward_tree(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ward linkage of unit vectors and their condensed Euclidean distances (BLAS, not pdist)."""
    distances = vectors @ vectors.T
    distances *= -2.0
    distances += 2.0
    np.clip(distances, 0.0, None, out=distances)
    np.sqrt(distances, out=distances)
    np.fill_diagonal(distances, 0.0)
    condensed = squareform(distances, checks=False)
    del distances
    return linkage(condensed, "ward"), condensed


def cut_tree(tree: np.ndarray, k: int) -> np.ndarray:
    """Labels 0..k-1 of the Ward tree cut into `k` clusters."""
    labels = fcluster(tree, k, criterion="maxclust") - 1
    return np.unique(labels, return_inverse=True)[1]


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of `labels` from a square distance matrix (as scikit-learn's, 0 for a
    point alone in its cluster), with one matrix product instead of a loop over chunks."""
    n, k = len(labels), int(labels.max()) + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    sums = distances @ onehot
    counts = onehot.sum(axis=0)
    own = counts[labels]
    a = sums[np.arange(n), labels] / np.maximum(own - 1.0, 1.0)
    other = sums / counts
    other[np.arange(n), labels] = np.inf
    b = other.min(axis=1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def choose_k(tree: np.ndarray, distances: np.ndarray, k_max: int) -> tuple[int, dict[int, float]]:
    """The k (of up to 8 from 2 to k_max) whose cut of the Ward tree has the best silhouette."""
    square = squareform(distances)
    scores: dict[int, float] = {}
    for k in sorted({round(k) for k in np.geomspace(2, k_max, 8)}):
        if k >= len(square):
            break
        labels = cut_tree(tree, k)
        if labels.max() >= 1:
            scores[k] = silhouette(square, labels)
    if not scores:
        return 1, {}
    best = max(scores.values())
    return min(k for k, s in scores.items() if s >= best - 1e-9), scores
