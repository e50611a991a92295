"""Step-by-step derivations: how each partial derivative follows from the
rules of differentiation, read off the expression tree.

Each node gets the rule that applies to it (constant, variable, sum, constant
multiple, product, quotient, power, exponential, general power, the standard
derivative of a built-in function, chain rule) and the derivative assembled
from its children's derivatives by that rule, so the derivation is computed,
not narrated; tests check that it ends in the entry jac reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..core.errors import SpecError
from ..core.request import option
from .printing import to_text
from .simplify import tidy
from .special import clean_derivative


@dataclass
class Step:
    expr: sp.Expr
    rule: str
    formula: str  # the rule in general form, e.g. (u·v)′ = u′·v + u·v′
    result: sp.Expr
    children: list["Step"] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"expression": to_text(self.expr), "rule": self.rule, "formula": self.formula,
                "result": to_text(self.result), "steps": [c.to_dict() for c in self.children]}


@dataclass
class EntryDerivation:
    label: str  # ∂f1/∂x
    row: int
    col: int
    step: Step
    simplified: sp.Expr

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.label, "row": self.row, "col": self.col, "derivation": self.step.to_dict(),
                "result": to_text(self.simplified)}


def derive(expr: sp.Expr, x: sp.Symbol) -> Step:
    """The derivation of d expr / dx as a tree of steps."""
    if not expr.has(x):
        return Step(expr, "constant", f"d/d{x} of an expression without {x} is 0", sp.S.Zero)
    if expr == x:
        return Step(expr, "variable", f"d{x}/d{x} = 1", sp.S.One)
    if expr.is_Add:
        children = [derive(term, x) for term in expr.args]
        return Step(expr, "sum rule", "(u + v)′ = u′ + v′", sp.Add(*(c.result for c in children)), children)
    if expr.is_Mul:
        return _mul(expr, x)
    if expr.is_Pow:
        return _pow(expr, x)
    if isinstance(expr, sp.Function) or isinstance(expr, (sp.Abs, sp.Min, sp.Max)):
        return _function(expr, x)
    # Anything else (should not occur for jac's language): let sympy differentiate it.
    return Step(expr, "derivative", "", clean_derivative(sp.diff(expr, x)))


def _mul(expr: sp.Mul, x: sp.Symbol) -> Step:
    const = [f for f in expr.args if not f.has(x)]
    var = [f for f in expr.args if f.has(x)]
    c = sp.Mul(*const)
    denominators = [f for f in var if f.is_Pow and f.exp.is_number and f.exp.is_negative]
    if const:
        inner = derive(sp.Mul(*var), x)
        return Step(expr, "constant multiple", f"(c·u)′ = c·u′ with c = {to_text(c)}", c * inner.result, [inner])
    if denominators and len(var) > 1:
        num = sp.Mul(*[f for f in var if f not in denominators])
        den = sp.Mul(*[f.base ** (-f.exp) for f in denominators])
        du, dv = derive(num, x), derive(den, x)
        result = (du.result * den - num * dv.result) / den ** 2
        return Step(expr, "quotient rule", "(u/v)′ = (u′·v − u·v′)/v²", result, [du, dv])
    children = [derive(f, x) for f in var]
    terms = []
    for k, child in enumerate(children):
        others = sp.Mul(*(f for j, f in enumerate(var) if j != k))
        terms.append(others * child.result)
    formula = "(u·v)′ = u′·v + u·v′" if len(var) == 2 else "(u·v·w)′ = u′·v·w + u·v′·w + u·v·w′"
    return Step(expr, "product rule", formula, sp.Add(*terms), children)


def _pow(expr: sp.Pow, x: sp.Symbol) -> Step:
    base, exp = expr.base, expr.exp
    if not exp.has(x):
        inner = derive(base, x)
        outer = exp * base ** (exp - 1)
        if exp == sp.S.Half:
            rule, formula = "square root", "(√u)′ = u′/(2√u)"
        elif exp == -1:
            rule, formula = "reciprocal", "(1/u)′ = −u′/u²"
        else:
            rule, formula = "power rule", "(uⁿ)′ = n·uⁿ⁻¹·u′"
        if base != x:
            rule += " with the chain rule"
        return Step(expr, rule, formula, outer * inner.result, [inner] if base != x else [])
    if not base.has(x):
        inner = derive(exp, x)
        rule = "exponential rule" + (" with the chain rule" if exp != x else "")
        return Step(expr, rule, "(aᵘ)′ = aᵘ·ln(a)·u′", expr * sp.log(base) * inner.result,
                    [inner] if exp != x else [])
    db, de = derive(base, x), derive(exp, x)
    result = expr * (de.result * sp.log(base) + exp * db.result / base)
    return Step(expr, "general power rule", "(uᵛ)′ = uᵛ·(v′·ln u + v·u′/u)", result, [db, de])


def _function(expr: sp.Expr, x: sp.Symbol) -> Step:
    args = expr.args
    name = _name(expr)
    if len(args) == 1:
        u = args[0]
        t = sp.Dummy("t", real=True)
        outer = clean_derivative(sp.diff(expr.func(t), t))
        formula = f"{name}′(u) = {to_text(outer.xreplace({t: sp.Symbol('u')}))}"
        outer_at_u = outer.xreplace({t: u})
        if u == x:
            return Step(expr, f"derivative of {name}", formula, outer_at_u)
        inner = derive(u, x)
        return Step(expr, f"chain rule ({name})", f"{formula}; (f(u))′ = f′(u)·u′", outer_at_u * inner.result,
                    [inner])
    dummies = [sp.Dummy(f"a{k}", real=True) for k in range(len(args))]
    general = expr.func(*dummies)
    children, terms = [], []
    for d, a in zip(dummies, args):
        partial = clean_derivative(sp.diff(general, d)).xreplace(dict(zip(dummies, args)))
        child = derive(a, x)
        children.append(child)
        terms.append(partial * child.result)
    return Step(expr, f"chain rule ({name}, several arguments)", "(f(u, v))′ = ∂f/∂u·u′ + ∂f/∂v·v′",
                sp.Add(*terms), children)


def _name(expr: sp.Expr) -> str:
    text = to_text(expr)
    return text.split("(", 1)[0]


def derivations(fn: Any, rows: list[int] | None = None, cols: list[int] | None = None) -> list[EntryDerivation]:
    """Derivations of the entries of J_fn (all, or the given 0-based rows/columns)."""
    out = []
    for i in rows if rows is not None else range(fn.m):
        for j in cols if cols is not None else range(fn.n):
            x = fn.symbols[j]
            step = derive(fn.outputs[i], x)
            out.append(EntryDerivation(f"∂{fn.output_names[i]}/∂{fn.inputs[j]}", i + 1, j + 1, step,
                                       tidy(clean_derivative(step.result))))
    return out


def render_lines(derivation: EntryDerivation, x_name: str) -> list[str]:
    """Human lines: each node as 'd/dx[expr] = result   (rule: formula)', children indented."""
    lines = [f"{derivation.label} of {to_text(derivation.step.expr)}"]

    def walk(step: Step, depth: int) -> None:
        pad = "  " * depth
        result = to_text(tidy(step.result, thorough=False))
        lines.append(f"{pad}d/d{x_name}[{to_text(step.expr)}] = {result}   ({step.rule}: {step.formula})")
        for child in step.children:
            walk(child, depth + 1)

    walk(derivation.step, 1)
    lines.append(f"  = {to_text(derivation.simplified)}")
    return lines


@dataclass
class Derivations:
    """What --steps adds to a result: derivations grouped by function."""

    groups: list[tuple[str, list[EntryDerivation]]]
    chain_sum: str | None = None  # how the chosen composed entry is assembled from the factors' entries

    def to_dict(self) -> dict[str, Any]:
        return {"chain_sum": self.chain_sum,
                "functions": [{"function": name, "entries": [d.to_dict() for d in derivations]}
                              for name, derivations in self.groups]}


def steps_for(result: Any, entry: tuple[int, int] | None = None) -> Derivations:
    """Derivations for a JacobianResult (one function or a chain): every entry, or
    with ``entry`` (1-based row, column) the entries that make it up."""

    m, n = result.shape
    if entry is not None and not (1 <= entry[0] <= m and 1 <= entry[1] <= n):
        raise SpecError(f"{option('entry', f'{entry[0]},{entry[1]}')} is outside J, which is {m}×{n}",
                        hint=f"rows are 1..{m} (outputs), columns 1..{n} (inputs)")
    if not result.is_chain:
        fn = result.function
        rows, cols = ([entry[0] - 1], [entry[1] - 1]) if entry else (None, None)
        return Derivations([(fn.name, derivations(fn, rows, cols))])
    out = []
    last = len(result.functions) - 1
    for k, fn in enumerate(result.functions):
        rows = [entry[0] - 1] if entry and k == last else None
        cols = [entry[1] - 1] if entry and k == 0 else None
        out.append((fn.name, derivations(fn, rows, cols)))
    return Derivations(out, chain_sum(result, entry) if entry else None)


def chain_sum(result: Any, entry: tuple[int, int]) -> str | None:
    """``∂g1/∂x = ∂g1/∂u·∂f1/∂x + ∂g1/∂v·∂f2/∂x`` for a two-function chain."""
    if len(getattr(result, "functions", ())) != 2:
        return None
    f, g = result.functions
    i, j = entry[0] - 1, entry[1] - 1
    terms = [f"∂{g.output_names[i]}/∂{u}·∂{f.output_names[k]}/∂{f.inputs[j]}" for k, u in enumerate(g.inputs)]
    return f"∂{g.output_names[i]}/∂{f.inputs[j]} = " + " + ".join(terms)
