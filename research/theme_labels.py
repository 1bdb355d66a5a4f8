"""Names and quotes for themes: c-TF-IDF terms, their surface word forms, representative answers.

Pure functions used by `research.themes.ThemeModel`; they take arrays and lists, never a model.

- `class_term_scores` — c-TF-IDF (as in BERTopic): a term's weighted frequency inside a theme times
  log(1 + average theme size in words / the term's frequency in all answers). Terms frequent in one
  theme and rare elsewhere score highest.
- `pick_label_terms` — 2–4 terms in the theme's dominant language (Cyrillic lemmas for "bg", Latin
  ones otherwise), each at least `LABEL_RELATIVE_SCORE` of the best one's score.
- `surface_forms` — for each lemma, the word form the answers actually use most often
  ("плащането" rather than the bare lemma "плащане"), so labels read naturally.
- `language_mix`, `negative_flags`, `most_common` — the small statistics of a theme.
- `describe` — every field of every theme but its id, and the display order (by size, then label).
- `pick_quotes` — up to 3 answers nearest to the theme's centroid, preferring a medium length
  (`QUOTE_LENGTH` characters) and skipping near-duplicates (same content words).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from research.theme_glossary import is_concept
from research.tokens import tokenize

LABEL_TERMS = (2, 4)  # fewest and most terms in a label
LABEL_RELATIVE_SCORE = 0.35  # a third or fourth term must score this share of the best term
QUOTE_LENGTH = (25, 220)  # characters: shorter or longer answers are penalised as quotes
QUOTE_LENGTH_PENALTY = 0.15
QUOTE_OVERLAP = 0.75  # Jaccard of content words above which two quotes count as the same
SURFACE_TEXTS = 400  # most frequent answers of a theme read for surface forms
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def class_term_scores(
    counts: sp.csr_matrix, labels: np.ndarray, weights: np.ndarray, n_classes: int
) -> np.ndarray:
    """c-TF-IDF scores (n_classes × n_terms) from document term counts, labels and weights."""
    n_docs = counts.shape[0]
    if n_classes == 0 or n_docs == 0:
        return np.zeros((n_classes, counts.shape[1]))
    member = sp.csr_matrix(
        (weights.astype(float), (labels, np.arange(n_docs))), shape=(n_classes, n_docs)
    )
    tf = np.asarray((member @ counts).todense(), dtype=float)  # weighted term counts per class
    class_words = tf.sum(axis=1, keepdims=True)
    term_total = tf.sum(axis=0)
    average = max(float(class_words.mean()), 1.0)
    idf = np.log1p(average / np.maximum(term_total, 1e-12))
    return tf / np.maximum(class_words, 1e-12) * idf


def term_language(term: str) -> str:
    """ "bg" for a Cyrillic term, "en" otherwise (lemmas are in one script)."""
    return "bg" if _CYRILLIC.search(term) else "en"


def pick_label_terms(
    scores: np.ndarray, terms: Sequence[str], language: str, top: int = 10
) -> tuple[list[str], list[str]]:
    """(label terms, top terms) for one theme: label terms prefer `language`'s script."""
    order = [
        int(i)
        for i in np.argsort(-scores, kind="stable")
        if scores[i] > 0 and not is_concept(terms[i])
    ]
    top_terms = [terms[i] for i in order[:top]]
    wanted = "bg" if language == "bg" else "en"
    own = [i for i in order if term_language(terms[i]) == wanted]
    rest = [i for i in order if term_language(terms[i]) != wanted]
    chosen: list[int] = []
    for i in own + rest:
        if len(chosen) >= LABEL_TERMS[1]:
            break
        if len(chosen) >= LABEL_TERMS[0] and scores[i] < LABEL_RELATIVE_SCORE * scores[order[0]]:
            break
        chosen.append(i)
    return [terms[i] for i in chosen], top_terms


def surface_forms(
    lemmas: Sequence[str],
    texts: Sequence[str],
    languages: Sequence[str],
    weights: Sequence[float],
    cache: dict[tuple[str, str], str | None] | None = None,
) -> dict[str, str]:
    """The most frequent word form of each lemma in `texts` (weighted); the lemma if none is seen.

    A word's lemma is `research.tokens.tokenize(word, language)`; `cache` keeps it per word across
    calls. Ties go to the alphabetically first form, so the result does not depend on order.
    """
    wanted = set(lemmas)
    seen: dict[str, Counter[str]] = {lemma: Counter() for lemma in wanted}
    cache = {} if cache is None else cache
    order = sorted(range(len(texts)), key=lambda i: (-weights[i], i))[:SURFACE_TEXTS]
    for i in order:
        lang = languages[i]
        text = unicodedata.normalize("NFKC", texts[i])
        shouting = text.isupper()
        words = _WORD.findall(text)
        for position, word in enumerate(words):
            lower = word.lower()
            key = (lower, lang)
            if key not in cache:
                found = tokenize(lower, lang)
                cache[key] = found[0] if len(found) == 1 else None
            lemma = cache[key]
            if lemma in wanted:
                # keep acronyms ("КЕП") and names; drop a capital that only starts the answer
                keep = not shouting and (position > 0 or word.isupper())
                form = word if keep else lower
                seen[lemma][form] += weights[i]
    out = {}
    for lemma in lemmas:
        forms = seen[lemma]
        out[lemma] = min(forms, key=lambda f: (-forms[f], f)) if forms else lemma
    return out


def pick_quotes(
    texts: Sequence[str],
    similarities: np.ndarray,
    token_sets: Sequence[frozenset[str]],
    n: int = 3,
) -> list[str]:
    """Up to `n` distinct representative texts: near the centroid, of a medium length."""
    low, high = QUOTE_LENGTH
    scores = []
    for text, similarity in zip(texts, similarities, strict=True):
        length = len(text.strip())
        off = (low - length) / low if length < low else max(0.0, (length - high) / high)
        scores.append(float(similarity) - QUOTE_LENGTH_PENALTY * min(off, 2.0))
    order = sorted(range(len(texts)), key=lambda i: (-scores[i], texts[i]))
    chosen: list[int] = []
    for i in order:
        if len(chosen) == n:
            break
        if any(_overlap(token_sets[i], token_sets[j]) >= QUOTE_OVERLAP for j in chosen):
            continue
        chosen.append(i)
    for i in order:  # too few distinct ones: fill with the next best
        if len(chosen) == n:
            break
        if i not in chosen and texts[i].strip() not in {texts[j].strip() for j in chosen}:
            chosen.append(i)
    return [texts[i].strip() for i in chosen]


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def language_mix(langs: Sequence[str]) -> dict[str, float]:
    """Share of each language, keys sorted."""
    if not langs:
        return {}
    counts: dict[str, int] = {}
    for lang in langs:
        counts[lang] = counts.get(lang, 0) + 1
    return {lang: counts[lang] / len(langs) for lang in sorted(counts)}


def negative_flags(sentiments: Sequence[Any] | None) -> np.ndarray | None:
    """1.0 for a negative answer: label "negative", or a polarity <= -0.05."""
    if sentiments is None:
        return None
    out = np.zeros(len(sentiments))
    for i, s in enumerate(sentiments):
        if isinstance(s, str):
            out[i] = s == "negative"
        elif hasattr(s, "label"):
            out[i] = s.label == "negative"
        elif s is not None:
            out[i] = float(s) <= -0.05
    return out


def most_common(texts: Sequence[str], n: int = 3) -> list[str]:
    """The `n` most frequent non-empty texts (stripped), ties alphabetically."""
    counts = Counter(t.strip() for t in texts if t.strip())
    return sorted(counts, key=lambda t: (-counts[t], t))[:n]


def describe(
    docs: Any,  # research.theme_vectors.Documents
    counts: sp.csr_matrix,
    doc_labels: np.ndarray,
    similarity: np.ndarray,
    sentiments: Sequence[Any] | None,
    terms: Sequence[str],
) -> tuple[list[dict[str, Any]], list[int]]:
    """Every cluster's theme fields but the id, and the clusters in display order."""
    k = int(doc_labels.max()) + 1 if len(doc_labels) else 0
    scores = class_term_scores(counts, doc_labels, docs.weights, k)
    text_labels = np.full(len(docs.text_doc), -1, dtype=np.int64)
    has_doc = docs.text_doc >= 0
    text_labels[has_doc] = doc_labels[docs.text_doc[has_doc]]
    negative = negative_flags(sentiments)
    cache: dict[tuple[str, str], str | None] = {}
    drafts: list[dict[str, Any]] = []
    for c in range(k):
        members = np.flatnonzero(doc_labels == c)
        mix = language_mix([docs.text_langs[i] for i in np.flatnonzero(text_labels == c)])
        dominant = max(mix, key=lambda lang: (mix[lang], lang)) if mix else "bg"
        label_terms, top_terms = pick_label_terms(scores[c], terms, dominant)
        forms = surface_forms(
            label_terms,
            [docs.reps[i] for i in members],
            [docs.langs[i] for i in members],
            [float(docs.weights[i]) for i in members],
            cache,
        )
        own = [i for i in members if docs.langs[i] == dominant] or list(members)
        quotes = pick_quotes(  # in the language of the label
            [docs.reps[i] for i in own],
            similarity[own],
            [frozenset(docs.tokens[i]) for i in own],
        )
        size = int(docs.weights[members].sum())
        neg = None if negative is None else float(negative[text_labels == c].mean())
        drafts.append(
            {
                "label": ", ".join(forms[t] for t in label_terms),
                "top_terms": tuple(top_terms),
                "size": size,
                "share": size / max(len(docs.text_doc), 1),
                "quotes": tuple(quotes),
                "negative_share": neg,
                "languages": mix,
            }
        )
    order = sorted(range(k), key=lambda c: (-drafts[c]["size"], drafts[c]["label"], c))
    return drafts, order
