"""The precedent TF-IDF against the outside truth: scikit-learn's TfidfVectorizer with
the settings the precedent index used to call it with, on Danish text."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nytte.screening.synthetic import decisions, proposal_row
from nytte.screening.tfidf import CharNgramTfidf, char_wb_ngrams
from tests.screening_examples import (
    base,
    cut_in_savings,
    electrician,
    home_help,
    pallets,
    pre2025,
    storm_cleanup,
    weekly_maintenance,
)

# Short words (a padded word shorter than four characters is one n-gram), punctuation,
# runs of spaces, tabs and newlines, other Unicode whitespace, æøå and capitals, digits,
# letters whose lower case is longer, and empty or blank texts.
AWKWARD = [
    "",
    "   \t\n ",
    "i  på\tå\n\nø - o.s.v. (p-plads) 2025!",
    "ÆBLETRÆER VED ÅEN; Ærø, Øresund og Ålborg",
    "Fejning\u00a0af\u2003p-plads\x0bhver\x0cuge\r\nog  ved\u3000stationen",
    "a b c d e f g",
    "İstanbul STRAẞE Ǆemal",
    "Rydning   af krat\t\tog pleje af græsarealer",
    "«Affald» samles – også “plastik” … og glas/metal",
]
SEEDS = [base(), pre2025(), cut_in_savings(), weekly_maintenance(), storm_cleanup(),
         pallets(), electrician(), home_help()]
FITTED = ([d.text for d in decisions(300, seed=5)]
          + [f"{r['title']}\n{r['description']}" for r in SEEDS] + AWKWARD)
_rng = random.Random(11)
NEW = ([f"{r['title']}\n{r['description']}" for r in (proposal_row(_rng) for _ in range(60))]
       + AWKWARD + ["Maling af bænke i Køge Lystbådehavn", "qwxz zzyq", "Ærøskøbing"])


def scikit_learn() -> Any:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), lowercase=True,
                           sublinear_tf=True, min_df=1, dtype=np.float32)


def aligned(theirs: Any, their_names: list[str], our_names: list[str]) -> Any:
    """Their matrix with its columns put in our column order, matched by n-gram."""
    position = {name: i for i, name in enumerate(their_names)}
    return sp.csr_matrix(theirs)[:, [position[name] for name in our_names]]


def assert_same(ours: sp.csr_matrix, theirs: Any, their_names: list[str],
                our_names: list[str]) -> None:
    theirs = aligned(theirs, their_names, our_names)
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    # Equal up to float32 rounding (in practice bit for bit).
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-6, atol=1e-7)
    assert (ours != 0).nnz == (theirs != 0).nnz


def test_fit_transform_and_transform_match_scikit_learn() -> None:
    ours, theirs = CharNgramTfidf(), scikit_learn()
    fitted, their_fitted = ours.fit_transform(FITTED), theirs.fit_transform(FITTED)
    our_names = ours.get_feature_names_out()
    their_names = [str(n) for n in theirs.get_feature_names_out()]
    assert set(our_names) == set(their_names)
    assert our_names == sorted(our_names)
    # The corpus exercises what the rules are about.
    assert {" i ", " på ", " å ", " a ", "æble", "ærø,", " 202"} <= set(our_names)
    assert ours.idf_ is not None
    np.testing.assert_allclose(ours.idf_,
                               theirs.idf_[[their_names.index(n) for n in our_names]],
                               rtol=1e-6)
    assert_same(fitted, their_fitted, their_names, our_names)
    assert_same(ours.transform(NEW), theirs.transform(NEW), their_names, our_names)


def test_rows_are_unit_length_and_unknown_text_is_zero() -> None:
    ours = CharNgramTfidf()
    fitted = ours.fit_transform(FITTED)
    norms = np.sqrt(np.asarray(fitted.multiply(fitted).sum(axis=1))).ravel()
    blank = [i for i, text in enumerate(FITTED) if not text.split()]
    assert blank and np.all(norms[blank] == 0)
    assert np.allclose(np.delete(norms, blank), 1.0, atol=1e-6)
    assert ours.transform(["qwxz zzyq", ""]).nnz == 0


def test_short_words_give_themselves_once() -> None:
    assert char_wb_ngrams("I på  Åen") == [" i ", " på ", " åen", "åen "]
    assert char_wb_ngrams("") == []


def test_no_words_is_refused_as_scikit_learn_does() -> None:
    with pytest.raises(ValueError, match="empty vocabulary"):
        CharNgramTfidf().fit_transform(["", " \t\n"])
    with pytest.raises(ValueError, match="empty vocabulary"):
        scikit_learn().fit_transform(["", " \t\n"])


def test_similarities_are_scikit_learn_s_to_the_bit() -> None:
    """The fitted rows keep their values in scikit-learn's order (first seen), so the
    sparse product the index takes adds up in the same order: the same similarities,
    and the same order among near-ties in what the screening prints."""
    ours, theirs = CharNgramTfidf(), scikit_learn()
    fitted = ours.fit_transform(FITTED)
    their_fitted = sp.csr_matrix(theirs.fit_transform(FITTED))
    assert ours.get_feature_names_out() == [str(n) for n in theirs.get_feature_names_out()]
    similarities = fitted @ ours.transform(NEW).T.toarray()
    assert np.array_equal(similarities, their_fitted @ theirs.transform(NEW).T.toarray())
