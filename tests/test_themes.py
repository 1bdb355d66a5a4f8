"""ThemeModel: estimator contract, edge cases, predict, and small quality checks."""

from __future__ import annotations

import csv
import random

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from research.sentiment import Sentiment
from research.theme_labels import pick_quotes, surface_forms
from research.themes import UNCLASSIFIED_ID, Theme, ThemeModel, theme_answers

# Three obvious themes, Bulgarian and English: payment failed / can't find the form / ID login.
PAYMENT = [
    "Плащането с карта не мина",
    "Плащането не мина, картата беше отхвърлена",
    "Не можах да платя таксата с карта",
    "Грешка при плащането на таксата",
    "Плащането на таксата дава грешка",
    "Таксата не се плати, картата е отхвърлена",
    "Картата ми беше отхвърлена при плащането",
    "The card payment failed",
    "Payment failed, my card was declined",
    "I could not pay the fee with my card",
]
FORM = [
    "Не намерих формуляра за промяна на адреса",
    "Къде е формулярът за адресна регистрация?",
    "Трудно намерих формуляра на сайта",
    "Формулярът не се намира лесно",
    "Търсих формуляра половин час",
    "Не мога да намеря формуляра",
    "Формулярът за адрес е скрит, не го намерих",
    "I could not find the form",
    "Where is the address registration form?",
    "The form is hard to find on the site",
]
LOGIN = [
    "Не мога да вляза с електронен подпис",
    "Влизането с електронен подпис не работи",
    "Електронният подпис не се разпознава при вход",
    "Входът с ПИК дава грешка",
    "Не успях да вляза с ПИК",
    "Вход с електронен подпис не става",
    "Системата не приема електронния ми подпис при вход",
    "I cannot log in with my electronic signature",
    "Login with the electronic signature does not work",
    "The login with my ID fails",
]
CORPUS = PAYMENT + FORM + LOGIN
GOLD = [0] * len(PAYMENT) + [1] * len(FORM) + [2] * len(LOGIN)


@pytest.fixture(scope="module")
def fitted() -> ThemeModel:
    return ThemeModel(n_themes=3, random_state=0).fit(CORPUS)


def test_fit_returns_self_and_sets_underscore_attributes() -> None:
    model = ThemeModel(n_themes=3)
    assert model.get_params()["n_themes"] == 3
    assert not [a for a in vars(model) if a.endswith("_")]  # __init__ only stores parameters
    assert model.fit(CORPUS) is model
    for name in ("labels_", "themes_", "centroids_", "vocabulary_", "idf_", "n_themes_"):
        assert hasattr(model, name)
    assert model.labels_.shape == (len(CORPUS),)
    assert model.centroids_.shape[0] == len(model.themes_) == model.n_themes_ == 3


def test_same_input_same_themes() -> None:
    a = ThemeModel(random_state=7).fit(CORPUS)
    b = ThemeModel(random_state=7).fit(list(CORPUS))
    assert np.array_equal(a.labels_, b.labels_)
    assert a.themes_ == b.themes_
    shuffled = list(CORPUS)
    random.Random(1).shuffle(shuffled)
    c = ThemeModel(random_state=7).fit(shuffled)
    assert [t.label for t in c.themes_] == [t.label for t in a.themes_]  # order does not matter


def test_three_obvious_themes(fitted: ThemeModel) -> None:
    assert normalized_mutual_info_score(GOLD, fitted.labels_) > 0.7
    sizes = [t.size for t in fitted.themes_]
    assert sizes == sorted(sizes, reverse=True)
    assert [t.id for t in fitted.themes_] == [0, 1, 2]
    for theme in fitted.themes_:
        assert isinstance(theme, Theme)
        assert 1 <= len(theme.label.split(", ")) <= 4
        assert theme.top_terms
        assert 1 <= len(theme.quotes) <= 3 and len(set(theme.quotes)) == len(theme.quotes)
        assert set(theme.quotes) <= {t.strip() for t in CORPUS}
        assert theme.negative_share is None
        assert abs(sum(theme.languages.values()) - 1) < 1e-9
        assert theme.languages["bg"] > 0.5
    labels = " ".join(t.label for t in fitted.themes_).lower()
    assert "формуляр" in labels and "подпис" in labels


def test_label_shows_surface_forms(fitted: ThemeModel) -> None:
    # "формуляра" (the form the answers use) rather than the lemma "формуляр"
    form_theme = next(t for t in fitted.themes_ if "формуляр" in " ".join(t.top_terms))
    assert "формуляра" in form_theme.label


def test_automatic_k_is_in_range() -> None:
    model = ThemeModel(random_state=0).fit(CORPUS)
    assert 2 <= model.n_themes_ <= 4
    assert model.k_scores_ and max(model.k_scores_) <= 4
    assert normalized_mutual_info_score(GOLD, model.labels_) > 0.5


def test_n_themes_override() -> None:
    assert ThemeModel(n_themes=5).fit(CORPUS).n_themes_ == 5
    assert ThemeModel(n_themes=2).fit(CORPUS).n_themes_ == 2
    assert ThemeModel(n_themes=50).fit(CORPUS[:4]).n_themes_ == 4  # no more than documents
    with pytest.raises(ValueError):
        ThemeModel(n_themes=0).fit(CORPUS)


def test_empty_input() -> None:
    model = ThemeModel().fit([])
    assert model.labels_.shape == (0,)
    assert model.themes_ == [] and model.unclassified_ is None
    assert model.predict(["Плащането не мина"]).tolist() == [UNCLASSIFIED_ID]


def test_one_text() -> None:
    model = ThemeModel().fit(["Плащането с карта не мина"])
    assert model.labels_.tolist() == [0]
    assert len(model.themes_) == 1 and model.themes_[0].size == 1
    assert model.themes_[0].quotes == ("Плащането с карта не мина",)


def test_texts_without_content_words_are_unclassified() -> None:
    texts = ["👍", "", "ok", "ОК!", "...", "🙂🙂", "-", "?"]
    model = ThemeModel().fit(texts)
    assert model.labels_.tolist() == [UNCLASSIFIED_ID] * len(texts)
    assert model.themes_ == []
    assert model.unclassified_share_ == 1.0
    assert model.unclassified_.id == UNCLASSIFIED_ID and model.unclassified_.size == len(texts)

    mixed = ThemeModel(n_themes=3).fit([*CORPUS, "👍", "ok"])
    assert mixed.labels_[-2:].tolist() == [UNCLASSIFIED_ID] * 2
    assert (mixed.labels_[:-2] >= 0).all()  # everything else is assigned
    assert mixed.unclassified_share_ == pytest.approx(2 / (len(CORPUS) + 2))


def test_many_identical_answers() -> None:
    model = ThemeModel().fit(["Плащането не мина"] * 1000)
    assert model.n_themes_ == 1 and model.themes_[0].size == 1000
    assert (model.labels_ == 0).all()
    weighted = ThemeModel(n_themes=3).fit(CORPUS + [PAYMENT[0]] * 1000)
    assert weighted.themes_[0].size >= 1000  # the repeated answer makes the largest theme


def test_mixed_scripts_and_very_long_text() -> None:
    long_text = " ".join(["Плащането с карта не мина и формулярът е скрит."] * 2000)
    texts = [*CORPUS, "Upload-ът на PDF файла не стана", "Evrotrust не ми потвърди самоличността"]
    model = ThemeModel(n_themes=3).fit([*texts, long_text])
    assert len(model.labels_) == len(texts) + 1 and (model.labels_ >= 0).all()
    assert all(len(q) < 100_000 for t in model.themes_ for q in t.quotes)


def test_predict_paraphrase_and_unrelated(fitted: ThemeModel) -> None:
    payment_theme = fitted.labels_[0]
    form_theme = fitted.labels_[len(PAYMENT)]
    new = [
        "Картата беше отхвърлена и плащането не мина",
        "Не открих формуляра никъде",
        "Котката ми обича риба",
        "👍",
    ]
    labels = fitted.predict(new)
    assert labels[0] == payment_theme
    assert labels[1] == form_theme
    assert labels[2] == UNCLASSIFIED_ID and labels[3] == UNCLASSIFIED_ID
    similarity = fitted.transform(new)
    assert similarity.shape == (4, 3)
    assert similarity[0, payment_theme] >= fitted.threshold > similarity[2].max()


def test_sentiments_give_negative_share() -> None:
    sentiments = [Sentiment(-0.5, "negative", "bg")] * len(PAYMENT) + [
        Sentiment(0.0, "neutral", "bg")
    ] * (len(FORM) + len(LOGIN))
    model = ThemeModel(n_themes=3).fit(CORPUS, sentiments=sentiments)
    shares = {round(t.negative_share, 2) for t in model.themes_}
    assert max(shares) > 0.5 and min(shares) < 0.2
    with pytest.raises(ValueError):
        ThemeModel().fit(CORPUS, sentiments=sentiments[:3])


def test_theme_answers_runs_language_and_sentiment() -> None:
    model = theme_answers([*CORPUS, "Много е удобно, браво!"], n_themes=3)
    assert all(t.negative_share is not None for t in model.themes_)
    assert set(model.languages_) <= {"bg", "en", "other"}


def test_without_embeddings_still_works() -> None:
    model = ThemeModel(n_themes=3, embeddings="none").fit(CORPUS)
    assert model.embedder_ is None
    assert normalized_mutual_info_score(GOLD, model.labels_) > 0.6


def test_surface_forms_and_quotes_helpers() -> None:
    forms = surface_forms(
        ["формуляр"],
        ["Формулярът е скрит", "Няма формуляра", "Къде е формуляра"],
        ["bg"] * 3,
        [1.0, 1.0, 1.0],
    )
    assert forms == {"формуляр": "формуляра"}
    quotes = pick_quotes(
        ["Плащането не мина", "плащането не мина!", "Картата ми беше отхвърлена при плащане"],
        np.array([0.9, 0.9, 0.8]),
        [
            frozenset({"плащане", "мина"}),
            frozenset({"плащане", "мина"}),
            frozenset({"карта", "отхвърлен", "плащане"}),
        ],
    )
    assert len(quotes) == 3
    assert quotes[1] == "Картата ми беше отхвърлена при плащане"  # a near-duplicate comes last
    assert {quotes[0], quotes[2]} == {"Плащането не мина", "плащането не мина!"}


def test_banking77_sample(shared_data) -> None:
    with (shared_data / "banking77" / "test.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    wanted = sorted({r["category"] for r in rows})[:10]
    rows = [r for r in rows if r["category"] in wanted]
    texts, gold = [r["text"] for r in rows], [r["category"] for r in rows]
    model = ThemeModel(n_themes=10, random_state=0).fit(texts, ["en"] * len(texts))
    assert normalized_mutual_info_score(gold, model.labels_) > 0.5


def test_given_languages_follow_their_texts() -> None:
    texts = ["Плащането не мина", "Плащането не мина", "The payment failed", "Payment failed"]
    langs = ["bg", "bg", "en", "en"]
    model = ThemeModel(n_themes=2).fit(texts, langs)
    assert model.languages_ == langs
    english = model.themes_[model.labels_[2]]
    assert english.languages.get("en", 0) > 0
    with pytest.raises(ValueError):
        ThemeModel().fit(texts, langs[:2])


def test_vectorize_is_the_space_of_transform(fitted: ThemeModel) -> None:
    texts = ["Плащането не мина", "👍", "Не намерих формуляра"]
    vectors = fitted.vectorize(texts)
    assert vectors.shape == (3, fitted.centroids_.shape[1])
    assert not vectors[1].any()
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0)
    assert np.allclose(vectors @ fitted.centroids_.T, fitted.transform(texts))
    with pytest.raises(ValueError):
        ThemeModel().vectorize(["x"])
