"""Notation as people write it (tests/corpus/notation.yaml, with sources): jac reads each entry as
intended — compared with the entry's meaning computed by Python's math module at a random point."""

import time

import pytest
from notation_corpus import CORPUS, agrees, intended, point_for, read


@pytest.mark.parametrize("entry", CORPUS, ids=[e["text"][:40] for e in CORPUS])
def test_read_as_intended(entry):
    values = point_for(entry)
    assert agrees(read(entry, values), intended(entry, values)), entry["text"]


def test_the_grammar_stays_linear():
    from jaccli.parse import grammar

    text = "sin x cos y + " * 700 + "x"  # 9,800 characters
    start = time.perf_counter()
    grammar.parse(text, ("x", "y"))
    assert time.perf_counter() - start < 0.5  # well under 0.1 s here; a generous guard against a quadratic path
