"""Vector functions and where they come from: inline text, YAML files, stdin.

A SPEC argument is read as:

* ``-``: a spec from standard input (YAML if it looks like a mapping, else text);
* the path of an existing file: YAML for ``.yaml``/``.yml``/``.json``, else by content;
* anything else: inline text, comma-separated components, optionally in ``[...]``.

YAML is read only with the safe loader (``yaml.safe_load``'s, in C when libyaml is installed: spec.safe_loader).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..calculus.symbols import symbol
from ..core.errors import ParseError, SpecError
from ..core.request import option
from ..model.function import VectorFunction, default_output_names, inferred_order_hint
from .fastread import read_outputs
from .sources import input_limit, read_file

if TYPE_CHECKING:  # annotations only: sympy is imported where expressions are built
    import sympy as sp

    from ..model.layers import Network
    from .grammar import Condition, Scope

# sympy (through grammar) is imported inside the functions that build
# expressions, so that layer files (network.py) and --help never load it.

YAML_SUFFIXES = (".yaml", ".yml", ".json")
FILE_SUFFIXES = YAML_SUFFIXES + (".txt", ".jac")
SPEC_KEYS = ("name", "inputs", "outputs")

# ---------------------------------------------------------------------------
# Entry point

def load_spec(arg: str, *, name: str = "f", vars: Sequence[str] | None = None,
              stdin_text: str | None = None, latex: bool | None = None, engine: str = "auto",
              equations: bool = False) -> VectorFunction | Network:
    """Read one SPEC argument (see the module docstring).

    ``name`` is used for inline text and stdin; files default to their stem.
    ``vars`` declares the input order of inline text. ``latex``: True reads
    text as LaTeX, False never does, None decides by the text (a backslash).
    ``engine``: "sympy", "symengine", or "auto" (symengine for large Jacobians).
    """
    if arg == "-":
        if stdin_text is None:
            raise SpecError("'-' means a spec on standard input, but none was given")
        return _from_text(stdin_text, origin="<stdin>", name=name, vars=vars, latex=latex, engine=engine,
                          equations=equations)
    if not arg.strip():
        raise SpecError("the SPEC is empty", hint="give a function: inline text such as \"x^2 + y, 2*x*y\", a "
                                                  "YAML file, or - for standard input")
    path = Path(arg)
    if path.suffix.lower() == ".onnx" and _exists(path):
        from .onnx import network_from_onnx  # onnx and numpy: only for models

        return network_from_onnx(path, _name_from_stem(path.stem, name))
    if _looks_like_path(arg) or _exists(path):
        text = read_text_file(path)
        if vars is not None and path.suffix.lower() in YAML_SUFFIXES:
            raise SpecError(f"{option('vars')} applies to inline text, but {arg} is a YAML file",
                            hint="a YAML spec declares its input order itself with 'inputs:'")
        default_name = _name_from_stem(path.stem, name)
        if latex and path.suffix.lower() in YAML_SUFFIXES:
            raise SpecError(f"{option('latex')} reads inline text as LaTeX, but {arg} is a YAML file",
                            hint="write LaTeX as inline text (or a .txt file); a YAML spec uses jac's syntax")
        if path.suffix.lower() in YAML_SUFFIXES:
            return from_yaml(text, origin=arg, default_name=default_name, engine=engine, equations=equations)
        return _from_text(text, origin=arg, name=default_name, vars=vars, latex=latex, engine=engine,
                          equations=equations)
    return from_text(arg, name=name, vars=vars, latex=latex, engine=engine, equations=equations)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # names too long, NUL bytes: not a file
        return False


def _looks_like_path(arg: str) -> bool:
    return arg.lower().endswith(FILE_SUFFIXES) and "\n" not in arg


def _name_from_stem(stem: str, fallback: str) -> str:
    return stem if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", stem) else fallback


def read_text_file(path: Path, max_bytes: int | None = None, what: str = "spec files") -> str:
    """A text file read like every other source (sources.py): decoded, LF newlines, size-limited."""

    where = str(path)
    if _exists(path) and path.is_dir():
        raise SpecError(f"{where} is a directory, not a file", hint="give the path of a .yaml file")
    if not _exists(path):
        raise SpecError(f"no such file: {where}", hint=_near_files(path))
    return read_file(path, input_limit() if max_bytes is None else max_bytes, what)


def _near_files(path: Path) -> str | None:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    except OSError:
        names = []
    # deferred: difflib is heavy at start-up
    import difflib

    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(str(folder / c) for c in close) + "?"
    return "check the path; inline specs are written as text, e.g. \"x^2 + y, 2*x*y\""


def _from_text(text: str, *, origin: str, name: str, vars: Sequence[str] | None,
               latex: bool | None = None, engine: str = "auto", equations: bool = False) -> VectorFunction | Network:
    """Text from a file or stdin: a YAML mapping if it looks like one, else inline text."""
    if _is_latex(text, latex):
        return from_text(text.strip(), name=name, vars=vars, origin=origin, latex=True, engine=engine,
                         equations=equations)
    if _looks_like_yaml(text):
        if vars is not None:
            raise SpecError(f"{option('vars')} applies to inline text, but {origin} is a YAML spec",
                            hint="a YAML spec declares its input order itself with 'inputs:'")
        return from_yaml(text, origin=origin, default_name=name, engine=engine, equations=equations)
    # One component per line is allowed: a newline ends a component unless the
    # line already ends with a comma. Replacing it by ',' keeps every column.
    lines = text.strip().split("\n")
    joined = "\n".join(lines)
    as_one = "".join(
        line + ("" if k == len(lines) - 1 else
                ("\n" if line.rstrip().endswith((",", "[", "(", "->", "→", "↦", "=")) or not line.strip() else ","))
        for k, line in enumerate(lines))
    return from_text(as_one, name=name, vars=vars, origin=origin, display=joined, latex=False, engine=engine,
                     equations=equations)


def _is_latex(text: str, latex: bool | None) -> bool:
    # deferred: loads sympy, which the rest of this module does not need
    from .latex import looks_like_latex

    return latex if latex is not None else looks_like_latex(text)


def _looks_like_yaml(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped == "---" or bool(re.match(r"^[A-Za-z_][\w-]*\s*:(\s|$)", stripped))
    return False


# ---------------------------------------------------------------------------
# Inline text

def from_text(text: str, *, name: str = "f", vars: Sequence[str] | None = None,
              origin: str = "inline text", display: str | None = None,
              latex: bool | None = None, engine: str = "auto", equations: bool = False) -> VectorFunction:
    """``"x^2 + y, 2*x*y"``, ``"[x^2 + y, 2*x*y]"``, ``"(r, theta) -> (r cos(theta), r sin(theta))"``,
    ``"f(x, y) = (x^2 + y, 2xy)"``, ``"x = u^2 v, y = u v^2"`` (named outputs) or LaTeX
    (``\\begin{bmatrix} x^2 + y \\\\ 2xy \\end{bmatrix}``). ``equations``: ``lhs = rhs`` means lhs − rhs."""
    # deferred: loads sympy, which the rest of this module does not need
    from . import forms

    where = f"{name} ({origin})" if origin != "inline text" else name
    notes: list[str] = []
    inputs = check_input_names(vars, option("vars")) if vars is not None else None
    try:
        tokens = None
        if _is_latex(text, latex):
            # deferred: loads sympy, which the rest of this module does not need
            from .latex import vector_tokens

            tokens = vector_tokens(text)
        parsed = forms.parse_spec(text, inputs, tokens=tokens, equations=equations)
    except ParseError as err:
        if display is not None:
            err.source = display
        raise err.located(where) from None
    if parsed.name is not None:
        name = parsed.name
    declared = inputs is not None or parsed.inputs is not None
    scope = parsed.scope
    if parsed.inputs is not None:
        inputs = check_input_names(parsed.inputs, f"{name}: inputs")
    if inputs is None:
        inputs = tuple(sorted(scope.found, key=forms.natural_key))
        if not inputs:
            raise SpecError(f"{where} uses no input names, so it has no Jacobian",
                            hint="write the components in terms of inputs, e.g. \"x^2 + y, 2*x*y\"")
    components = parsed.components
    outputs = tuple(c.expr for c in components)
    named = bool(components) and components[0].name is not None
    output_names = tuple(str(c.name) for c in components) if named else default_output_names(name, len(outputs))
    notes.extend(f"{name}: {note}" for note in scope.notes)
    notes.extend(_unused_note(name, inputs, outputs, [c.conditions for c in components]))
    fn = VectorFunction(name, tuple(inputs), outputs, output_names, origin, tuple(notes),
                        tuple(with_structural(c.conditions, c.expr) for c in components),
                        inputs_declared=declared, outputs_named=named, text=display or text)
    if not declared and len(inputs) > 1 and fn.order == "inferred":
        fn = replace(fn, notes=fn.notes + (f"{name}: inputs taken in sorted order: {', '.join(inputs)} "
                                           f"(the columns of J); {inferred_order_hint(fn)}",))
    return _choose_engine(fn, engine)


def with_structural(conditions: tuple[Condition, ...], expr: "sp.Expr") -> tuple[Condition, ...]:
    """The conditions recorded while parsing, and those of kinks sympy created itself
    (sqrt(x^2) becomes abs(x)): every abs, sign, relu, step, min and max left in ``expr``."""
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus import special as jf
    from .grammar import Condition

    known = {(c.kind, c.exprs) for c in conditions}
    extra = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign, jf.relu, jf.step)):
            cond = Condition("kink", (node.args[0],), type(node).__name__.lower())
        elif isinstance(node, (sp.Min, sp.Max)):
            cond = Condition("tie", tuple(node.args), type(node).__name__.lower())
        else:
            continue
        if (cond.kind, cond.exprs) not in known and node.free_symbols:
            known.add((cond.kind, cond.exprs))
            extra.append(cond)
    return tuple(conditions) + tuple(extra)


def _wants_fast(engine: str, m: int, n: int) -> bool:
    # deferred: loads sympy, which the rest of this module does not need
    from ..chain.fast import AUTO_MIN_ENTRIES

    return engine == "symengine" or (engine == "auto" and m * n >= AUTO_MIN_ENTRIES)


def _choose_engine(fn: VectorFunction, engine: str) -> VectorFunction:
    """Mark ``fn`` for the symengine engine when asked (or when large), if it can take it."""
    # deferred: loads sympy, which the rest of this module does not need
    from ..chain.fast import supported

    if not _wants_fast(engine, fn.m, fn.n):
        return fn
    if supported(fn.outputs):
        return replace(fn, engine="symengine")
    if engine == "symengine":
        return replace(fn, notes=fn.notes + (f"{fn.name}: uses a function the symengine engine does not have "
                                             "(abs, sign, sigmoid, softplus, relu, cbrt, step, min, max); using sympy",))
    return fn



def check_input_names(names: Sequence[Any], where: str) -> tuple[str, ...]:
    # deferred: loads sympy, which the rest of this module does not need
    from . import grammar

    seen: list[str] = []
    known: set[str] = set()  # membership in a set: linear in the number of inputs
    for k, raw in enumerate(names):
        if not isinstance(raw, str):
            raise SpecError(f"{where}: input {k + 1} is {_yaml_kind(raw)}, not a name",
                            hint="input names are identifiers like x, y, x1, theta")
        item = raw.strip()
        if not (item.isascii() and item.isidentifier()):  # plain ASCII names (most, and all of a large spec) as they are
            item = greek_to_names(item)
        if not re.fullmatch(r"[^\W\d]\w*", item) or any(c in item for c in "²³¹⁰⁴⁵⁶⁷⁸⁹"):
            raise SpecError(f"{where}: {item!r} is not a valid input name",
                            hint="input names start with a letter and use letters, digits and _ (x, x1, theta)")
        if item in grammar.RESERVED:
            raise SpecError(f"{where}: input name {item!r} is already jac's "
                            f"{'constant' if item in grammar.CONSTANTS else 'function'} {item}",
                            hint="choose another name")
        if item in known:
            raise SpecError(f"{where}: input {item!r} is declared twice", hint="each input name must be unique")
        seen.append(item)
        known.add(item)
    if not seen:
        raise SpecError(f"{where}: no inputs declared", hint="list at least one input name, e.g. [x, y]")
    return tuple(seen)


def greek_to_names(name: str) -> str:
    """θ → theta, θ1 → theta1 (as the grammar reads them), so YAML inputs: [r, θ] match "r cos(θ)"."""
    # deferred: loads sympy, which the rest of this module does not need
    from .tokens import GREEK, normalize

    name = normalize(name)
    return "".join(GREEK.get(ch, ch) for ch in name)


def _unused_note(name: str, inputs: Sequence[str], outputs: Sequence[sp.Expr],
                 conditions: Sequence[Sequence[Condition]] = ()) -> list[str]:
    used = set().union(*(e.free_symbols for e in outputs)) if outputs else set()
    for group in conditions:  # 0^y is 0 where it is defined, but it depends on y through its domain
        for cond in group:
            used |= set().union(*(e.free_symbols for e in cond.exprs))
    unused = [v for v in inputs if symbol(v) not in used]
    return _unused_text(name, unused)


def _unused_text(name: str, unused: Sequence[str]) -> list[str]:
    if not unused:
        return []
    return [f"{name}: input{'s' if len(unused) > 1 else ''} {', '.join(unused)} "
            f"{'are' if len(unused) > 1 else 'is'} never used (its column of J is all zeros)"]


# ---------------------------------------------------------------------------
# YAML

MAX_YAML_NODES = 100_000  # after expanding aliases


def safe_loader() -> Any:
    """PyYAML's safe loader — what ``yaml.safe_load`` uses: plain data, no tags, no objects — in its C
    implementation (libyaml) when installed: a 300×300 layer spec loads in 0.03 s instead of 1.5 s."""
    # deferred: yaml is heavy at start-up
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_yaml_structure(text: str, origin: str) -> None:
    """Refuse duplicate keys (YAML would silently keep the last) and aliases
    that expand to huge or cyclic documents (billion laughs), before loading.
    Only PyYAML's composer (nodes, no Python objects) sees the text here."""
    # deferred: yaml is heavy at start-up
    import yaml

    try:
        root = yaml.compose(text, Loader=safe_loader())
    except yaml.YAMLError:
        return  # safe_load reports it, with its position
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise SpecError("the YAML refers to itself through an alias (*name)", where=origin,
                            hint="remove the recursive anchor")
        visiting.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        raise SpecError(f"duplicate key {k.value!r} (first on line {seen[k.value]})",
                                        where=f"{origin}:{k.start_mark.line + 1}",
                                        hint="YAML keeps only the last of duplicate keys; remove one")
                    seen[k.value] = k.start_mark.line + 1
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(v) for v in node.value)
        visiting.discard(key)
        if total > MAX_YAML_NODES:
            raise SpecError(f"the YAML expands to more than {MAX_YAML_NODES:,} items (repeated aliases?)",
                            where=origin, hint="a function spec needs only inputs and outputs")
        sizes[key] = total
        return total

    if root is not None:
        size(root)


def from_yaml(text: str, *, origin: str, default_name: str = "f", engine: str = "auto",
              equations: bool = False) -> VectorFunction | Network:
    """A VectorFunction, or a network.Network when the mapping has 'layers'."""
    # deferred: yaml is heavy at start-up
    import yaml

    check_yaml_structure(text, origin)
    try:
        data = yaml.load(text, Loader=safe_loader())  # noqa: S506 - the safe loader (safe_load's, in C)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, yaml.constructor.ConstructorError):
            raise SpecError(f"YAML tags are not allowed here ({problem})", where=place,
                            hint="jac reads plain YAML only; quote the expression, e.g. \"x^2 + y\"") from None
        raise SpecError(f"invalid YAML: {problem}", where=place,
                        hint="check indentation and quoting; quote expressions that contain ':' or '#'") from None
    except (RecursionError, MemoryError):
        raise SpecError("YAML is nested too deeply or too large", where=origin) from None
    if data is None:
        raise SpecError("the file is empty", where=origin, hint=_YAML_EXAMPLE)
    if not isinstance(data, dict):
        raise SpecError(f"the top level is {_yaml_kind(data)}, not a mapping", where=origin, hint=_YAML_EXAMPLE)
    if "layers" in data:
        from .layer_spec import network_from_yaml  # numpy: only for layer files

        return network_from_yaml(data, origin, default_name, from_yaml_mapping)
    return from_yaml_mapping(data, origin=origin, default_name=default_name, engine=engine, equations=equations)


def from_yaml_mapping(data: dict[Any, Any], *, origin: str, default_name: str = "f", engine: str = "auto",
                      equations: bool = False) -> VectorFunction:
    """A function spec from its loaded YAML mapping (name, inputs, outputs). Large
    specs headed for the symengine engine are parsed without sympy's evaluation."""

    for key in data:
        if key not in SPEC_KEYS:
            # deferred: difflib is heavy at start-up
            import difflib

            close = difflib.get_close_matches(str(key), SPEC_KEYS, n=1)
            raise SpecError(f"unknown key {key!r}", where=origin,
                            hint=(f"did you mean {close[0]!r}? " if close else "")
                            + f"a function spec has the keys {', '.join(SPEC_KEYS)}")
    for key in ("inputs", "outputs"):
        if key not in data:
            raise SpecError(f"missing key {key!r}", where=origin, hint=_YAML_EXAMPLE)

    name = data.get("name", default_name)
    if not isinstance(name, str) or not re.fullmatch(r"[^\W\d]\w*", name):
        raise SpecError(f"name {name!r} is not a valid name", where=origin,
                        hint="a name is an identifier such as f or encoder")

    raw_inputs = data["inputs"]
    if isinstance(raw_inputs, str):
        raw_inputs = [part for part in re.split(r"[,\s]+", raw_inputs) if part]
    if not isinstance(raw_inputs, list):
        raise SpecError(f"'inputs' is {_yaml_kind(raw_inputs)}, not a list", where=origin,
                        hint="write inputs: [x, y]")
    inputs = check_input_names(raw_inputs, f"{origin}: inputs")

    raw_outputs = data["outputs"]
    if isinstance(raw_outputs, list):
        items: list[tuple[str, str | None, Any]] = [(f"outputs[{k + 1}]", None, v)
                                                    for k, v in enumerate(raw_outputs)]
    elif isinstance(raw_outputs, dict):
        items = []
        for key, value in raw_outputs.items():
            if not isinstance(key, str) or not re.fullmatch(r"[^\W\d]\w*", key):
                raise SpecError(f"output name {key!r} is not a valid name", where=f"{origin}: outputs",
                                hint="output names are identifiers such as u, v, loss")
            items.append((f"outputs.{key}", key, value))
    elif isinstance(raw_outputs, (str, int, float)) and not isinstance(raw_outputs, bool):
        items = [("outputs", None, raw_outputs)]
    else:
        raise SpecError(f"'outputs' is {_yaml_kind(raw_outputs)}", where=origin,
                        hint="write outputs as a list of expressions, or a mapping name: expression")
    if not items:
        raise SpecError("'outputs' is empty", where=origin, hint="list at least one expression")

    lazy = _wants_fast(engine, len(items), len(inputs))
    named = isinstance(raw_outputs, dict)
    if lazy and not equations:
        fn = _read_fast([v for _, _, v in items], inputs, name, origin, named,
                        tuple(str(k) for _, k, _ in items) if named else None)
        if fn is not None:
            return fn
    symbols = {v: symbol(v) for v in inputs}
    outputs, conditions, said = [], [], []
    for key, _, value in items:
        where = f"{origin}: {key}"
        expr, found, readings = _yaml_expression(value, inputs, symbols, where, lazy, equations)
        outputs.append(expr)
        conditions.append(found)
        said += [f"{name}: {note}" for note in readings]
    names = tuple(str(k) for _, k, _ in items) if named else default_output_names(name, len(outputs))
    notes = tuple(dict.fromkeys(said)) + tuple(_unused_note(name, inputs, outputs, conditions))
    fn = VectorFunction(name, inputs, tuple(outputs), names, origin, notes,
                        tuple(with_structural(c, e) for c, e in zip(conditions, outputs)), outputs_named=named)
    fn = _choose_engine(fn, engine)
    if lazy and fn.engine != "symengine":  # it could not take it: parse again, evaluated, for sympy
        return from_yaml_mapping(data, origin=origin, default_name=default_name, engine="sympy",
                                 equations=equations)
    return fn


def _read_fast(values: list[Any], inputs: tuple[str, ...], name: str, origin: str, named: bool,
               names: tuple[str, ...] | None) -> VectorFunction | None:
    """A large spec read straight into symengine (fastread.py), or None when it uses more of the
    language than that reader takes (grammar.py then reads it)."""
    # deferred: loads sympy, which the rest of this module does not need
    from ..chain.fast import SymengineExprs
    from .grammar import Condition

    read = read_outputs(values, inputs)
    if read is None:
        return None
    exprs, found = read
    outputs = SymengineExprs(exprs)
    conditions = tuple(tuple(Condition(kind, SymengineExprs((expr,)), function, need)
                             for kind, expr, function, need in group) for group in found)
    used = set().union(*(e.free_symbols for e in exprs), *(c[1].free_symbols for g in found for c in g))
    used_names = {s.name for s in used}  # a set: 10⁴ inputs must not cost 10⁸ comparisons
    unused = [v for v in inputs if v not in used_names]
    notes = tuple(_unused_text(name, unused))
    return VectorFunction(name, inputs, outputs, names or default_output_names(name, len(exprs)), origin, notes,
                          conditions, engine="symengine", outputs_named=named)


def _yaml_expression(value: Any, inputs: tuple[str, ...], symbols: dict[str, sp.Symbol], where: str,
                     lazy: bool = False, equations: bool = False) -> tuple[sp.Expr, tuple[Condition, ...], list[str]]:
    """One output from YAML, the conditions recorded while parsing it, and the grammar's notes on
    readings that were a choice (x/2y is (x/2)·y)."""
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from . import forms, grammar

    if isinstance(value, bool):
        raise SpecError(f"the value is a boolean ({str(value).lower()}): YAML reads unquoted yes/no/on/off/true/false "
                        "as booleans", where=where, hint="quote the expression, e.g. \"yes\" or 'y'")
    if isinstance(value, int):
        if value.bit_length() > 3300:
            raise SpecError("the number has more than 1,000 digits", where=where)
        return sp.Integer(value), (), []
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SpecError("the value is not a finite number (.nan/.inf)", where=where,
                            hint="outputs must be finite expressions")
        return sp.Float(repr(value)), (), []
    scope = grammar.Scope(inputs, symbols=symbols, evaluate=not lazy)
    if isinstance(value, dict) and set(value) == {"cases"}:
        return _yaml_cases(value["cases"], inputs, scope, where), tuple(scope.conditions), scope.notes
    if not isinstance(value, str):
        raise SpecError(f"the value is {_yaml_kind(value)}, not an expression", where=where,
                        hint="write each output as one expression (quote it if YAML reads it as something else), "
                             "or a piecewise definition as cases: [{when: …, value: …}, …, {otherwise: …}]")
    try:
        if equations and "=" in value:
            parsed = forms.parse_spec(value, inputs, scope=scope, equations=True)
            if len(parsed.components) != 1:
                raise SpecError("one equation per output", where=where)
            return parsed.components[0].expr, tuple(scope.conditions), scope.notes
        return grammar.parse(value, inputs, scope), tuple(scope.conditions), scope.notes
    except ParseError as err:
        raise err.located(where) from None


def _yaml_cases(cases: Any, inputs: tuple[str, ...], scope: Scope, where: str) -> sp.Expr:
    """``cases: [{when: COND, value: EXPR}, …, {otherwise: EXPR}]`` → a piecewise output."""
    # deferred: loads sympy, which the rest of this module does not need
    from . import grammar

    hint = "write cases: [{when: x < 0, value: -x}, {otherwise: x}] (quote expressions with ':' or '#')"
    if not isinstance(cases, list) or len(cases) < 2:
        raise SpecError("'cases' must list at least one {when, value} and a final {otherwise}", where=where, hint=hint)
    pairs = []
    for k, case in enumerate(cases, start=1):
        at = f"{where}: cases[{k}]"
        last = k == len(cases)
        keys = set(case) if isinstance(case, dict) else set()
        if last != (keys == {"otherwise"}) or (not last and keys != {"when", "value"}):
            raise SpecError("expected {when: …, value: …}" + (" or, last, {otherwise: …}" if last else ""),
                            where=at, hint=hint)
        try:
            if last:
                pairs.append((_case_expr(case["otherwise"], inputs, scope, f"{at}: otherwise"), True))
            else:
                condition = grammar.parse_condition(str(case["when"]), inputs, scope)
                pairs.append((_case_expr(case["value"], inputs, scope, f"{at}: value"), condition))
        except ParseError as err:
            raise err.located(at) from None
    recorded = len(scope.conditions)
    value = grammar.piecewise_of(pairs, scope)
    del scope.conditions[:recorded]  # only the boundaries count, as for piecewise(…) in text
    return value


def _case_expr(value: Any, inputs: tuple[str, ...], scope: Scope, where: str) -> sp.Expr:
    # deferred: loads sympy, which the rest of this module does not need
    from . import grammar

    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SpecError(f"the value is {_yaml_kind(value)}, not an expression", where=where,
                        hint="quote the expression")
    return grammar.parse(str(value), inputs, scope)


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


_YAML_EXAMPLE = """a function spec looks like:
  name: f
  inputs: [x, y]
  outputs:
    - x^2 + y
    - 2*x*y"""


# ---------------------------------------------------------------------------
# Several SPEC arguments

DEFAULT_NAMES = ("f", "g", "h", "k", "p", "q")


def load_all(specs: Sequence[Any], *, vars: Sequence[str] | None = None, stdin_text: str | None = None,
             latex: bool | None = None, engine: str = "auto", equations: bool = False) -> list[Any]:
    """Load SPEC arguments (paths, inline text, '-', or loaded objects) in application
    order. Inline specs are named f, g, h, … by position; ``vars`` orders the first
    function's inputs when it is inline text; equal names get suffixes (f_1, f_2)."""
    if sum(1 for s in specs if isinstance(s, str) and s == "-") > 1:
        raise SpecError("'-' (standard input) can be given only once")
    loaded = []
    for k, spec in enumerate(specs):
        if not isinstance(spec, str):
            loaded.append(spec)
            continue
        name = DEFAULT_NAMES[k] if k < len(DEFAULT_NAMES) else f"f{k + 1}"
        loaded.append(load_spec(spec, name=name, vars=vars if k == 0 else None, stdin_text=stdin_text, latex=latex,
                                engine=engine, equations=equations))
    return _unique_names(loaded)


def _unique_names(items: list[Any]) -> list[Any]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.name] = counts.get(item.name, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for item in items:
        if counts[item.name] == 1:
            out.append(item)
            continue
        seen[item.name] = seen.get(item.name, 0) + 1
        out.append(replace(item, name=f"{item.name}_{seen[item.name]}"))
    return out
