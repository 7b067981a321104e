"""corpusbot's core: parse sources into attributed passages, index them, look them up.

Never imports telegram (tests/test_architecture.py enforces it).
"""
