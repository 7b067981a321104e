"""Fact-checking questions in plain words, read into the requests the lookups understand.

`read_question("did Zelensky say “…”?", speakers=…)` gives a `Question`: a quote check with
a claimed speaker, a who-said or when-said check, a topic with filters, or a date; None when
the words do not read confidently as one (the caller then routes the text as before).
`phrasings` holds the English, Ukrainian, Russian and Arabic forms; `quoted` finds the quoted words;
`dates` reads a date at a question's end. Nothing here reads the store.
"""

from corpus.question.model import Question, QuestionKind
from corpus.question.read import read_question

__all__ = ["Question", "QuestionKind", "read_question"]
