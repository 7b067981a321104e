"""Quote verification: pure functions over the asked words and candidate passages.

`words` turns text into comparison units (contractions expanded, number words as digits,
British spellings folded) and knows the words that carry meaning; `align` aligns the asked
words with a source span and gives the word diff; `meaning` decides verbatim / close /
altered; `ellipsis` matches a query with gaps; `parts` finds quotes across consecutive
passages and spliced quotes; `speaker` reads a claimed speaker out of the query;
`inferred` credits article quotes that have no speech verb next to them; `verify` runs them
together over candidates the lookup retrieved. Nothing here reads the store.
"""
