"""Themes in short open answers (Bulgarian and English): `ThemeModel`, `Theme`, `theme_answers`.

`ThemeModel` behaves like a scikit-learn estimator: `__init__` stores parameters, `fit` returns
self, learned state ends in "_" (`labels_`, `themes_`, `centroids_`, ...), randomness goes through
`random_state`, so the same answers give the same themes. The numbers behind each choice are in
benchmarks/RESULTS.md, section `themes` (NMI at gold k: banking77, clinc150, Bulgarian templates).

1. **Documents** (`research.theme_vectors`). Identical strings once; then one weighted document per
   (language, content lemmas of `research.tokens.tokenize`), sorted, so order does not matter and
   100,000 answers cost what their distinct ones cost. No content word ("👍", "ok", "") → theme -1,
   `unclassified_`, `unclassified_share_`; every other answer gets a theme.
2. **Vectors.** TF-IDF of lemmas plus the concept tokens of a small bilingual glossary
   (`research.theme_glossary`: "плащането" and "payment" share "≈плащане"; NMI on the Bulgarian
   templates 0.69 → 0.78, neutral on English), sublinear tf, weighted df, `min_df`; TruncatedSVD to
   `n_components` and unit length. English documents add a WordLlama static embedding (centred,
   `embedding_weight` of the squared norm) when `wordllama` is installed: NMI 0.65 → 0.77
   (banking77), 0.75 → 0.85 (clinc150). Not for Bulgarian: it separated Bulgarian themes badly
   (NMI 0.27 alone) and pulled LSA down. Weight 0.8, not 1.0, keeps an English answer's LSA part,
   through which it can join a Bulgarian theme. Character n-grams, bigrams, 200 dimensions: no gain.
3. **Clusters** (NMI at gold k, seed 0: banking77 / clinc150 / Bulgarian templates). KMeans alone
   (k-means++) gave 0.73 / 0.81 / 0.80, the last by seed luck (seeds 1-4: 0.65-0.73); n_init=3
   did not help. Now a weighted sample of max(`sample_size`, 30 · k) documents (all of them in the
   benchmarks; 1,000 of the 1,282 Bulgarian ones cost 0.03) is *smoothed*: each vector moves
   `smoothing` = 0.5 of the way to the mean of its `neighbours` = 4 nearest, twice (clinc150 0.835
   → 0.849; 3-7 neighbours, 0.8: 0.844-0.849). Ward's linkage on it gives the first clusters;
   weighted KMeans on at most `fit_size` documents starts from their means: 0.77 / 0.85 / 0.78, the
   same for every seed. Dropped: SIF or IDF token weights, removing the embedding's first principal
   component, whitening, embedding the lemmas, average linkage (−0.01 to −0.07 each).
4. **Number of themes.** `n_themes=None`: the cut of the Ward tree with the best silhouette, over up
   to 8 values of k from 2 to min(`max_themes`, √(documents / 2)): about 11 for 250 distinct
   answers, 22 for 1,000, 40 from 3,200. The silhouette mostly keeps rising with k on real answers,
   so the range does most of the work; a clear structure wins (three topics give three themes).
5. **Themes** (`research.theme_labels`), by size then label: 2-4 c-TF-IDF terms in the dominant
   language, each in its most frequent word form; 3 quotes near the centroid, of medium length, not
   near-duplicates; `negative_share` from the sentiments given; the language mix.

`predict` puts a new answer in the nearest theme (cosine to the centroids) when the similarity
reaches `threshold`, else -1, so curated themes keep their answers and only the rest form new ones.
At 0.35, 97% of on-topic English answers and 92% of on-topic Bulgarian ones were placed, against
14% and 11% of off-topic ones (at 0.3: 99% / 98% against 17% / 36%, since the Ward-started
clusters put "адрес" answers in one theme; KMeans alone gave 98% / 91% against 17% / 10% at 0.3).
Limit: Bulgarian and English answers meet only through shared words and the glossary.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from research import theme_labels, theme_vectors
from research.language import detect_languages
from research.theme_vectors import (
    EMBEDDER,
    EMBEDDING_DIM,
    Documents,
    count_matrix,
    embed,
    group_documents,
    static_embedder,
)

UNCLASSIFIED_ID = -1
UNCLASSIFIED_LABEL = "(too short to classify)"
# BLAS and OpenMP threads used by fit and transform. The matrices are small, and on 2 cores shared
# with other work the default (2 spinning threads) made a 10k-answer fit 6-10x slower (1.7 s → 10-17
# s); one thread per call also lets several app sessions fit at once.
THREADS = 1
SAMPLE_PER_THEME = 30  # documents in the Ward sample per theme asked for (see the docstring)
MAX_SAMPLE = 5000  # at most: its distance matrix takes 8 * MAX_SAMPLE**2 bytes (200 MB)


@dataclass(frozen=True)
class Theme:
    """One theme. `id`: 0, 1, ... by size (-1: unclassified); `label`: 2-4 words as the answers
    write them; `top_terms`: up to 10 lemmas by c-TF-IDF; `size` answers, `share` of all answers;
    `quotes`: up to 3 representative answers; `negative_share`: None without sentiments;
    `languages`: share of each language among its answers."""

    id: int
    label: str
    top_terms: tuple[str, ...]
    size: int
    share: float
    quotes: tuple[str, ...]
    negative_share: float | None
    languages: dict[str, float] = field(default_factory=dict)


class ThemeModel:
    """Group short answers into themes; see the module docstring for the method.

    Parameters: `n_themes` (None: chosen automatically, up to `max_themes`); `n_components` (LSA
    dimensions); `min_df` (fewest answers a term must occur in; 1 below 20 documents);
    `embeddings` ("auto": English static embeddings if wordllama is installed, "wordllama":
    required, "none"); `embedding_weight` (its share for English answers); `glossary` (bilingual
    concept tokens, `research.theme_glossary`); `threshold` (least
    cosine similarity for `predict` to place an answer in a theme); `neighbours`, `smoothing` (kNN
    smoothing before Ward; 0 turns it off); `n_init` (KMeans starts: the Ward one, then k-means++;
    the lowest inertia wins); `sample_size` (fewest documents in the Ward sample, on which k is
    chosen), `fit_size` (most documents KMeans and the SVD are fitted on), `random_state`.
    """

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        max_themes: int = 40,
        n_components: int = 100,
        min_df: int = 2,
        embeddings: str = "auto",
        embedding_weight: float = 0.8,
        glossary: bool = True,
        threshold: float = 0.35,
        neighbours: int = 4,
        smoothing: float = 0.5,
        n_init: int = 1,
        sample_size: int = 1500,
        fit_size: int = 10000,
        random_state: int = 0,
    ) -> None:
        self.n_themes = n_themes
        self.max_themes = max_themes
        self.n_components = n_components
        self.min_df = min_df
        self.embeddings = embeddings
        self.embedding_weight = embedding_weight
        self.glossary = glossary
        self.threshold = threshold
        self.neighbours = neighbours
        self.smoothing = smoothing
        self.n_init = n_init
        self.sample_size = sample_size
        self.fit_size = fit_size
        self.random_state = random_state

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn convention)."""
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name != "self"}

    # --- fitting --------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        languages: Sequence[str] | None = None,
        sentiments: Sequence[Any] | None = None,
    ) -> ThemeModel:
        """Learn themes from `texts`; `languages` ("bg"/"en"/"other") are detected when None.

        `sentiments` (one per text: a `research.sentiment.Sentiment`, a polarity, or a label) give
        each theme's `negative_share`.
        """
        with threadpool_limits(THREADS):
            return self._fit(texts, languages, sentiments)

    def _fit(
        self,
        texts: Sequence[str],
        languages: Sequence[str] | None,
        sentiments: Sequence[Any] | None,
    ) -> ThemeModel:
        self._check_params()
        if sentiments is not None and len(sentiments) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(sentiments)} sentiments")
        docs = group_documents(texts, languages, self.glossary)
        self.n_texts_ = len(texts)
        self.languages_ = docs.text_langs
        self.embedder_ = self._embedder_name()
        n_docs = len(docs.tokens)
        self._fit_vocabulary(docs)
        counts = count_matrix(docs.tokens, self.vocabulary_)
        vectors = self._project(counts, docs.langs, docs.reps, docs.weights)
        self.n_themes_, self.k_scores_, doc_labels, centroids = self._cluster(vectors, docs.weights)
        similarity = (vectors * centroids[doc_labels]).sum(axis=1) if n_docs else np.zeros(0)
        drafts, order = theme_labels.describe(
            docs, counts, doc_labels, similarity, sentiments, self.terms_
        )
        remap = np.empty(max(len(order), 1), dtype=np.int64)
        remap[order] = np.arange(len(order))
        doc_labels = remap[doc_labels] if n_docs else doc_labels
        self.centroids_ = centroids[order] if len(order) else centroids
        self.themes_ = [Theme(id=new, **drafts[old]) for new, old in enumerate(order)]
        has_doc = docs.text_doc >= 0
        self.labels_ = np.full(len(texts), UNCLASSIFIED_ID, dtype=np.int64)
        self.labels_[has_doc] = doc_labels[docs.text_doc[has_doc]]
        self.similarities_ = np.zeros(len(texts))
        self.similarities_[has_doc] = similarity[docs.text_doc[has_doc]]
        self.unclassified_share_ = float((~has_doc).mean()) if len(texts) else 0.0
        self.unclassified_ = self._unclassified(texts, ~has_doc, sentiments)
        return self

    def fit_predict(
        self,
        texts: Sequence[str],
        languages: Sequence[str] | None = None,
        sentiments: Sequence[Any] | None = None,
    ) -> np.ndarray:
        """`fit`, then the theme of each text (`labels_`)."""
        return self.fit(texts, languages, sentiments).labels_

    def _check_params(self) -> None:
        if self.n_themes is not None and (not isinstance(self.n_themes, int) or self.n_themes < 1):
            raise ValueError(f"n_themes must be a positive int or None, not {self.n_themes!r}")
        if self.embeddings not in ("auto", "wordllama", "none"):
            raise ValueError(f"embeddings must be 'auto', 'wordllama' or 'none': {self.embeddings}")
        if not 0.0 <= self.embedding_weight <= 1.0:
            raise ValueError("embedding_weight must be within [0, 1]")
        if self.max_themes < 2 or self.n_components < 2 or self.min_df < 1 or self.n_init < 1:
            raise ValueError("max_themes and n_components must be >= 2, min_df and n_init >= 1")
        if self.neighbours < 0 or not 0.0 <= self.smoothing <= 1.0:
            raise ValueError("neighbours must be >= 0 and smoothing within [0, 1]")

    def _embedder_name(self) -> str | None:
        if self.embeddings == "none" or self.embedding_weight == 0.0:
            return None
        if static_embedder() is None:
            if self.embeddings == "wordllama":
                raise RuntimeError(
                    "embeddings='wordllama' needs the package: pip install wordllama"
                )
            return None
        return EMBEDDER

    def _fit_vocabulary(self, docs: Documents) -> None:
        df: dict[str, float] = {}
        for tokens, weight in zip(docs.tokens, docs.weights, strict=True):
            for token in set(tokens):
                df[token] = df.get(token, 0.0) + weight
        min_df = self.min_df if len(docs.tokens) >= 20 else 1
        terms = sorted(t for t, n in df.items() if n >= min_df)
        self.vocabulary_ = {t: j for j, t in enumerate(terms)}
        self.terms_ = terms
        total = float(docs.weights.sum())
        self.idf_ = np.array([math.log((1 + total) / (1 + df[t])) + 1 for t in terms])

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        x = counts.copy()
        np.log(x.data, out=x.data)
        x.data += 1.0
        return normalize(x @ sp.diags(self.idf_))

    def _project(
        self,
        counts: sp.csr_matrix,
        langs: Sequence[str],
        texts: Sequence[str],
        weights: np.ndarray | None = None,
    ) -> np.ndarray:
        """Unit vectors: LSA of TF-IDF, plus the embedding block for English (fits when weights)."""
        if counts.shape[0] == 0:
            return np.zeros((0, 2))
        x = self._tfidf(counts)
        if weights is not None:  # fitting
            n_comp = min(self.n_components, x.shape[1] - 1, x.shape[0] - 1)
            self.svd_ = None
            if n_comp >= 2:
                svd = TruncatedSVD(n_comp, algorithm="randomized", random_state=self.random_state)
                on = theme_vectors.weighted_sample(weights, self.fit_size, self.random_state)
                self.svd_ = svd.fit(sp.diags(np.sqrt(weights[on])) @ x[on])
        lsa = self.svd_.transform(x) if self.svd_ is not None else x.toarray()
        lsa = normalize(lsa)
        if self.embedder_ is None:
            return lsa
        english = np.array([lang == "en" for lang in langs], dtype=bool)
        block = np.zeros((len(langs), EMBEDDING_DIM))
        if english.any():
            block[english] = embed([t for t, e in zip(texts, english, strict=True) if e])
            if weights is not None:  # fitting: the mean English vector, removed from all
                w = weights[english]
                self.embedding_mean_ = (block[english] * w[:, None]).sum(axis=0) / w.sum()
            block[english] = normalize(block[english] - self.embedding_mean_)
        elif weights is not None:
            self.embedding_mean_ = np.zeros(EMBEDDING_DIM)
        has_block = np.linalg.norm(block, axis=1) > 0
        beta = self.embedding_weight
        lsa[has_block] *= math.sqrt(1.0 - beta)
        return np.hstack([lsa, block * math.sqrt(beta)])

    def _cluster(
        self, vectors: np.ndarray, weights: np.ndarray
    ) -> tuple[int, dict[int, float], np.ndarray, np.ndarray]:
        """(k, silhouette by k, label of each document, unit centroids of the raw vectors)."""
        n_docs = len(vectors)
        if n_docs == 0:
            return 0, {}, np.zeros(0, dtype=np.int64), np.zeros((0, vectors.shape[1]))
        if self.n_themes is not None:
            k_max = min(self.n_themes, n_docs)
        else:
            k_max = min(self.max_themes, n_docs - 1, max(2, round(math.sqrt(n_docs / 2))))
        k, scores, labels = 1, {}, np.zeros(n_docs, dtype=np.int64)
        if k_max >= 2:
            size = min(max(self.sample_size, SAMPLE_PER_THEME * k_max), MAX_SAMPLE)
            sample = theme_vectors.weighted_sample(weights, size, self.random_state)
            points = vectors.copy()
            points[sample] = theme_vectors.smooth(vectors[sample], self.neighbours, self.smoothing)
            tree, distances = theme_vectors.ward_tree(points[sample])
            k, scores = (
                (k_max, {}) if self.n_themes else theme_vectors.choose_k(tree, distances, k_max)
            )
            if k > 1:
                labels = self._refine(points, weights, sample, theme_vectors.cut_tree(tree, k))
        used = np.unique(labels)  # drop clusters that lost every document
        labels = np.searchsorted(used, labels)
        sums = theme_vectors.weighted_sums(vectors, labels, weights, len(used))
        return len(used), scores, labels, normalize(sums)

    def _refine(
        self, points: np.ndarray, weights: np.ndarray, sample: np.ndarray, ward: np.ndarray
    ) -> np.ndarray:
        """Weighted KMeans started from the Ward clusters' means; the label of every document."""
        k = int(ward.max()) + 1
        w = weights[sample]
        init = theme_vectors.weighted_sums(points[sample], ward, w, k)
        init /= np.bincount(ward, weights=w, minlength=k)[:, None]
        fit_on = theme_vectors.weighted_sample(weights, self.fit_size, self.random_state)
        x, w = points[fit_on], weights[fit_on]
        # Elkan's bounds give Lloyd's clusters in 60% of the time here; more starts: k-means++.
        options = {"algorithm": "elkan", "random_state": self.random_state}
        km = KMeans(k, init=init, n_init=1, **options).fit(x, sample_weight=w)
        if self.n_init > 1:  # the lowest inertia wins
            other = KMeans(k, n_init=self.n_init - 1, **options)
            if other.fit(x, sample_weight=w).inertia_ < km.inertia_:
                km = other
        return np.argmax(points @ normalize(km.cluster_centers_).T, axis=1)

    # --- naming ---------------------------------------------------------------------------------

    def _unclassified(
        self, texts: Sequence[str], mask: np.ndarray, sentiments: Sequence[Any] | None
    ) -> Theme | None:
        if not mask.any():
            return None
        negative = theme_labels.negative_flags(sentiments)
        return Theme(
            id=UNCLASSIFIED_ID,
            label=UNCLASSIFIED_LABEL,
            top_terms=(),
            size=int(mask.sum()),
            share=float(mask.mean()),
            quotes=tuple(theme_labels.most_common([texts[i] for i in np.flatnonzero(mask)])),
            negative_share=None if negative is None else float(negative[mask].mean()),
            languages=theme_labels.language_mix([self.languages_[i] for i in np.flatnonzero(mask)]),
        )

    # --- new answers ----------------------------------------------------------------------------

    def transform(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """Cosine similarity of each text to each theme's centroid (n_texts × n_themes)."""
        vectors = self.vectorize(texts, languages)
        return vectors @ self.centroids_.T if len(self.centroids_) else vectors[:, :0]

    def vectorize(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """Unit vectors of `texts` in the fitted space (zeros for a text with no content word)."""
        if not hasattr(self, "centroids_"):
            raise ValueError("this ThemeModel is not fitted yet: call fit first")
        with threadpool_limits(THREADS):
            docs = group_documents(texts, languages, self.glossary)
            out = np.zeros((len(texts), self.centroids_.shape[1]))
            if not docs.tokens or not len(self.centroids_):
                return out
            counts = count_matrix(docs.tokens, self.vocabulary_)
            vectors = self._project(counts, docs.langs, docs.reps)
        has_doc = docs.text_doc >= 0
        out[has_doc] = vectors[docs.text_doc[has_doc]]
        return out

    def predict(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """The nearest theme of each text, or -1 when its similarity is below `threshold`."""
        similarity = self.transform(texts, languages)
        if similarity.shape[1] == 0:
            return np.full(len(texts), UNCLASSIFIED_ID, dtype=np.int64)
        best = np.argmax(similarity, axis=1)
        best[similarity[np.arange(len(texts)), best] < self.threshold] = UNCLASSIFIED_ID
        return best


def theme_answers(texts: Sequence[str], n_themes: int | None = None, **params: Any) -> ThemeModel:
    """Language, sentiment and themes of many answers in one call, each distinct text once."""
    from research.sentiment import score_many

    first: dict[str, int] = {}
    inverse = [first.setdefault(t, len(first)) for t in texts]
    unique = list(first)
    langs = detect_languages(unique)
    moods = score_many(unique, langs)
    return ThemeModel(n_themes, **params).fit(
        texts, [langs[j] for j in inverse], [moods[j] for j in inverse]
    )
