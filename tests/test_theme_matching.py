"""prototypes.theme_matching: vectors of a fitted model, one-to-one matching, and the plan that
keeps curation (pure, no database)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from prototypes.theme_matching import (
    KnownTheme,
    centroid,
    match_themes,
    nearest,
    plan_analysis,
    stance_of,
    text_vectors,
    themes_for,
)
from research.themes import ThemeModel

PAY = [
    "Плащането с карта не мина.",
    "Картата ми беше отхвърлена при плащането.",
    "Не можах да платя с карта.",
    "Плащането с карта се провали два пъти.",
    "Payment by card failed.",
    "Плащането не минава с моята карта.",
]
ADDRESS = [
    "Полето за адреса не прие номера на блока.",
    "Адресът ми не беше приет, блокът липсва.",
    "Не можах да въведа адреса с вход и блок.",
    "Полето за адрес не приема блок и вход.",
    "The address field rejected my block number.",
    "Адресът с номер на блок дава грешка.",
]
QUEUE = [
    "Опашката в районната администрация беше огромна.",
    "Чаках два часа на опашка в администрацията.",
    "Опашка на гишето, цяла сутрин.",
    "Дълга опашка в районната администрация.",
]


@dataclass(frozen=True)
class Item:
    source_id: int
    text: str
    language: str = "bg"
    sentiment: str = "negative"
    kind: str = ""
    source: str = "answer"

    @property
    def key(self) -> tuple[str, int]:
        return (self.source, self.source_id)


def items(texts: list[str], start: int = 0) -> list[Item]:
    return [Item(start + i, t, "en" if t[:1].isascii() else "bg") for i, t in enumerate(texts)]


@pytest.fixture(scope="module")
def fitted() -> ThemeModel:
    texts = PAY + ADDRESS + QUEUE
    return ThemeModel(3, embeddings="none").fit(texts)


def test_text_vectors_are_the_models_own(fitted):
    texts = ["Плащането с карта не мина.", "Полето за адрес", "🙂"]
    vectors = text_vectors(fitted, texts)
    assert vectors.shape == (3, fitted.centroids_.shape[1])
    assert np.allclose(vectors @ fitted.centroids_.T, fitted.transform(texts))
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0)
    assert not vectors[2].any()  # no content word: no vector


def test_text_vectors_need_a_fitted_model():
    with pytest.raises(ValueError):
        text_vectors(ThemeModel(), ["x"])


def test_centroid_and_nearest():
    assert centroid(np.zeros((2, 3))) is None
    assert centroid(np.zeros((0, 3))) is None
    c = centroid(np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert np.allclose(c, [2**-0.5, 2**-0.5])
    labels, _scores = nearest(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]), np.eye(2), 0.7)
    assert labels.tolist() == [0, 1, 1]
    labels, _ = nearest(np.array([[0.7071, 0.7071]]), np.eye(2), 0.8)
    assert labels.tolist() == [-1]
    assert nearest(np.zeros((2, 2)), np.zeros((0, 2)), 0.3)[0].tolist() == [-1, -1]


def test_match_themes_is_one_to_one_and_global():
    previous = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    # greedy would give current 0 to previous 0 (0.9) and leave current 1 unmatched (0.85 < 0.95)
    current = np.array([[0.9, 0.436, 0.0], [0.95, 0.0, 0.312], [0.0, 0.0, 1.0]])
    pairs = match_themes(previous, current, threshold=0.4)
    assert pairs[0][0] == 1 and pairs[1][0] == 0
    assert 2 not in pairs  # nothing like it before: a new theme
    assert len({p for p, _ in pairs.values()}) == len(pairs)
    assert match_themes(previous, np.zeros((0, 3))) == {}
    assert match_themes(np.zeros((0, 3)), current) == {}


def test_themes_for():
    assert themes_for(0, None) is None
    assert themes_for(2, None) == 1 and themes_for(9, None) == 3
    assert themes_for(50, None) == 11
    assert themes_for(10_000, None) == 40
    assert themes_for(5, 12) == 5
    assert themes_for(100, 3) == 3


def test_stance_prefers_an_observations_kind():
    assert stance_of(Item(1, "x", kind="positive", sentiment="negative")) == "positive"
    assert stance_of(Item(1, "x", kind="pain_point", sentiment="positive")) == "concern"
    assert stance_of(Item(1, "x", sentiment="positive")) == "positive"
    assert stance_of(Item(1, "x", sentiment="neutral")) == "concern"


def test_first_plan_clusters_everything_with_content():
    feedback = items(PAY + ADDRESS + ["🙂🙂", ""])
    plan = plan_analysis(feedback, {}, [], n_themes=2, by_stance=False)
    assert not plan.joins and plan.kept == 0
    assert set(plan.unclassified) == {feedback[-2].key, feedback[-1].key}
    placed = [key for theme in plan.new_themes for key, _ in theme.members]
    assert sorted(placed) == sorted(i.key for i in feedback[:-2])
    groups = [{key[1] for key, _ in theme.members} for theme in plan.new_themes]
    assert set(range(6)) in groups and set(range(6, 12)) in groups


def test_new_feedback_joins_existing_themes_and_the_rest_forms_new_ones():
    old = items(PAY[:4] + ADDRESS[:4])
    placed = {i.key: (10 if i.source_id < 4 else 20) for i in old}
    known = [KnownTheme(10, present=True), KnownTheme(20, present=True)]
    new = items(PAY[4:] + ADDRESS[4:] + QUEUE, start=100)
    plan = plan_analysis(old + new, placed, known, by_stance=False)
    joined = {key[1]: theme for key, theme, _ in plan.joins}
    assert joined.get(101) == 10 and joined.get(103) == 20
    assert all(s >= 0.3 for _, _, s in plan.joins)
    queue_keys = {i.key for i in new if i.text in QUEUE}
    formed = {key for theme in plan.new_themes for key, _ in theme.members}
    assert queue_keys <= formed
    assert not formed & set(placed)  # placed feedback is never moved
    assert plan.kept == len(old)


def test_curated_theme_of_an_earlier_week_attracts_new_feedback():
    earlier = KnownTheme(7, curated=True, texts=tuple((t, "bg") for t in QUEUE[:3]))
    feedback = items(PAY[:4] + QUEUE[3:])
    plan = plan_analysis(feedback, {}, [earlier], by_stance=False)
    assert (feedback[-1].key, 7) in {(k, t) for k, t, _ in plan.joins}


def test_a_new_theme_continues_the_matching_theme_of_last_week():
    earlier = [
        KnownTheme(1, texts=tuple((t, "bg") for t in PAY[:3])),
        KnownTheme(2, texts=tuple((t, "bg") for t in QUEUE[:2])),
    ]
    feedback = items(PAY[3:] + ADDRESS)
    plan = plan_analysis(feedback, {}, earlier, n_themes=2, by_stance=False)
    by_first = {min(k[1] for k, _ in t.members): t for t in plan.new_themes}
    pay = next(t for t in plan.new_themes if any(k[1] == 0 for k, _ in t.members))
    address = next(t for t in plan.new_themes if t is not pay)
    assert pay.continues == 1 and pay.continuity >= 0.5
    assert address.continues is None  # the queue theme of last week is not this
    assert len(by_first) == 2


def test_stances_are_analysed_apart():
    praise = [
        Item(50, "Шаблонът на декларацията ми спести ходене до нотариус.", sentiment="positive"),
        Item(51, "Много удобен шаблон на декларацията.", sentiment="positive"),
    ]
    concern = [
        Item(60, "Не разбрах каква декларация трябва да ми даде хазяинът.", sentiment="negative"),
        Item(61, "Декларацията от собственика е неясна.", sentiment="negative"),
    ]
    plan = plan_analysis(praise + concern, {}, [])
    for theme in plan.new_themes:
        ids = {k[1] for k, _ in theme.members}
        assert ids <= {50, 51} or ids <= {60, 61}
        assert theme.stance == ("positive" if ids <= {50, 51} else "concern")


def test_nothing_pending_means_nothing_to_do():
    feedback = items(PAY)
    placed = {i.key: 1 for i in feedback}
    plan = plan_analysis(feedback, placed, [KnownTheme(1, present=True)])
    assert plan.joins == () and plan.new_themes == () and plan.kept == len(PAY)


def test_plan_survives_bad_input():
    assert plan_analysis([], {}, []).new_themes == ()
    one = plan_analysis(items(["Плащането с карта не мина."]), {}, [], by_stance=False)
    assert [len(t.members) for t in one.new_themes] == [1]
    same = plan_analysis(items(["Не работи плащането."] * 500), {}, [], by_stance=False)
    assert sum(len(t.members) for t in same.new_themes) == 500
    emoji = plan_analysis(items(["😡", "👍👍", "..."]), {}, [], by_stance=False)
    assert len(emoji.unclassified) == 3 and not emoji.new_themes
    mixed = items(["Плащането с Google Pay не работи on my iPhone", "x" * 20_000, "Адрес 🏠 блок"])
    assert plan_analysis(mixed, {}, [], by_stance=False) is not None
