"""The layout stays easy to see (issue 13): no import cycle between jac's modules, counting the imports
inside functions too (they hide cycles), and the CLI's start-up stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jaccli"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _graph() -> dict[str, set[str]]:
    """module → the jac modules it imports anywhere (module level or inside functions), except under
    TYPE_CHECKING (annotations only)."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        typing_only = {id(sub) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for sub in ast.walk(node)}
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(tree):
            if id(node) in typing_only or not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                for candidate in (target, f"{target}.{alias.name}"):
                    if candidate in modules and candidate != name:
                        graph[name].add(candidate)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    graph = _graph()
    # the package's __init__ re-exports the API lazily; it is the root, not part of the layering
    graph.pop("jaccli", None)
    assert _cycles(graph) == []


def test_the_checker_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_help_loads_no_heavy_module():
    code = ("import sys; from jaccli.cli import main; "
            "print(sorted(m for m in ('sympy', 'numpy', 'rich', 'symengine') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_module_shadows_a_public_name():
    """``jaccli.run`` is the function: a submodule named run.py would replace it once imported."""
    import jaccli

    modules = {path.stem for path in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    assert not modules & set(jaccli.__all__)


def test_every_result_type_has_a_renderer():
    """The renderers are chosen by the result type's name (no result module is imported to choose one):
    every result type must be listed, and every listed name must exist."""
    import importlib
    import inspect

    from jaccli.render import MODULES, renderer

    found = {}
    for module in ("jaccli.results", "jaccli.results.check", "jaccli.results.second_order", "jaccli.results.tools"):
        for name, kind in inspect.getmembers(importlib.import_module(module), inspect.isclass):
            if kind.__module__ == module and (isinstance(kind.__dict__.get("command"), str)
                                              or "command" in getattr(kind, "__dataclass_fields__", {})):
                found[f"{module}.{name}"] = kind
    assert set(found) == set(MODULES)
    for kind in found.values():
        assert renderer(kind.__new__(kind)).__name__.startswith("jaccli.render.")


def test_a_layer_chain_loads_only_what_it_needs(tmp_path):
    """Start-up is most of a layer chain's time (issue 16): its CSV path imports no sympy, rich,
    difflib or the result types of other jobs."""
    (tmp_path / "net.yaml").write_text("layers:\n  - kind: linear\n    matrix: [[1, 2], [3, 4]]\n"
                                       "  - kind: elementwise\n    activation: tanh\n  - kind: softmax\n")
    code = ("import sys; from jaccli.cli import entry\n"
            f"sys.argv = ['jac', 'compose', {str(tmp_path / 'net.yaml')!r}, '--at', '1,2', '--format', 'csv']\n"
            "try:\n    entry()\nexcept SystemExit:\n    pass\n"
            "heavy = ('sympy', 'rich', 'symengine', 'difflib', 'jaccli.results.check',\n"
            "         'jaccli.results.second_order', 'jaccli.results.tools')\n"
            "print('LOADED', sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "LOADED []"
