"""Table output that is not a terminal is drawn without rich (render/text_table.py: rich costs more start-up
than a typical command's work). It must be the very characters rich draws there: compared with rich itself
on every kind of result and on random tables (wide and combining characters included)."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccli import make, run
from jaccli.render import render
from jaccli.render.model import Heading, Line, MatrixBlock
from jaccli.render.text_table import draw

WIDTH = 200


def _rich(blocks) -> str:
    from rich.console import Console

    from jaccli.render.table import draw as rich_draw

    buffer = io.StringIO()
    Console(file=buffer, highlight=False, force_terminal=False, no_color=True, width=WIDTH).print(rich_draw(blocks))
    return "\n".join(re.sub(r"[ \t]+$", "", line) for line in buffer.getvalue().rstrip("\n").split("\n"))


REQUESTS = [
    ("compose", ["samples/f.yaml", "samples/g.yaml"], {"at": "1,2"}),
    ("compose", ["samples/f.yaml", "samples/g.yaml"], {}),
    ("jacobian", ["samples/spherical.yaml"], {"at": "2,pi/3,pi/4"}),
    ("jacobian", ["samples/mlp3.yaml"], {"at": "@samples/mlp3_x.npy"}),
    ("jacobian", ["samples/f.yaml"], {"steps": True}),
    ("check", ["samples/f.yaml", "samples/g.yaml"], {"at": "1,2", "expect": "6, 12, 4cos(4); 3, 6, 2cos(4)"}),
    ("check", ["samples/f.yaml"], {"answers": "samples/class_answers.csv"}),
    ("hessian", ["samples/f.yaml", "(u, v) -> u*v"], {"at": "1,2"}),
    ("implicit", ["samples/implicit_system.yaml"], {"unknowns": ("u", "v"), "at": "1,1,1,1"}),
    ("critical", ["x^3 + y^3 - 3x y"], {"vars": ["x", "y"]}),
    ("taylor", ["e^x sin(y)"], {"vars": ["x", "y"], "at": "0,0", "order": 3}),
    ("cost", [], {"dims": (784, 256, 256, 10)}),
]


@pytest.mark.parametrize("command, specs, options", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_the_text_table_is_what_rich_draws(command, specs, options):
    request = make(command, specs, format="table", **options)
    result = run(request)
    out = render(result, request.render)
    if isinstance(out, str):
        pytest.skip(f"{command} prints text, not a table")
    text = draw(out.blocks, WIDTH)
    assert text is not None
    assert text == _rich(out.blocks)


_CELL = st.text(alphabet=st.sampled_from(list("ab xyz0123456789-.*^()∂/∇√≈θφ²³漢字é\u0301")), max_size=12)


@settings(max_examples=60, deadline=None)
@given(title=_CELL, labels=st.lists(_CELL, min_size=1, max_size=4), columns=st.lists(_CELL, min_size=0, max_size=4),
       data=st.data())
def test_random_tables_match_rich(title, labels, columns, data):
    cells = [[data.draw(_CELL) for _ in columns] for _ in labels]
    blocks = [Heading("a heading"), Line("a line, ∂f/∂x"), MatrixBlock(title, labels, columns, cells)]
    text = draw(blocks, WIDTH)
    if text is not None:
        assert text == _rich(blocks)
