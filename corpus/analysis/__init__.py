"""Language analysis for matching: folding, morphology, stop words, detection.

- `fold_word(word)`: case, accents, Arabic marks and letter variants, apostrophes (fold.py);
- `analyse(word_folded, lang)` / `Analyser`: the term of a word in a language (stemmers.py);
- `terms_for_query(word_folded, langs)`: its term in each language the corpus holds;
- `is_stop(term, lang)`, `is_stop_query(words, langs)` (stopwords.py);
- `detect_source(passages)`, `detect_passage(text)` (detect.py).
Matching only: a quote is always the source's own text.
"""

from corpus.analysis.fold import fold_word
from corpus.analysis.languages import method_for, normalise_code
from corpus.analysis.stemmers import Analyser, analyse, default_analyser, terms_for_query
from corpus.analysis.stopwords import is_stop, is_stop_query

__all__ = [
    "Analyser",
    "analyse",
    "default_analyser",
    "fold_word",
    "is_stop",
    "is_stop_query",
    "method_for",
    "normalise_code",
    "terms_for_query",
]
