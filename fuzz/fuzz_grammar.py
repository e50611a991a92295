"""An atheris fuzz target for jac's grammar (not run in CI).

    pip install atheris && python fuzz/fuzz_grammar.py -max_total_time=600

Any exception other than jac's own JacError is a bug."""

import sys

import atheris

with atheris.instrument_imports():
    from jaccli.core.errors import JacError
    from jaccli.parse import forms
    from jaccli.parse.latex import vector_tokens


def test_one(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(200)
    for parse in (lambda: forms.parse_vector(text, ("x", "y")), lambda: forms.parse_point(text),
                  lambda: forms.parse_matrix(text, ("x", "y")),
                  lambda: forms.parse_vector(text, ("x", "y"), tokens=vector_tokens(text))):
        try:
            parse()
        except JacError:
            pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()
