"""SPECs: YAML files, inline text, stdin; every malformed one gets a clear error."""

import pytest
import sympy as sp

from jaccli.core.errors import JacError, ParseError, SpecError
from jaccli.parse.spec import from_text, from_yaml, load_spec


def test_yaml_list_and_mapping():
    fn = load_spec("samples/f.yaml")
    assert fn.name == "f" and fn.inputs == ("x", "y") and fn.output_names == ("f1", "f2")
    polar = load_spec("samples/polar.yaml")
    assert polar.output_names == ("x", "y")


def test_default_name_is_the_file_stem(tmp_path):
    path = tmp_path / "warp.yaml"
    path.write_text("inputs: [x]\noutputs: [x^2]\n")
    assert load_spec(str(path)).name == "warp"


def test_numbers_as_outputs():
    fn = from_yaml("inputs: [x]\noutputs: [x, 3, 0.5]\n", origin="t.yaml")
    assert fn.outputs[1] == 3 and fn.outputs[2].is_Float


@pytest.mark.parametrize("text, needle", [
    ("", "empty"),
    ("- x\n- y\n", "not a mapping"),
    ("inputs: [x]\n", "missing key 'outputs'"),
    ("outputs: [x]\n", "missing key 'inputs'"),
    ("inputs: [x]\noutputs: [x]\noutput: [x]\n", "unknown key 'output'"),
    ("inputs: [x]\noutputs: [yes]\n", "boolean"),
    ("inputs: [x]\noutputs: [on]\n", "quote"),
    ("inputs: [x]\noutputs: [[x, x]]\n", "a list"),
    ("inputs: [x]\noutputs: [!!python/object:os.system x]\n", "tags are not allowed"),
    ("inputs: [x]\noutputs: [!!python/object:os.system x]\n", "quote the expression"),
    ("inputs: [x, x]\noutputs: [x]\n", "declared twice"),
    ("inputs: [1x]\noutputs: [x]\n", "not a valid input name"),
    ("inputs: [3]\noutputs: [x]\n", "not a name"),
    ("inputs: [pi]\noutputs: [x]\n", "constant"),
    ("inputs: [sin]\noutputs: [x]\n", "function"),
    ("inputs: [x]\noutputs: []\n", "empty"),
    ("inputs: [x]\noutputs: [.nan]\n", "finite"),
    ("inputs: [x]\noutputs: {1: x}\n", "output name"),
    ("inputs: [x]\noutputs: [x\n", "invalid YAML"),
    ("inputs: x: y\n", "invalid YAML"),
])
def test_malformed_yaml(text, needle):
    with pytest.raises(SpecError) as info:
        from_yaml(text, origin="bad.yaml")
    assert needle in info.value.render()


def test_expression_errors_in_yaml_name_the_key():
    with pytest.raises(ParseError) as info:
        from_yaml("inputs: [x, y]\noutputs:\n  - x^2\n  - 2*x*z\n", origin="f.yaml")
    text = info.value.render()
    assert text.startswith("f.yaml: outputs[2]: unknown name 'z'")
    assert "  2*x*z\n      ^" in text


def test_unused_inputs_are_a_note_not_an_error():
    fn = from_yaml("inputs: [x, y]\noutputs: [x^2]\n", origin="f.yaml")
    assert any("y is never used" in note for note in fn.notes)


def test_inline_inference_and_vars():
    fn = from_text("x10 + x2, x1")
    assert fn.inputs == ("x1", "x2", "x10") and fn.order == "evident"
    assert not any("sorted order" in n for n in fn.notes)
    fn = from_text("r cos(theta), r sin(theta)")
    assert fn.inputs == ("r", "theta") and fn.order == "inferred"
    assert any("sorted order" in n and "(r, theta) -> (r cos(theta), r sin(theta))" in n for n in fn.notes)
    fn = from_text("[x^2 + y, 2 x y]", vars=["y", "x"])
    assert fn.inputs == ("y", "x")
    with pytest.raises(ParseError):
        from_text("x + q", vars=["x"])


def test_text_file_one_component_per_line(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("x^2 + y\n2*x*y\n")
    fn = load_spec(str(path), vars=["x", "y"])
    assert fn.m == 2 and fn.name == "f"


def test_stdin_detection():
    assert load_spec("-", stdin_text="inputs: [x]\noutputs: [x^3]\n").outputs == (sp.Symbol("x", real=True) ** 3,)
    assert load_spec("-", stdin_text="sin(t)\n").inputs == ("t",)
    with pytest.raises(SpecError):
        load_spec("-", stdin_text=None)


@pytest.mark.parametrize("content", [b"\x00\xff\xfe binary", b""])
def test_binary_and_empty_files(tmp_path, content):
    path = tmp_path / "f.yaml"
    path.write_bytes(content)
    with pytest.raises(JacError):
        load_spec(str(path))


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("inputs: [x]\noutputs:\n" + "  - x\n" * 300_000)
    with pytest.raises(SpecError, match="at most"):
        load_spec(str(path))
