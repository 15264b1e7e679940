"""TF-IDF over character 4-grams inside words, for precedent search.

It computes what scikit-learn's ``TfidfVectorizer(analyzer="char_wb",
ngram_range=(4, 4), lowercase=True, sublinear_tf=True, min_df=1, dtype=float32)``
computes (smooth idf, rows L2-normalised), on numpy and scipy.sparse alone. Why not
scikit-learn itself: importing it costs seconds (it imports scipy.stats and pandas
for its input validation), and ``python -m nytte screen`` of 1,000 tasks against
10,000 precedents must finish within 5 s; its vocabulary count is a Python step per
n-gram as well, where this one counts with ``collections.Counter``.
tests/test_screening_tfidf.py holds it against scikit-learn on Danish text (the
test suite still has scikit-learn: the attendance models use it).

The rules, as scikit-learn's ``char_wb`` analyser has them:

- the text is lowercased and split on whitespace (runs of it count as one break);
- each word is padded with one space on either side, and its n-grams are the
  slices of that padded word; a padded word shorter than n is one n-gram itself;
- the features are the n-grams seen when fitting, in sorted order;
- tf is ``1 + ln(count)``, idf is ``ln((1 + n_docs) / (1 + df)) + 1``, and each row
  is divided by its L2 norm (rows without a known n-gram stay zero);
- ``transform`` uses the fitted vocabulary and idf; unknown n-grams are ignored;
- a fitted row holds its values in the order scikit-learn's does (by first-seen
  n-gram), a transformed row in column order, so every sum is taken in the same
  order: the matrices and the similarities are scikit-learn's to the bit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

N = 4  # characters per n-gram


def char_wb_ngrams(text: str, n: int = N) -> list[str]:
    """The n-grams of ``text`` as the ``char_wb`` analyser cuts them, in text order."""
    return [gram for word in text.lower().split() for gram in _word_ngrams(word, n)]


def _word_ngrams(word: str, n: int = N) -> list[str]:
    w = f" {word} "
    # A padded word has at least 3 characters; when it is shorter than n + 1,
    # range(len - n + 1) is empty or one step, and the word gives itself once.
    return [w[i:i + n] for i in range(len(w) - n + 1 or 1)]


class CharNgramTfidf:
    """Fit a vocabulary and idf on texts; turn texts into L2-normalised TF-IDF rows.

    Words repeat far more than texts do, so each distinct word is cut into n-grams
    and looked up in the vocabulary once; a text's counts are then counted over the
    column numbers of its words' n-grams.
    """

    def __init__(self) -> None:
        self.vocabulary_: dict[str, int] = {}
        self.idf_: np.ndarray[Any, np.dtype[np.float32]] | None = None
        self._columns_of_word: dict[str, tuple[int, ...]] = {}

    def get_feature_names_out(self) -> list[str]:
        """The n-grams in column order (sorted)."""
        return sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn the vocabulary and idf from ``texts`` and return their TF-IDF rows.

        Within a row the values are kept in the order scikit-learn keeps them: by
        when their n-gram was first seen in ``texts`` (its count matrix is sorted by
        first-seen number before the features are renumbered by name). The sparse
        products of a query then add up in the same order, so similarities and
        the order of near-ties come out the same to the bit."""
        import numpy as np

        words_of_text = [t.lower().split() for t in texts]
        # Distinct words in order of first appearance, and their n-grams in text order.
        grams_of_word = {w: _word_ngrams(w)
                         for w in dict.fromkeys(chain.from_iterable(words_of_text))}
        first_seen = list(dict.fromkeys(chain.from_iterable(grams_of_word.values())))
        features = sorted(first_seen)
        if not features:
            raise ValueError("empty vocabulary: the texts hold no words")
        vocabulary = dict(zip(features, range(len(features)), strict=True))
        self.vocabulary_ = vocabulary
        self._columns_of_word = {w: tuple(map(vocabulary.__getitem__, grams))
                                 for w, grams in grams_of_word.items()}
        seen_column = np.fromiter(map(vocabulary.__getitem__, first_seen), dtype=np.int32,
                                  count=len(first_seen))
        lengths, columns, counts = _count(words_of_text, self._columns_of_word.__getitem__)
        # Document frequency: each column appears once per text in ``columns``.
        df = np.bincount(columns, minlength=len(features)).astype(np.float32)
        # As scikit-learn: smooth idf in the matrix's dtype (float32).
        df += np.float32(1.0)
        idf = np.full_like(df, fill_value=len(texts) + 1, dtype=np.float32)
        idf /= df
        np.log(idf, out=idf)
        idf += np.float32(1.0)
        self.idf_ = idf
        return self._matrix(lengths, columns, counts, seen_column)

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """TF-IDF rows of new texts with the fitted vocabulary and idf.

        Reads the fitted state only (an index may be queried from several threads)."""
        if self.idf_ is None:
            raise ValueError("the vectoriser is not fitted")
        words_of_text = [t.lower().split() for t in texts]
        known = self._columns_of_word
        vocabulary = self.vocabulary_
        new = {word: tuple(vocabulary[g] for g in _word_ngrams(word) if g in vocabulary)
               for word in set(chain.from_iterable(words_of_text)).difference(known)}

        def columns_of(word: str) -> tuple[int, ...]:
            columns = known.get(word)
            return new[word] if columns is None else columns

        return self._matrix(*_count(words_of_text, columns_of))

    def _matrix(self, lengths: np.ndarray[Any, np.dtype[np.int64]],
                columns: np.ndarray[Any, np.dtype[np.int32]],
                counts: np.ndarray[Any, np.dtype[np.float32]],
                seen_column: np.ndarray[Any, np.dtype[np.int32]] | None = None,
                ) -> sp.csr_matrix:
        """CSR rows from per-text counts, weighted and normalised as scikit-learn does.

        Each row's values are ordered by column, or with ``seen_column`` (the column of
        the k-th n-gram first seen) by first-seen number."""
        import numpy as np
        import scipy.sparse as sp

        assert self.idf_ is not None
        n_rows, n_columns = len(lengths), len(self.vocabulary_)
        indptr = np.zeros(n_rows + 1, dtype=np.int32)
        np.cumsum(lengths, out=indptr[1:])
        if seen_column is not None:
            seen_number = np.empty(n_columns, dtype=np.int32)
            seen_number[seen_column] = np.arange(n_columns, dtype=np.int32)
            columns = seen_number[columns]
        ordered = sp.csr_matrix((counts, columns, indptr), shape=(n_rows, n_columns))
        ordered.sort_indices()
        tf, columns = ordered.data, ordered.indices
        if seen_column is not None:
            columns = seen_column[columns]
        # The same float32 steps as scikit-learn's TfidfTransformer.
        np.log(tf, out=tf)
        tf += np.float32(1.0)
        tf *= self.idf_[columns]
        # scikit-learn adds the squares in double, in the row's order, and divides each
        # float32 value by the double norm; rows without an n-gram have nothing to divide.
        rows = np.repeat(np.arange(n_rows), lengths)
        norms = np.sqrt(np.bincount(rows, weights=(tf * tf).astype(np.float64),
                                    minlength=n_rows))
        data = (tf / norms[rows]).astype(np.float32)
        return sp.csr_matrix((data, columns, indptr), shape=(n_rows, n_columns))


def _count(words_of_text: list[list[str]], columns_of: Callable[[str], tuple[int, ...]]) -> tuple[
        np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int32]],
        np.ndarray[Any, np.dtype[np.float32]]]:
    """Per text: how many distinct columns it has, which (in order of first
    occurrence), and how often each occurs."""
    import numpy as np

    lengths: list[int] = []
    columns: list[int] = []
    counts: list[int] = []
    for words in words_of_text:
        c = Counter(chain.from_iterable(map(columns_of, words)))
        lengths.append(len(c))
        columns.extend(c)
        counts.extend(c.values())
    return (np.array(lengths, dtype=np.int64), np.array(columns, dtype=np.int32),
            np.array(counts, dtype=np.float32))
