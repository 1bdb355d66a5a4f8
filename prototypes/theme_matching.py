"""Themes from week to week, and re-analysis that keeps curation: pure functions on plain data.

`plan_analysis` decides, for one iteration, where each piece of feedback goes; the repository
(`prototypes.repository_themes`) reads its inputs and writes its plan. It works per *stance*
(praise apart from problems and requests, so "the declaration template saved me a trip" and "I
could not tell which declaration" stay two themes), and within a stance:

1. One `research.themes.ThemeModel` is fitted on all the iteration's feedback of that stance: it
   gives the vector space of the week (TF-IDF/LSA on lemmas, English embeddings).
2. **Kept placements** (manual ones, those of curated themes, or all of them when new feedback
   arrives) stay. Each theme already present in the iteration, and each *curated* theme of earlier
   weeks (pinned or renamed), gets a centroid: the mean vector of its members' texts.
3. **New feedback joins** the nearest of those themes when its cosine similarity reaches the
   model's `threshold` (`ThemeModel.predict`'s rule, against these centroids).
4. **The rest form new themes**: the model's own clusters when nothing was placed before,
   otherwise a model fitted on the rest alone.
5. **Stable ids**: each new theme is matched one-to-one (Hungarian assignment on centroid cosine,
   at least `MATCH_THRESHOLD`) to a theme of earlier weeks not yet present, whose centroid comes
   from the texts of its members in the latest earlier iteration; a match keeps that theme's row
   and key, so "the same" theme is followed across weeks. Unmatched ones are new themes.

Feedback with no content word (empty, emoji only, "ok") is left unclassified.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.preprocessing import normalize

from research.themes import UNCLASSIFIED_ID, ThemeModel

#: least cosine similarity of two theme centroids for a new theme to continue an earlier one
MATCH_THRESHOLD = 0.5
STANCES = ("concern", "positive")


class Feedback(Protocol):
    """What the plan needs of a piece of feedback (`repository_feedback.FeedbackItem` has it)."""

    @property
    def key(self) -> tuple[str, int]: ...

    text: str
    language: str
    sentiment: str
    kind: str


@dataclass(frozen=True)
class KnownTheme:
    """A theme of the prototype the plan may put feedback in.

    `present`: it has members in this iteration (their keys are in `placed`); `curated`: pinned or
    renamed; `texts`: (text, language) of its members in the latest earlier iteration, for themes
    not present.
    """

    id: int
    stance: str = ""
    curated: bool = False
    present: bool = False
    texts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NewTheme:
    stance: str
    label: str
    terms: tuple[str, ...]
    #: (feedback key, similarity to the theme's centroid)
    members: tuple[tuple[tuple[str, int], float], ...]
    #: the earlier theme this one continues, and the similarity of their centroids
    continues: int | None = None
    continuity: float | None = None


@dataclass(frozen=True)
class Plan:
    #: (feedback key, theme id, similarity): new feedback joining a theme that exists
    joins: tuple[tuple[tuple[str, int], int, float], ...] = ()
    new_themes: tuple[NewTheme, ...] = ()
    unclassified: tuple[tuple[str, int], ...] = ()
    kept: int = 0
    details: dict = field(default_factory=dict)


def stance_of(item: Feedback) -> str:
    """ "positive" for praise, "concern" for the rest; an observation's kind says it best."""
    if item.kind == "positive":
        return "positive"
    if item.kind == "pain_point":
        return "concern"
    return "positive" if item.sentiment == "positive" else "concern"


# --------------------------------------------------------------------------- vectors


def text_vectors(
    model: ThemeModel, texts: Sequence[str], languages: Sequence[str] | None = None
) -> np.ndarray:
    """Unit vectors of `texts` in a fitted model's space (zeros for a text with no content word).

    `ThemeModel.transform` gives the cosine similarity of each text to each centroid; against the
    unit axes that is the text's own vector, so no private part of the model is used.
    """
    if not hasattr(model, "centroids_"):
        raise ValueError("the model is not fitted")
    if not len(texts) or not model.n_themes_:
        return np.zeros((len(texts), model.centroids_.shape[1] if model.n_themes_ else 0))
    probe = copy.copy(model)
    probe.centroids_ = np.eye(model.centroids_.shape[1])
    return probe.transform(list(texts), None if languages is None else list(languages))


def centroid(vectors: np.ndarray) -> np.ndarray | None:
    """The unit mean of some vectors, or None when they carry nothing."""
    if not len(vectors):
        return None
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 1e-9 else None


def nearest(
    vectors: np.ndarray, centroids: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """`ThemeModel.predict`'s rule against given centroids: (index or -1, similarity)."""
    if not len(centroids) or not len(vectors):
        return np.full(len(vectors), UNCLASSIFIED_ID), np.zeros(len(vectors))
    similarity = vectors @ normalize(centroids).T
    best = np.argmax(similarity, axis=1)
    score = similarity[np.arange(len(vectors)), best]
    best[score < threshold] = UNCLASSIFIED_ID
    return best, score


def match_themes(
    previous: np.ndarray, current: np.ndarray, threshold: float = MATCH_THRESHOLD
) -> dict[int, tuple[int, float]]:
    """One-to-one matching of current themes to previous ones by centroid cosine similarity.

    Returns {current index: (previous index, similarity)} for pairs at or above `threshold`,
    chosen by the Hungarian assignment that maximises the total similarity.
    """
    if not len(previous) or not len(current):
        return {}
    similarity = normalize(current) @ normalize(previous).T
    rows, cols = linear_sum_assignment(-similarity)
    return {
        int(r): (int(c), float(similarity[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if similarity[r, c] >= threshold
    }


# --------------------------------------------------------------------------- the plan


#: themes asked for when the researcher asks for none: about FACTOR·√(distinct answers)
THEMES_FACTOR = 1.5
MAX_THEMES = 40


def themes_for(n_distinct: int, requested: int | None) -> int | None:
    """How many themes to ask a model for: the request, else about 1.5·√n of n distinct texts.

    `ThemeModel`'s own choice (silhouette up to √(n/2)) suits thousands of answers; a week's
    50–100 pieces of feedback then give 4–5 broad themes that mix unrelated problems. On the
    demo's three weeks (about 40 distinct texts per stance a week), 1.0·√n still mixed the
    landlord's declaration with other complaints, 2.0·√n split it in three, 1.3–1.6·√n kept it
    one theme followed across the weeks. 1.5·√n gives 11 themes for 50 texts and 15 for 100;
    `plan_analysis` shares at most `MAX_THEMES` between the stances.
    """
    if n_distinct < 1:
        return None
    if requested is None:  # and at least about three texts a theme, so a few make one theme
        requested = min(round(THEMES_FACTOR * math.sqrt(n_distinct)), n_distinct // 3)
    return max(1, min(requested, n_distinct, MAX_THEMES))


def _share(requested: int, part: int, whole: int) -> int:
    return max(1, round(requested * part / whole)) if whole else 1


def plan_analysis(
    items: Sequence[Feedback],
    placed: Mapping[tuple[str, int], int],
    themes: Sequence[KnownTheme],
    *,
    n_themes: int | None = None,
    by_stance: bool = True,
    random_state: int = 0,
) -> Plan:
    """Where each piece of feedback of one iteration goes; see the module docstring."""
    stance = {item.key: (stance_of(item) if by_stance else "") for item in items}
    groups = STANCES if by_stance else ("",)
    joins: list = []
    new_themes: list[NewTheme] = []
    unclassified: list = []
    details: dict = {}
    for group in groups:
        members = [item for item in items if stance[item.key] == group]
        if n_themes is None:  # about FACTOR·√n themes a stance, at most MAX_THEMES in all
            wanted, limit = None, _share(MAX_THEMES, len(members), len(items)) or 1
        else:
            wanted = limit = _share(n_themes, len(members), len(items))
        result = _plan_group(
            group, members, items, placed, themes, (wanted, limit), random_state, by_stance
        )
        joins += result[0]
        new_themes += result[1]
        unclassified += result[2]
        details[group or "all"] = result[3]
    kept = sum(1 for item in items if item.key in placed)
    return Plan(tuple(joins), tuple(new_themes), tuple(unclassified), kept, details)


def _plan_group(
    group: str,
    members: Sequence[Feedback],
    items: Sequence[Feedback],
    placed: Mapping[tuple[str, int], int],
    themes: Sequence[KnownTheme],
    wanted: tuple[int | None, int],
    random_state: int,
    by_stance: bool,
) -> tuple[list, list[NewTheme], list, dict]:
    """`wanted`: the themes asked for this stance (None: automatic), and at most how many."""
    pending = [item for item in members if item.key not in placed]
    if not pending:
        return [], [], [], {"items": len(members), "pending": 0}
    texts = [item.text for item in members]
    langs = [item.language for item in members]
    distinct = len(set(texts))
    n_themes, limit = wanted
    k = themes_for(distinct, n_themes) if n_themes else min(themes_for(distinct, None), limit)
    model = ThemeModel(k, random_state=random_state)
    model.fit(texts, langs, [item.sentiment for item in members])
    if not model.n_themes_:  # nothing with a content word
        return [], [], [item.key for item in pending], {"items": len(members), "pending": 0}
    everything = {item.key: item for item in items}
    placed_keys = [key for key in placed if key in everything]
    vectors_of = dict(
        zip(
            placed_keys,
            text_vectors(
                model,
                [everything[k].text for k in placed_keys],
                [everything[k].language for k in placed_keys],
            ),
            strict=True,
        )
    )
    pending_vectors = text_vectors(model, [i.text for i in pending], [i.language for i in pending])

    def same_stance(theme: KnownTheme) -> bool:
        return not by_stance or theme.stance in ("", group)

    candidates: list[tuple[int, np.ndarray]] = []
    for theme in themes:
        if theme.present:
            rows = [vectors_of[k] for k, t in placed.items() if t == theme.id and k in vectors_of]
            vector = centroid(np.array(rows)) if rows and same_stance(theme) else None
        elif theme.curated and same_stance(theme) and theme.texts:
            vector = centroid(
                text_vectors(model, [t for t, _ in theme.texts], [lang for _, lang in theme.texts])
            )
        else:
            vector = None
        if vector is not None:
            candidates.append((theme.id, vector))
    best, score = nearest(pending_vectors, np.array([v for _, v in candidates]), model.threshold)
    joins, rest, rest_vectors = [], [], []
    for item, b, s, v in zip(pending, best, score, pending_vectors, strict=True):
        if b != UNCLASSIFIED_ID:
            joins.append((item.key, candidates[b][0], round(float(s), 4)))
        else:  # words the week's model drops (too rare) may still group with the rest
            rest.append(item)
            rest_vectors.append(v)
    unclassified = []
    joined_themes = {theme_id for _, theme_id, _ in joins}
    untouched = len(pending) == len(members) and not joins
    found = _cluster_rest(group, rest, members, model if untouched else None, limit, random_state)
    unclassified += found[1]
    previous = [
        t
        for t in themes
        if not t.present and t.id not in joined_themes and t.texts and same_stance(t)
    ]
    rest_by_key = dict(zip([i.key for i in rest], rest_vectors, strict=True))
    matched = _continue(found[0], previous, model, rest_by_key)
    info = {
        "items": len(members),
        "pending": len(pending),
        "joined": len(joins),
        "candidates": len(candidates),
        "k": model.n_themes_,
    }
    return joins, matched, unclassified, info


def _cluster_rest(
    group: str,
    rest: Sequence[Feedback],
    members: Sequence[Feedback],
    model: ThemeModel | None,
    limit: int,
    random_state: int = 0,
) -> tuple[list[NewTheme], list]:
    """New themes from the feedback that joined none: the clusters of `model` (fitted on all
    `members`, when nothing was placed before), else of a model fitted on the rest alone."""
    if not rest:
        return [], []
    if model is not None:
        fitted = model
    else:
        texts = [item.text for item in rest]
        k = min(themes_for(len(set(texts)), None), limit)
        fitted = ThemeModel(k, random_state=random_state)
        fitted.fit(texts, [i.language for i in rest], [i.sentiment for i in rest])
    by_key = {item.key: index for index, item in enumerate(members)} if fitted is model else None
    labels, sims = fitted.labels_, fitted.similarities_
    grouped: dict[int, list] = {}
    unclassified = []
    for index, item in enumerate(rest):
        row = by_key[item.key] if by_key is not None else index
        label = int(labels[row])
        if label == UNCLASSIFIED_ID:
            unclassified.append(item.key)
        else:
            grouped.setdefault(label, []).append((item.key, round(float(sims[row]), 4)))
    found = [
        NewTheme(group, fitted.themes_[label].label, fitted.themes_[label].top_terms, tuple(keys))
        for label, keys in sorted(grouped.items())
    ]
    return found, unclassified


def _continue(
    found: list[NewTheme],
    previous: Sequence[KnownTheme],
    model: ThemeModel,
    vectors: Mapping[tuple[str, int], np.ndarray],
) -> list[NewTheme]:
    """Mark each new theme that continues a theme of earlier weeks (one-to-one)."""
    if not found or not previous:
        return found
    current = [centroid(np.array([vectors[k] for k, _ in theme.members])) for theme in found]
    earlier = [
        centroid(text_vectors(model, [t for t, _ in p.texts], [lang for _, lang in p.texts]))
        for p in previous
    ]
    cur_index = [i for i, c in enumerate(current) if c is not None]
    prev_index = [j for j, c in enumerate(earlier) if c is not None]
    if not cur_index or not prev_index:
        return found
    pairs = match_themes(
        np.array([earlier[j] for j in prev_index]), np.array([current[i] for i in cur_index])
    )
    out = list(found)
    for row, (col, similarity) in pairs.items():
        i, j = cur_index[row], prev_index[col]
        theme = out[i]
        out[i] = NewTheme(
            theme.stance,
            theme.label,
            theme.terms,
            theme.members,
            previous[j].id,
            round(similarity, 4) if not math.isnan(similarity) else None,
        )
    return out
