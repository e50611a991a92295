"""``jac codegen SPEC… --lang python|c|jax [--for solve_ivp|least_squares|minimize|plain]``: a
self-contained function computing f and its Jacobian J, for a solver.

sympy's ``cse`` finds the common subexpressions of f and J together; sympy's code printers (NumPy, C99,
JAX) write each expression — jac writes only the frame around them: the signature the solver expects,
the inputs unpacked, the temporaries, f and J assembled (row-major: J[i][j] = ∂fᵢ/∂xⱼ).

For a composition there are two ways to compute J: the composed expression (substitute, then
differentiate) or the chain (each factor evaluated where its function is, then multiplied in the
cheapest order). jac counts the operations of both after cse and generates the cheaper one, and says
which in the code's header.

jac's own functions are written in terms the printers know: sigmoid(a) = 1/(1 + e^(−a)),
softplus(a) = max(a, 0) + log(1 + e^(−|a|)) (no overflow), relu(a) = max(a, 0), cbrt(a) =
sign(a)·|a|^(1/3), and the step (relu's derivative) with its value at 0 left undefined (NaN), as jac
leaves it: the points where f is not differentiable are listed in a comment.
"""

from __future__ import annotations

import keyword
import re
from typing import Any, Sequence

import sympy as sp
from sympy.printing.numpy import JaxPrinter, NumPyPrinter

from ..calculus import special as jf
from ..calculus.printing import to_text
from ..chain import fast
from ..chain.order import Shape, optimal
from ..core.errors import UsageError
from ..core.request import Request, option
from ..model.function import VectorFunction
from ..model.jacobian import substitute_chain
from ..parse.loading import load
from ..results.tools import CodegenResult

LANGUAGES = ("python", "c", "jax")
TARGETS = ("plain", "solve_ivp", "least_squares", "minimize")


def codegen_of(request: Request, functions: list[VectorFunction]) -> CodegenResult:
    language, target = request.lang, request.target
    first, last = functions[0], functions[-1]
    m = last.m
    if target == "solve_ivp" and m != len(_state(first)):
        raise UsageError(f"{option('target', 'solve_ivp')} needs f: Rⁿ → Rⁿ (dy/dt = f(t, y)); this f is "
                         f"{len(_state(first))} → {m}", hint="name the time input t if f depends on it")
    if target == "minimize" and m != 1:
        raise UsageError(f"{option('target', 'minimize')} needs a scalar function; this one has {m} outputs",
                         hint=f"use {option('target', 'least_squares')} for residual vectors")
    if language != "python" and request.vectorize:
        raise UsageError(f"{option('vectorize')} writes numpy code for many points; with {option('lang', language)} "
                         + ("use jax.vmap on the function" if language == "jax" else "call the function per point"))
    plan = _plan(functions, chain_allowed=not request.vectorize and language != "jax")
    notes = []
    if len(functions) > 1:
        notes.append(f"composition: generated the {plan['method']} form ({plan['ops'][plan['method']]} operations after "
                     f"cse; the {'chain' if plan['method'] == 'composed' else 'composed expression'} would take "
                     f"{plan['ops']['chain' if plan['method'] == 'composed' else 'composed']})")
    writer = {"python": _python, "c": _c, "jax": _jax}[language]
    code = writer(plan, functions, request)
    return CodegenResult(code, language, target, plan["method"], plan["ops"], functions, notes)


# ---------------------------------------------------------------------------
# What to compute

def printable(expr: sp.Expr) -> sp.Expr:
    """jac's functions in the terms sympy's printers know (see the module docstring)."""
    def softplus(a: sp.Expr) -> sp.Expr:
        return sp.Max(a, 0) + sp.log(1 + sp.exp(-sp.Abs(a)))

    return expr.replace(jf.sigmoid, lambda a: 1 / (1 + sp.exp(-a))).replace(jf.softplus, softplus) \
        .replace(jf.relu, lambda a: sp.Max(a, 0)).replace(jf.cbrt, lambda a: sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3)) \
        .replace(jf.step, lambda a: sp.Piecewise((1, a > 0), (0, a < 0), (sp.nan, True)))


def _state(fn: VectorFunction) -> list[str]:
    return [v for v in fn.inputs if v != "t"]


def _plan(functions: list[VectorFunction], chain_allowed: bool) -> dict[str, Any]:
    x = list(functions[0].symbols)
    if len(functions) == 1:
        fn = functions[0]
        f = [printable(e) for e in fn.outputs]
        J = _raw_jacobian(fn).applyfunc(printable)
        return {"method": "single", "ops": {}, "f": f, "J": J, "x": x}  # nothing to choose: no count needed
    composed_outputs = substitute_chain(functions)[-1]
    f = [printable(e) for e in composed_outputs]
    J = sp.Matrix(f).jacobian(x)
    ops = {"composed": _ops(f, J)}
    factors = [(fn, [printable(e) for e in fn.outputs], _raw_jacobian(fn).applyfunc(printable))
               for fn in functions]
    plan = optimal([Shape(fn.m, fn.n) for fn in functions], [fn.name for fn in functions])
    ops["chain"] = sum(_ops(fk, Jk) for _, fk, Jk in factors) + plan.macs
    method = "chain" if chain_allowed and ops["chain"] < ops["composed"] else "composed"
    return {"method": method, "ops": ops, "f": f, "J": J, "x": x, "factors": factors, "order": plan}


def _raw_jacobian(fn: VectorFunction) -> sp.Matrix:
    """J as differentiated, not simplified (cse finds what is shared): by symengine (C++) when it has
    every function of f — 1,600 entries of a 40×40 layer in a fraction of sympy's time — else by sympy."""

    try:
        # deferred: symengine is heavy at start-up
        import symengine as se

        cache: dict[Any, Any] = {}
        outputs = [fast.to_symengine(e, cache) for e in fn.outputs]
        symbols = [se.Symbol(name) for name in fn.inputs]
        back: dict[Any, Any] = {}
        return sp.Matrix([[fast.to_sympy(out.diff(s), back) for s in symbols] for out in outputs])
    except fast.Unsupported:
        return sp.Matrix(list(fn.outputs)).jacobian(list(fn.symbols))


def cse(exprs: Sequence[sp.Expr], subs: dict[sp.Symbol, sp.Symbol]) -> tuple[list[tuple[sp.Symbol, sp.Expr]],
                                                                            list[sp.Expr]]:
    """The inputs renamed (``subs``) and the common subexpressions taken out as temporaries t_0, t_1, …:
    by symengine (C++) where it reads every expression, else by sympy; sympy expressions either way, for
    sympy's printers. Renaming happens while converting (no sympy substitution over 1,600 entries)."""

    try:
        # deferred: symengine is heavy at start-up
        import symengine as se

        by_name = {s.name: new for s, new in subs.items()}
        cache: dict[Any, Any] = {}
        for e in exprs:
            for s in e.free_symbols:
                if s.name in by_name:
                    cache[s] = se.Symbol(by_name[s.name].name)
        replacements, reduced = se.cse([fast.to_symengine(e, cache) for e in exprs])
        back: dict[Any, Any] = {s: sp.Symbol(f"t_{k}", real=True) for k, (s, _) in enumerate(replacements)}
        return ([(back[s], fast.to_sympy(v, back)) for s, v in replacements],
                [fast.to_sympy(e, back) for e in reduced])
    except fast.Unsupported:
        replacements, reduced = sp.cse(_renamed(exprs, subs), symbols=sp.numbered_symbols("t_", real=True))
        return list(replacements), list(reduced)


def _ops(f: Sequence[sp.Expr], J: sp.Matrix) -> int:
    replacements, reduced = cse(list(f) + list(J), {})
    return int(sum(sp.count_ops(e) for _, e in replacements) + sum(sp.count_ops(e) for e in reduced))


def _kinks(functions: Sequence[VectorFunction]) -> list[str]:
    out = []
    for fn in functions:
        for name, group in zip(fn.output_names, fn.conditions):
            for c in group:
                if c.kind == "cut":
                    y, x = (to_text(e) for e in c.exprs)
                    out.append(f"{fn.name}.{name}: not continuous where {y} = 0 and {x} < 0 (atan2's branch cut)")
                elif c.kind in ("kink", "tie", "boundary"):
                    what = {"kink": "is 0", "tie": "tie", "boundary": "is on a case boundary"}[c.kind]
                    out.append(f"{fn.name}.{name}: not differentiable where {c.function} argument "
                               f"{', '.join(to_text(e) for e in c.exprs)} {what}")
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------------------
# Names: jac's input names may be anything (theta, lambda, y0): the code uses safe ones

def _safe_names(symbols: Sequence[sp.Symbol], language: str) -> dict[sp.Symbol, sp.Symbol]:
    return {s: sp.Symbol(f"in_{s.name}", real=True) for s in symbols}


def _renamed(exprs: Sequence[sp.Expr], subs: dict[sp.Symbol, sp.Symbol]) -> list[sp.Expr]:
    """Inputs to their safe names, matched by name (a symbol may carry other assumptions)."""
    by_name = {s.name: new for s, new in subs.items()}
    out = []
    for e in exprs:
        mapping = {s: by_name[s.name] for s in e.free_symbols if s.name in by_name}
        out.append(e.xreplace(mapping))
    return out


def _header(functions: Sequence[VectorFunction], method: str, request: Request, comment: str) -> list[str]:
    first, last = functions[0], functions[-1]
    name = "∘".join(fn.name for fn in reversed(functions))
    lines = [f"Generated by jac codegen: {name}: R^{first.n} -> R^{last.m}, f and its Jacobian J "
             f"({last.m}x{first.n}, row-major: J[i][j] = d f_i / d x_j).",
             f"Inputs, in order: {', '.join(first.inputs)}; outputs: {', '.join(last.output_names)}."]
    for fn in functions:
        lines.append(f"{fn.name}({', '.join(fn.inputs)}) = ({', '.join(to_text(e) for e in fn.outputs)})")
    if method == "chain":
        lines.append("J is computed as a chain: each factor at the point its function sees, multiplied in the "
                     "cheapest order.")
    elif method == "composed":
        lines.append("J is computed from the composed expression (cheaper than the chain here).")
    kinks = _kinks(functions)
    lines += [f"Not differentiable: {k}" for k in kinks] or []
    if kinks:
        lines.append("There the generated J is one of the one-sided values (or NaN where jac leaves it undefined).")
    return [f"{comment} {line}" if comment else line for line in lines]


# ---------------------------------------------------------------------------
# Python (numpy) and JAX

def _python_body(exprs: list[sp.Expr], printer: Any, subs: dict[sp.Symbol, sp.Symbol], indent: str = "    ") -> tuple[list[str], list[str]]:
    replacements, reduced = cse(exprs, subs)
    lines = [f"{indent}{printer.doprint(sym)} = {printer.doprint(value)}" for sym, value in replacements]
    return lines, [printer.doprint(e) for e in reduced]


def _python(plan: dict[str, Any], functions: list[VectorFunction], request: Request) -> str:
    return _pythonic(plan, functions, request, NumPyPrinter({"fully_qualified_modules": True}), "numpy", jit=False)


def _jax(plan: dict[str, Any], functions: list[VectorFunction], request: Request) -> str:
    return _pythonic(plan, functions, request, JaxPrinter({"fully_qualified_modules": True}), "jax.numpy", jit=True)


def _pythonic(plan: dict[str, Any], functions: list[VectorFunction], request: Request, printer: Any, np_name: str,
              jit: bool) -> str:
    first, last = functions[0], functions[-1]
    target, vectorize = request.target, request.vectorize
    x = plan["x"]
    subs = _safe_names(x, "python")
    m, n = last.m, first.n
    state = _state(first) if target == "solve_ivp" else list(first.inputs)
    lines = ['"""', *_header(functions, plan["method"], request, ""), ""]
    lines += _python_usage(target, vectorize, m, n)
    lines += ['"""', "", "import functools  # noqa: F401  (sympy's printers use it for max and min)", "",
              "import jax" if jit else "", "import jax.numpy" if jit else "import numpy", ""]
    if jit:  # JAX computes in float32 unless told otherwise: 1e-7 errors where jac and numpy give 1e-16
        lines += ["# float64, as jac computes: this turns on 64-bit floats in JAX for the whole program",
                  'jax.config.update("jax_enable_x64", True)', ""]
    lines += [""]
    args = "t, y" if target == "solve_ivp" else "x"
    vec = "y" if target == "solve_ivp" else "x"

    def unpack() -> list[str]:
        dtype = f"{np_name}.float64" if jit else "float"
        out = [f"    {vec} = {np_name}.asarray({vec}, dtype={dtype})"]
        for k, v in enumerate(state):
            index = f"[:, {k}]" if vectorize else f"[{k}]"
            out.append(f"    in_{v} = {vec}{index}")
        if target == "solve_ivp" and "t" in first.inputs:
            out.append("    in_t = t")
        return out

    f_lines, f_exprs = _python_body(plan["f"], printer, subs)
    decorator = ["@jax.jit"] if jit else []
    shape = f"(len({vec}),)" if vectorize else "()"
    # f
    fname = {"plain": "f", "solve_ivp": "fun", "least_squares": "fun", "minimize": "fun"}[target]
    lines += decorator + [f"def {fname}({args}):", f'    """f at the point{"s (rows of x)" if vectorize else ""}."""']
    lines += unpack() + f_lines
    if target == "minimize":
        lines += [f"    return {f_exprs[0]}"]
    elif jit:
        lines += [f"    return {np_name}.array([{', '.join(f_exprs)}])"]
    else:
        lines += [f"    out = {np_name}.empty(({m},) + {shape})"]
        lines += [f"    out[{i}] = {e}" for i, e in enumerate(f_exprs)]
        lines += ["    return out.T" if vectorize else "    return out"]
    lines += ["", ""]
    # J
    jname = "J" if target == "plain" else "jac"
    lines += decorator + [f"def {jname}({args}):",
                          f'    """J{" (N, m, n): one m×n Jacobian per row of x" if vectorize else ""}'
                          f'{" as the gradient (n,)" if target == "minimize" else ""}."""']
    lines += unpack()
    if plan["method"] == "chain":
        lines += _python_chain(plan, printer, np_name, subs)
    else:
        J = plan["J"]
        j_lines, j_exprs = _python_body(list(J), printer, subs)
        lines += j_lines
        if jit:
            rows = [f"[{', '.join(j_exprs[i * n:(i + 1) * n])}]" for i in range(m)]
            lines += [f"    J = {np_name}.array([{', '.join(rows)}])"]
        else:
            lines += [f"    J = {np_name}.zeros(({m}, {n}) + {shape})"]
            lines += [f"    J[{k // n}, {k % n}] = {e}" for k, e in enumerate(j_exprs) if J[k] != 0]
            if vectorize:
                lines += [f"    J = {np_name}.moveaxis(J, -1, 0)"]
    lines += ["    return J[0]" if target == "minimize" else "    return J", ""]
    return "\n".join(line for line in lines) + "\n"


def _python_usage(target: str, vectorize: bool, m: int, n: int) -> list[str]:
    if target == "solve_ivp":
        return ["Use: scipy.integrate.solve_ivp(fun, t_span, y0, method='Radau', jac=jac)"]
    if target == "least_squares":
        return ["Use: scipy.optimize.least_squares(fun, x0, jac=jac)"]
    if target == "minimize":
        return ["Use: scipy.optimize.minimize(fun, x0, jac=jac)"]
    return [f"Use: f(x) -> ({m},), J(x) -> ({m}, {n})" + (" for x of shape (N, n): (N, m), (N, m, n)" if vectorize else "")]


def _python_chain(plan: dict[str, Any], printer: Any, np_name: str, subs: dict[sp.Symbol, sp.Symbol]) -> list[str]:
    """Each factor's J where its function is, then the product in the cheapest order."""
    lines = []
    values: list[str] = [f"in_{v}" for v in plan["factors"][0][0].inputs]
    for k, (fn, fk, Jk) in enumerate(plan["factors"]):
        local = {s: sp.Symbol(f"a{k}_{i}") for i, s in enumerate(fn.symbols)}
        lines += [f"    a{k}_{i} = {v}" for i, v in enumerate(values)]
        body, exprs = _python_body(list(fk) + list(Jk), printer, local)
        body = [line.replace(" t_", f" c{k}_").replace("(t_", f"(c{k}_") for line in body]
        exprs = [e.replace("t_", f"c{k}_") for e in exprs]
        body = [_rename_cse(line, k) for line in body]
        lines += body
        m_k, n_k = fn.m, fn.n
        outs = exprs[:m_k]
        lines += [f"    J{k} = {np_name}.array([{', '.join('[' + ', '.join(exprs[m_k + i * n_k: m_k + (i + 1) * n_k]) + ']' for i in range(m_k))}])"]
        values = [f"({e})" for e in outs]
    lines.append(f"    J = {_product_text(plan['order'].tree)}")
    return lines


def _rename_cse(line: str, k: int) -> str:
    return re.sub(r"\bt_(\d+)\b", lambda mt: f"c{k}_{mt.group(1)}", line)


def _product_text(tree: Any) -> str:
    if isinstance(tree, int):
        return f"J{tree}"
    left, right = tree
    return f"({_product_text(left)} @ {_product_text(right)})"


# ---------------------------------------------------------------------------
# C99

def _c(plan: dict[str, Any], functions: list[VectorFunction], request: Request) -> str:
    if request.target != "plain":
        raise UsageError(f"{option('target', request.target)} is for python (scipy) and jax; with "
                         f"{option('lang', 'c')} the code is plain: f and J",
                         hint=f"drop {option('target')}, or use {option('lang', 'python')}")
    first, last = functions[0], functions[-1]
    m, n = last.m, first.n
    name = _c_name(request.name or "_".join(fn.name for fn in reversed(functions)))
    x = plan["x"]
    subs = _safe_names(x, "c")
    lines = ["/*", *_header(functions, plan["method"], request, " *"), " *",
             f" * void {name}_f(const double *x, double *f);   x[{n}] in, f[{m}] out",
             f" * void {name}_J(const double *x, double *J);   x[{n}] in, J[{m}*{n}] out, J[i*{n} + j] = d f_i/d x_j",
             " * No allocation; compiles with -std=c99 -Wall -Wextra -Werror.", " */",
             "#include <math.h>", ""]
    for label, exprs, out, count in (("f", plan["f"], "f", m), ("J", list(plan["J"]), "J", m * n)):
        replacements, reduced = cse(exprs, subs)
        used = set().union(*(e.free_symbols for e in reduced), *(v.free_symbols for _, v in replacements))
        lines.append(f"void {name}_{label}(const double *x, double *{out})")
        lines.append("{")
        unpacked = [f"    const double in_{v} = x[{k}];" for k, v in enumerate(first.inputs)
                    if sp.Symbol(f"in_{v}", real=True) in used]
        lines += unpacked or ["    (void)x;"]
        lines += [f"    const double {sym} = {_ccode(value)};" for sym, value in replacements]
        lines += [f"    {out}[{k}] = {_ccode(e)};" for k, e in enumerate(reduced)]
        lines += ["}", ""]
        assert len(reduced) == count
    return "\n".join(lines)


def _ccode(expr: sp.Expr) -> str:
    return " ".join(sp.ccode(expr, standard="c99").split())


def _c_name(text: str) -> str:
    name = re.sub(r"\W", "_", text.replace("∘", "_of_"), flags=re.ASCII) or "f"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "f_" + name
    return name


def run(request: Request) -> CodegenResult:
    """jac codegen: sympy's printers and cse write the code, so the functions are read as sympy expressions;
    one large, sparse function (or --sparse) keeps J sparse (codegen_sparse.py)."""
    if request.sparse or _maybe_large(request):
        # deferred: numpy, for a sparse J only (dense code generation never loads it)
        from ..chain.sparse import keep_sparse
        from .codegen_sparse import codegen_sparse

        items = load(request)
        if len(items) == 1 and isinstance(items[0], VectorFunction) and \
                (request.sparse or (items[0].engine == "symengine" and keep_sparse(items[0]) is not None)):
            return codegen_sparse(request, items[0])
        if request.sparse:
            raise UsageError(f"{option('sparse')} writes the sparse Jacobian of one function spec",
                             hint="compose the functions into one spec")
    exact = request.with_(engine="sympy")
    return codegen_of(exact, load(exact))


def _maybe_large(request: Request) -> bool:
    """A single YAML spec file could be large enough to keep J sparse (looked at once loaded)."""
    return len(request.specs) == 1 and str(request.specs[0]).lower().endswith((".yaml", ".yml", ".json"))
