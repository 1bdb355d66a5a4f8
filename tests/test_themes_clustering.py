"""Clustering steps of `research.theme_vectors` (ThemeModel): smoothing, Ward, silhouette."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from research.theme_vectors import (
    choose_k,
    cut_tree,
    silhouette,
    smooth,
    ward_tree,
    weighted_sample,
    weighted_sums,
)
from research.themes import ThemeModel


def blobs(n_per: int = 30, k: int = 3, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.eye(8)[:k] * 3
    return normalize(np.vstack([c + rng.normal(size=(n_per, 8)) * 0.3 for c in centres]))


@pytest.mark.parametrize("k", [2, 5, 40])
def test_silhouette_matches_scikit_learn(k: int) -> None:
    points = np.random.default_rng(1).normal(size=(200, 4))
    labels = np.unique(np.random.default_rng(2).integers(0, k, 200), return_inverse=True)[1]
    distances = squareform(pdist(points))
    expected = silhouette_score(distances, labels, metric="precomputed")
    assert silhouette(distances, labels) == pytest.approx(expected, abs=1e-12)


def test_smooth_keeps_unit_length_and_can_be_off() -> None:
    points = blobs()
    smoothed = smooth(points, 4, 0.5)
    assert np.allclose(np.linalg.norm(smoothed, axis=1), 1.0)
    assert np.array_equal(smoothed, smooth(points, 4, 0.5))
    assert np.array_equal(smooth(points, 0, 0.5), points)
    assert np.array_equal(smooth(points, 4, 0.0), points)


def test_smooth_moves_each_point_towards_its_most_similar_neighbours() -> None:
    points = normalize(np.random.default_rng(3).normal(size=(60, 5)))
    neighbours, share = 4, 0.5
    similarity = points @ points.T
    np.fill_diagonal(similarity, -np.inf)
    graph = np.zeros_like(similarity)
    for i, row in enumerate(similarity):  # by a full sort, the obvious way
        for j in np.argsort(-row)[:neighbours]:
            graph[i, j] = max(row[j], 0.0)
    expected = points
    for _ in range(2):
        expected = normalize((1 - share) * points + share * normalize(graph @ expected))
    assert np.allclose(smooth(points, neighbours, share), expected, atol=1e-6)


def test_weighted_sums_per_cluster() -> None:
    points = np.random.default_rng(4).normal(size=(50, 3))
    labels = np.random.default_rng(5).integers(0, 4, 50)
    weights = np.random.default_rng(6).random(50)
    expected = np.array([(points * weights[:, None])[labels == c].sum(axis=0) for c in range(5)])
    assert np.allclose(weighted_sums(points, labels, weights, 5), expected)  # cluster 4: zeros


def test_ward_finds_three_blobs_and_choose_k_agrees() -> None:
    tree, distances = ward_tree(blobs())
    labels = cut_tree(tree, 3)
    assert sorted(np.bincount(labels)) == [30, 30, 30]
    k, scores = choose_k(tree, distances, 9)
    assert k == 3 and max(scores, key=scores.get) == 3


def test_weighted_sample_is_sorted_and_seeded() -> None:
    weights = np.arange(1, 101, dtype=float)
    a = weighted_sample(weights, 30, 0)
    assert np.array_equal(a, weighted_sample(weights, 30, 0))
    assert np.all(np.diff(a) > 0) and len(a) == 30
    assert np.array_equal(weighted_sample(weights, 500, 0), np.arange(100))


def test_parameters_are_checked_and_n_init_runs() -> None:
    words = {
        "payment": ["card", "fee", "charged", "refund", "bank"],
        "login": ["password", "account", "locked", "username", "reset"],
        "upload": ["file", "document", "photo", "attach", "size"],
    }
    texts = [f"{t} {w} {v}" for t, ws in words.items() for w in ws for v in ws if w != v]
    with pytest.raises(ValueError):
        ThemeModel(neighbours=-1).fit(texts)
    with pytest.raises(ValueError):
        ThemeModel(smoothing=1.5).fit(texts)
    a = ThemeModel(3, n_init=3, embeddings="none").fit(texts, ["en"] * len(texts))
    b = ThemeModel(3, n_init=3, embeddings="none").fit(texts, ["en"] * len(texts))
    assert np.array_equal(a.labels_, b.labels_) and a.n_themes_ == 3
