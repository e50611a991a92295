"""Results as a list of blocks (headings, lines, matrices) that the human
formats (table, plain) draw. Everything a person reads is decided here, once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence, cast

from ..calculus.numbers import fmt_number, power_of_ten, short_list
from ..chain.values import Evaluated
from ..core.request import RenderOptions, option
from ..results import Determinant, JacobianResult
from .model import Block, Heading, Line, MatrixBlock

if TYPE_CHECKING:
    import sympy as sp

    from ..calculus.steps import Derivations

# Symbolic entries are printed by printing.py (sympy), imported where they are met: a layer chain's
# output (numbers only) never loads sympy.


def to_text(expr: Any) -> str:
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import to_text as text

    return text(expr)


def matrix_text(matrix: Any) -> list[list[str]]:
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import matrix_text as text

    return text(matrix)


def summary(values: Any) -> str:
    # deferred: loads numpy, which the rest of this module does not need
    from ..parse.arrays import summary as numbers

    return numbers(values)


def cell(exact: sp.Expr | None, value: float, precision: int) -> str:
    """``6``, ``1/3 ≈ 0.333333``, ``4*cos(4) ≈ -2.61457``; floats as decimals only."""
    if exact is None or exact.is_Float:
        return fmt_number(value, precision)
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import is_plain_number

    if is_plain_number(exact):
        return to_text(exact)
    return f"{to_text(exact)} ≈ {fmt_number(value, precision)}"


LARGE = 12  # a matrix with more rows or columns than this is summarised unless --full


def _is_large(shape: tuple[int, int], full: bool) -> bool:
    return not full and (shape[0] > LARGE or shape[1] > LARGE)


def sparsity(nonzero: list[list[bool]], width: int = 64, height: int = 32) -> list[str]:
    """A picture of where J is non-zero: █ where a (block of) entries is, · where all are zero."""
    rows, cols = len(nonzero), len(nonzero[0]) if nonzero else 0
    step_r, step_c = max(1, -(-rows // height)), max(1, -(-cols // width))
    lines = []
    for i in range(0, rows, step_r):
        line = ""
        for j in range(0, cols, step_c):
            block = any(nonzero[a][b] for a in range(i, min(i + step_r, rows)) for b in range(j, min(j + step_c, cols)))
            line += "█" if block else "·"
        lines.append(line)
    if step_r > 1 or step_c > 1:
        lines.append(f"(each character stands for {step_r}×{step_c} entries)")
    return lines


def _symbolic_blocks(title: str, matrix: Any, rows: Sequence[str], cols: Sequence[str], full: bool) -> list[Block]:
    if _is_large(matrix.shape, full):
        nonzero = [[not (matrix[i, j] == 0) for j in range(matrix.cols)] for i in range(matrix.rows)]
        count = sum(map(sum, nonzero))
        total = matrix.rows * matrix.cols
        head = Line(f"{title}: {matrix.rows}×{matrix.cols}, {count:,} of {total:,} entries non-zero "
                    f"({100 * count / total:.0f}%); --full prints every entry, --format json has them all")
        lines: list[Block] = [head]
        return lines + [Line("  " + line) for line in sparsity(nonzero)]
    cells = matrix_text(matrix)
    return [MatrixBlock(title, list(rows), [f"∂/∂{c}" for c in cols], cells)]


def _value_blocks(title: str, at: Evaluated, rows: Sequence[str], cols: Sequence[str], precision: int,
                  full: bool) -> list[Block]:
    if at.diagonal and (full is False and at.shape[0] > LARGE):
        return [Line(f"{title}: diagonal, {summary(at.value.values)}; --full prints every entry")]  # type: ignore[union-attr]
    if _is_large(at.shape, full):
        # deferred: numpy is heavy at start-up
        import numpy as np

        values = at.array()
        mags = np.abs(values)
        i, j = (int(k) for k in np.unravel_index(int(mags.argmax()), mags.shape))
        return [Line(f"{title}: {at.shape[0]}×{at.shape[1]} values in [{fmt_number(float(values.min()), precision)}, "
                     f"{fmt_number(float(values.max()), precision)}], largest |entry| "
                     f"{fmt_number(float(mags.max()), precision)} at ∂{rows[i]}/∂{cols[j]}; "
                     "--full prints every entry")]
    numbers = at.rows()
    cells = [[cell(at.exact_entry(i, j), numbers[i][j], precision)
              for j in range(at.shape[1])] for i in range(at.shape[0])]
    return [MatrixBlock(title, list(rows), [f"∂/∂{c}" for c in cols], cells)]


def _vector_text(at: Evaluated, precision: int) -> str:
    numbers = at.column()
    if len(numbers) > LARGE:
        # deferred: numpy is heavy at start-up
        import numpy as np

        return summary(np.asarray(numbers))
    items = [cell(at.exact_entry(i, 0), v, precision) for i, v in enumerate(numbers)]
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"


def J(name: str) -> str:
    """``J_f``; ``J_(g∘f)`` for a composition, so it does not read as (J_g)∘f."""
    return f"J_({name})" if "∘" in name else f"J_{name}"


def _args(names: Sequence[str]) -> str:
    """``x, y`` or, for many, ``x0, x1, …, x39``."""
    return short_list(names)


def _kind(m: int, n: int, name: str) -> str:
    if m == 1 and n == 1:
        return f"J is 1×1: the ordinary derivative {name}′"
    if m == 1:
        return f"J is 1×{n}: the gradient ∇{name} as a row"
    return f"J is {m}×{n} (rows = outputs, columns = inputs)"


def _det_lines(det: Determinant | None, name: str, args: str, at_point: bool, precision: int,
               shape: tuple[int, int]) -> list[Block]:
    """The determinant line: symbolic (``at_point`` False) or at the point."""
    m, n = shape
    if det is None:
        return [Line(f"no determinant: J is {m}×{n}, not square")] if m > 1 else []  # a gradient needs none
    label = f"det {J(name)}({args})"
    if m == 1:
        return []
    if det.withheld:
        return [Line(det.withheld)]
    if not at_point:
        if det.symbolic is not None:
            return [Line(f"{label} = {to_text(det.symbolic)}")]
        return [Line(det.skipped)] if det.skipped else []
    if not det.at_point:
        return []
    if det.value is None and det.log_abs is not None and det.sign is not None:
        text = f"{label} {power_of_ten(float(det.sign), det.log_abs, precision)} (beyond a double's range)"
    elif det.singular_exactly or (det.exact is not None and det.exact.is_zero is True):
        return [Line(f"{label} = 0: J is singular, so {name} is not locally invertible at this point")]
    elif det.numerically_singular:
        return [Line(f"{label} = {cell(det.exact, det.value, precision)}: J is numerically singular (its smallest "  # type: ignore[arg-type]
                     f"singular value is below 1e-12 of its largest), so {name} is not reliably invertible here")]
    else:
        text = f"{label} = {cell(det.exact, det.value, precision)}"  # type: ignore[arg-type]
    if det.log_abs is not None and det.sign is not None:
        text += f"   (sign {det.sign:+.0f}, log|det| = {fmt_number(det.log_abs, precision)})"
    out: list[Block] = [Line(text)]
    if det.factor_log_abs and all(v is not None for v in det.factor_log_abs):
        out.append(Line("volume change: log|det J| = Σ log|det J_k| = "
                        + " + ".join(fmt_number(v, precision) for v in det.factor_log_abs)
                        + f" = {fmt_number(sum(det.factor_log_abs), precision)}"))
    return out


def jacobian_blocks(r: JacobianResult, precision: int, full: bool = False) -> list[Block]:
    fn = r.function
    m, n = r.shape
    assert r.symbolic is not None  # one function: its Jacobian is always formed
    blocks: list[Block] = [Heading(f"{fn.signature}   {_kind(m, n, fn.name)}")]
    if m == 1 and n == 1:
        blocks.append(Line(f"{fn.name}′({fn.inputs[0]}) = {to_text(r.symbolic[0, 0])}"))
    else:
        blocks.extend(_symbolic_blocks(f"{J(fn.name)}({_args(fn.inputs)})", r.symbolic, fn.output_names, fn.inputs,
                                       full))
        if m == 1:
            blocks.append(MatrixBlock(f"∇{fn.name}({_args(fn.inputs)}) (a column)",
                                      [f"∂{fn.name}/∂{v}" for v in fn.inputs], [""],
                                      [[to_text(r.symbolic[0, j])] for j in range(n)]))
    blocks.extend(_det_lines(r.determinant, fn.name, _args(fn.inputs), False, precision, r.shape))
    if r.point is not None and r.at is not None:
        args = r.point.args_text()
        blocks.append(Heading(f"at {r.point.text()}"))
        if m == 1 and n == 1:
            blocks.append(Line(f"{fn.name}′({args}) = {cell(r.at.exact_entry(0, 0), r.at.rows()[0][0], precision)}"))
        else:
            blocks.extend(_value_blocks(f"J_{fn.name}({args})", r.at, fn.output_names, fn.inputs, precision, full))
            if m == 1:
                blocks.append(MatrixBlock(f"∇{fn.name}({args})", [f"∂{fn.name}/∂{v}" for v in fn.inputs], [""],
                                          [[cell(r.at.exact_entry(0, j), r.at.rows()[0][j], precision)] for j in range(n)]))
        blocks.extend(_det_lines(r.determinant, fn.name, args, True, precision, r.shape))
    return blocks


def _chain_formula(names: Sequence[str], inner_arg: str = "x") -> str:
    """``J_g(f(x)) · J_f(x)``, outer factor first; for a long chain ``J_L(…) ⋯ J_1(x)``."""
    if len(names) > 3:
        return f"J_{names[-1]}(…) · J_{names[-2]}(…) ⋯ J_{names[0]}({inner_arg})"
    terms, arg = [], inner_arg
    for name in names:
        terms.append(f"J_{name}({arg})")
        arg = f"{name}({arg})"
    return " · ".join(reversed(terms))


def compose_blocks(r: JacobianResult, precision: int, full: bool = False) -> list[Block]:
    m, n = r.shape
    order = ", then ".join(item.name for item in r.items)
    blocks: list[Block] = [Heading(f"{r.signature}   ({order})   J is {m}×{n} "
                                   "(rows = outputs, columns = inputs)")]
    variables = _args(r.inputs)
    formula = f"{J(r.name)}({variables}) = {_chain_formula([f.name for f in r.factors], variables)}"
    if r.point is None:
        for factor in r.factors:
            blocks.extend(_symbolic_blocks(f"J_{factor.name}({_args(factor.inputs)})   {factor.shape[0]}×"
                                           f"{factor.shape[1]}", factor.symbolic, factor.output_names, factor.inputs,
                                           full))
        blocks.append(Heading(f"chain rule: {formula}   {r.shape_arithmetic}"))
        if r.symbolic is None:
            blocks.append(Line(f"{J(r.name)} was not formed symbolically (time budget); give {option('at')} for "
                               "its value"))
            return blocks
        if m == 1 and n == 1:
            blocks.append(Line(f"({r.name})′({r.inputs[0]}) = {to_text(r.symbolic[0, 0])}"))
        else:
            blocks.extend(_symbolic_blocks(f"{J(r.name)}({variables})", r.symbolic, r.output_names, r.inputs, full))
        blocks.extend(_det_lines(r.determinant, r.name, variables, False, precision, r.shape))
        return blocks
    if any(f.layer is not None for f in r.factors):
        blocks.extend(_layer_table(r))
    else:
        blocks.extend(_steps_of_the_chain(r, precision, full))
    args = r.point.args_text()
    factors_at = " · ".join(f"J_{f.name}({f.point.args_text()})" for f in reversed(r.factors))  # type: ignore[union-attr]
    blocks.append(Heading(f"chain rule: {formula}   {r.shape_arithmetic}"))
    if len(r.factors) <= 3 and all(f.layer is None for f in r.factors):
        blocks.append(Line(f"{J(r.name)}({args}) = {factors_at}"))
    if r.multiplication is not None and len(r.factors) > 2:
        blocks.append(Line(f"multiplied as {r.multiplication.order}, the cheapest order "
                           f"({r.multiplication.macs:,} multiply-adds)"))
    if len(r.factors) > 2 and r.costs:
        blocks.append(Line(f"cost of the full product: forward {r.costs['forward'].macs:,} · reverse "
                           f"{r.costs['reverse'].macs:,} · optimal {r.costs['optimal'].macs:,} multiply-adds"))
    at = r.at
    if at is not None:
        blocks.extend(_product_blocks(r, at, args, precision, full))
    blocks.extend(_det_lines(r.determinant, r.name, args, True, precision, r.shape))
    blocks.extend(_products_blocks(r, precision, full))
    return blocks


def _steps_of_the_chain(r: JacobianResult, precision: int, full: bool) -> list[Block]:
    """Each function at the point it sees: its value there, J symbolically and there."""
    blocks: list[Block] = []
    arg = _args(r.inputs)
    for k, factor in enumerate(r.factors):
        point = factor.point
        assert point is not None and factor.outputs is not None and factor.at is not None
        where = point.text() if k == 0 else f"{arg} = {_vector_text(r.factors[k - 1].outputs, precision)}"  # type: ignore[arg-type]
        blocks.append(Heading(f"step {k + 1}: {factor.signature}, at {where}"))
        blocks.append(Line(f"{factor.name}({point.args_text()}) = {_vector_text(factor.outputs, precision)}"))
        size = f"{factor.shape[0]}×{factor.shape[1]}"
        if factor.symbolic is not None:
            blocks.extend(_symbolic_blocks(f"J_{factor.name}({_args(factor.inputs)})   {size}", factor.symbolic,
                                           factor.output_names, factor.inputs, full))
        blocks.extend(_value_blocks(f"J_{factor.name}({point.args_text()})   {size}", factor.at,
                                    factor.output_names, factor.inputs, precision, full))
        arg = f"{factor.name}({arg})"
    return blocks


def _layer_table(r: JacobianResult) -> list[Block]:
    """A chain with layers: one row per factor — what it is, its factor's form, and what it sees."""
    cells = []
    for f in r.factors:
        shape = f"{f.shape[0]}" if f.structure == "diagonal" else f"{f.shape[0]}×{f.shape[1]}"
        sees = f.point.array if f.point is not None and hasattr(f.point, "array") else \
            [float(v) for v in f.point.values] if f.point is not None else []
        cells.append([f.description, f"{f.structure} {shape}", summary(sees)])
    return [MatrixBlock("factors (application order); each J_k is evaluated at the point its factor sees",
                        [f"J_{f.name}" for f in r.factors], ["factor", "form", "sees"], cells)]


def _product_blocks(r: JacobianResult, at: Evaluated, args: str, precision: int, full: bool) -> list[Block]:
    m, n = r.shape
    first = r.factors[0]
    if m == 1 and n == 1:
        return [Line(f"({r.name})′({args}) = {cell(at.exact_entry(0, 0), at.rows()[0][0], precision)}")]
    if m != 1:
        return _value_blocks(f"{J(r.name)}({args})   {m}×{n}", at, r.output_names, r.inputs, precision, full)
    blocks = _value_blocks(f"{J(r.name)}({args})   {m}×{n} (a row)", at, r.output_names, r.inputs, precision, full)
    if n > LARGE and not full:
        return blocks
    factors_t = " · ".join(f"J_{f.name}({f.point.args_text()})ᵀ" for f in r.factors[:-1])  # type: ignore[union-attr]
    last = r.factors[-1]
    values = at.rows()[0]
    blocks.append(MatrixBlock(f"gradient (a column, for gradient descent): ∇({r.name}) = {factors_t} · "
                              f"∇{last.name}({last.point.args_text()})",  # type: ignore[union-attr]
                              [f"∂{r.output_names[0]}/∂{v}" for v in first.inputs], [""],
                              [[cell(at.exact_entry(0, j), values[j], precision)]
                               for j in range(n)]))
    return blocks


def _products_blocks(r: JacobianResult, precision: int, full: bool) -> list[Block]:
    p = r.products
    if p is None:
        return []
    blocks: list[Block] = []
    for title, vector in (("vᵀJ (reverse mode)", p.vjp), ("J·v (forward mode)", p.jvp),
                          ("∇ = Jᵀ (reverse mode, a column)", p.grad)):
        if vector is None:
            continue
        if full or vector.size <= 64:
            blocks.append(Line(f"{title} = (" + ", ".join(fmt_number(float(v), precision) for v in vector) + ")"))
        else:
            blocks.append(Line(f"{title}: {summary(vector)}  (--full prints all)"))
    if p.plan is not None:
        blocks.append(Line(f"multiplied in the cheapest order found: {p.plan.order} ({p.plan.macs:,} multiply-adds)"))
    return blocks


def steps_blocks(steps: Derivations) -> list[Block]:
    """The derivations added by --steps (a steps.Derivations)."""
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.steps import render_lines

    blocks: list[Block] = []
    if steps.chain_sum:
        blocks += [Heading("the chosen entry by the chain rule"), Line(steps.chain_sum)]
    for name, derivations in steps.groups:
        blocks.append(Heading(f"derivations for J_{name}"))
        for d in derivations:
            x_name = d.label.rsplit("∂", 1)[1]
            blocks.extend(Line(line) for line in render_lines(d, x_name))
    return blocks


def _norm(values: Sequence[float]) -> float:
    return cast(float, sum(v * v for v in values) ** 0.5)


def blocks_for(result: JacobianResult, options: RenderOptions) -> list[Block]:
    precision, full = options.precision, options.full
    if result.composed:
        blocks = compose_blocks(result, precision, full)
    else:
        blocks = jacobian_blocks(result, precision, full)
        blocks.extend(_products_blocks(result, precision, full))
    if result.linearisation:
        blocks.append(Heading("linearisation: f(x + h) − f(x) against J·h (the remainder ratio shrinks where f is "
                              "differentiable)"))
        blocks.append(MatrixBlock("", [str(k + 1) for k in range(len(result.linearisation))],
                                  ["‖h‖", "‖f(x+h) − f(x)‖", "‖J·h‖", "‖f(x+h) − f(x) − J·h‖ / ‖h‖"],
                                  [[fmt_number(s.norm_h, 3), fmt_number(_norm(s.change), precision),
                                    fmt_number(_norm(s.linear), precision), fmt_number(s.ratio, 3)]
                                   for s in result.linearisation]))
    if result.verification is not None:
        v = result.verification
        blocks.append(Line(f"verify: finite differences ({v.to_dict()['method']}) agree: "
                           f"max |J − J_fd| = {v.max_abs_diff:.2g}, estimate error ≤ {v.error_estimate:.2g}"))
    if result.steps:
        blocks += steps_blocks(result.steps)
    return blocks
