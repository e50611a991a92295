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
    for module in ("jaccli.results", "jaccli.results.check", "jaccli.results.second_order", "jaccli.results.tools",
                   "jaccli.results.sparse"):
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


# The folders, top to bottom: each imports only the folders below it (and itself). The top-level modules
# (__init__, __main__, api) sit above them all.
LAYERS = ("cli", "app", "render", "jobs", "results", "parse", "model", "chain", "calculus", "core")
HEAVY = ("sympy", "numpy", "rich", "symengine", "yaml", "difflib", "mpmath", "scipy", "pyarrow", "pandas", "dask",
         "onnx", "matplotlib", "mpl_toolkits", "jax", "torch", "safetensors")


def _imports(type_only: bool = True) -> list[tuple[str, str, bool]]:
    """(importing module, imported jac module, inside a function) for every relative import, type-only ones
    included when asked."""
    modules = _modules()
    found = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        typing_only = {id(sub) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for sub in ast.walk(node)}
        in_function = {id(sub) for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                       for sub in ast.walk(node)}
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.level or (id(node) in typing_only and not type_only):
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.append((name, full if full in modules else target, id(node) in in_function))
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def _crossings(imports: list[tuple[str, str, bool]]) -> list[str]:
    bad = []
    for source, target, _ in imports:
        mine, theirs = _layer(source), _layer(target)
        if mine is not None and (theirs is None or theirs < mine):
            bad.append(f"{source} imports {target}")
    return sorted(set(bad))


def test_each_folder_imports_only_the_folders_below_it():
    """The pipeline reads top to bottom (ARCHITECTURE.md): cli > app > render > jobs > results > parse >
    model > chain > calculus > core, counting imports inside functions and type-only ones."""
    assert set(LAYERS) == {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert _crossings(_imports()) == []


def test_the_folder_rule_sees_an_import_upwards():
    assert _crossings([("jaccli.chain.core", "jaccli.jobs.points", True),
                       ("jaccli.jobs.points", "jaccli.chain.core", False),
                       ("jaccli.core.errors", "jaccli.api", False)]) == [
        "jaccli.chain.core imports jaccli.jobs.points", "jaccli.core.errors imports jaccli.api"]


def _heavy_at_top() -> dict[str, set[str]]:
    """Each module's heavy third-party imports through its module-level imports (its own and its
    packages' and the jac modules it imports at the top), type-only imports aside."""
    modules = _modules()
    own: dict[str, set[str]] = {}
    deps: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        own[name] = set()
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            for sub in ast.walk(node) if isinstance(node, (ast.Try, ast.If)) else [node]:
                if isinstance(sub, ast.Import):
                    own[name] |= {a.name.split(".")[0] for a in sub.names} & set(HEAVY)
                elif isinstance(sub, ast.ImportFrom) and not sub.level:
                    own[name] |= {(sub.module or "").split(".")[0]} & set(HEAVY)
                elif isinstance(sub, ast.ImportFrom):
                    base = package.split(".")[: len(package.split(".")) - sub.level + 1]
                    target = ".".join(base + ([sub.module] if sub.module else []))
                    parts = target.split(".")
                    deps[name] |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)} & set(modules)
                    deps[name] |= {f"{target}.{a.name}" for a in sub.names} & set(modules)
        parts = name.split(".")
        deps[name] |= {".".join(parts[:k]) for k in range(1, len(parts))}
        deps[name].discard(name)
    heavy: dict[str, set[str]] = {}

    def visit(name: str, seen: frozenset[str]) -> set[str]:
        if name in heavy:
            return heavy[name]
        found = set(own.get(name, ()))
        for dep in deps[name]:
            if dep not in seen:
                found |= visit(dep, seen | {name})
        if not seen:
            heavy[name] = found
        return found

    return {name: visit(name, frozenset()) for name in modules}


def test_an_import_inside_a_function_is_there_for_start_up():
    """A jac module imported inside a function must bring in something heavy (sympy, numpy, rich, …) that
    the importing module does not load already, or be one command's own job or result module (so that no
    other command loads it); anything else belongs at the top, where it shows what the module depends on (the
    package's __init__ aside: the lazy root of the API imports nothing until a name is asked for).
    The heavy third-party imports inside functions are the start-up discipline itself."""
    heavy = _heavy_at_top()
    per_command = ("jaccli.jobs.", "jaccli.results.")
    needless = sorted({f"{source} imports {target} inside a function" for source, target, inside in
                       _imports(type_only=False) if inside and heavy[target] <= heavy[source] and source != "jaccli"
                       and not (target.startswith(per_command) and not source.startswith(target.rsplit(".", 1)[0]))})
    assert needless == []


def test_a_heavy_import_inside_a_function_is_one_the_module_does_not_have():
    heavy = _heavy_at_top()
    needless = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in ast.walk(node):
                    names = [a.name for a in sub.names] if isinstance(sub, ast.Import) else \
                        [sub.module or ""] if isinstance(sub, ast.ImportFrom) and not sub.level else []
                    needless += [f"{name}: {n}" for n in names if n.split(".")[0] in heavy[name]]
    assert needless == []


def test_every_exit_code_is_told_to_users():
    """One ExitCode enum; the text in README and every --help (core/docs.EXIT_CODES) names each value."""
    import re

    from jaccli.core.docs import EXIT_CODES
    from jaccli.core.errors import ExitCode

    told = {int(n) for n in re.findall(r"^\s+(\d+)(?:,\s*(\d+))?", EXIT_CODES, re.M) for n in n if n}
    assert told == {int(code) for code in ExitCode}


def test_every_import_inside_a_function_says_why():
    """A comment on the line, or above its group of imports (ARCHITECTURE.md: an import inside a function is
    there for start-up, and says what it defers)."""
    import re

    silent = []
    for name, path in _modules().items():
        lines = path.read_text().split("\n")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in ast.walk(node):
                    if not isinstance(sub, (ast.Import, ast.ImportFrom)) or "#" in lines[sub.lineno - 1]:
                        continue
                    j, said = sub.lineno - 2, False
                    while j >= 0:  # up through the group: imports, their continuation lines, blank lines
                        text = lines[j].strip()
                        if text.startswith("#"):
                            said = True
                            break
                        if text and not (text.startswith(("import ", "from ", ")")) or re.fullmatch(r"[\w, ]+,?", text)):
                            break
                        j -= 1
                    if not said:
                        silent.append(f"{name}:{sub.lineno}")
    assert silent == []
