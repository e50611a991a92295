"""``--format latex``: display-math lines ready to paste into homework. Exact entries print as LaTeX
(sympy's, readable back by jac); decimals at the chosen precision; a matrix larger than 12×12 is
summarised (its shape and range of values) unless --full, as the table does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..calculus.numbers import fmt_number, power_of_ten

if TYPE_CHECKING:
    from ..chain.values import Evaluated
    from ..core.request import RenderOptions
    from ..results import JacobianResult

LARGE = 12


def _name(name: str) -> str:
    parts = [p if len(p) == 1 else f"\\mathrm{{{p}}}" for p in name.replace("_", r"\_").split("∘")]
    return " \\circ ".join(parts)


def _args(values: Sequence[Any]) -> str:
    """Input names (``theta`` → ``\\theta``) or coordinates; long points shortened."""
    items = list(values)
    if len(items) > 6:
        items = items[:2] + ["…"] + items[-1:]
    return ", ".join(_atom(v) for v in items)


def _atom(v: Any) -> str:
    if v == "…":
        return r"\ldots"
    if isinstance(v, float):
        return fmt_number(v, 6)
    # deferred: sympy (also through the jac modules imported here) is heavy at start-up
    import sympy as sp

    from ..calculus.printing import to_latex

    return to_latex(v if isinstance(v, sp.Basic) else sp.Symbol(v))


def _J(name: str, args: str) -> str:
    return f"J_{{{_name(name)}}}({args})"


def symbolic_matrix(matrix: Any, full: bool) -> str:
    if not full and (matrix.rows > LARGE or matrix.cols > LARGE):
        return f"\\text{{a {matrix.rows}×{matrix.cols} matrix (--full prints it)}}"
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import matrix_latex

    return matrix_latex(matrix)


def evaluated_matrix(at: Evaluated, precision: int, full: bool) -> str:
    """Exact entries when there are, else decimals; a summary when large."""
    rows, cols = at.shape
    if not full and (rows > LARGE or cols > LARGE):
        # deferred: loads numpy, which the rest of this module does not need
        from ..parse.arrays import summary

        values = at.value.values if at.diagonal else at.array()  # type: ignore[union-attr]
        form = "diagonal, " if at.diagonal else ""
        return f"\\text{{{rows}×{cols}, {form}{summary(values)}}}"
    if at.exact is not None:
        # deferred: loads sympy, which the rest of this module does not need
        from ..calculus.printing import matrix_latex

        return matrix_latex(at.exact)
    lines = [" & ".join(fmt_number(float(v), precision) for v in row) for row in at.rows()]
    return "\\begin{bmatrix} " + " \\\\ ".join(lines) + " \\end{bmatrix}"


def _column(values: Evaluated) -> list[Any]:
    """The entries of an evaluated column, exact where they are."""
    if values.exact is not None:
        return list(values.exact)
    return [float(row[0]) for row in values.rows()]


def _vector(values: Any, precision: int, full: bool) -> str:
    if not full and values.size > 64:
        # deferred: loads numpy, which the rest of this module does not need
        from ..parse.arrays import summary

        return f"\\text{{{summary(values)}}}"
    return "\\begin{bmatrix} " + " & ".join(fmt_number(float(v), precision) for v in values) + " \\end{bmatrix}"


def _shaped(latex: str, shape: tuple[int, int], shapes: bool) -> str:
    """With ``shapes`` (the html page): the matrix with its shape written under it, as a textbook does."""
    return f"\\underset{{{shape[0]}\\times {shape[1]}}}{{{latex}}}" if shapes else latex


def render_latex(result: JacobianResult, options: RenderOptions, shapes: bool = False) -> str:
    """``--format latex``: each display of the result; ``shapes`` adds each factor's shape under it and the
    point each factor sees (the html page's chain rule)."""
    precision, full = options.precision, options.full
    lines = []
    inputs = _args(result.inputs)
    if result.is_chain:
        for f in result.factors:
            if f.symbolic is not None:
                lines.append(f"{_J(f.name, _args(f.inputs))} = {symbolic_matrix(f.symbolic, full)}")
        if result.point is None and result.symbolic is not None:
            lines.append(f"{_J(result.name, inputs)} = {symbolic_matrix(result.symbolic, full)}")
        elif result.point is not None:
            factors = list(reversed(result.factors))
            names = " \\, ".join(_J(f.name, _args(f.point.exact)) for f in factors)  # type: ignore[union-attr]
            values = " ".join(_shaped(evaluated_matrix(f.at, precision, full), f.at.shape, shapes)
                              for f in factors if f.at is not None)
            head = f"{_J(result.name, _args(result.point.exact))} = {names}"
            if shapes:
                for f in result.factors[:-1]:
                    if f.outputs is not None and f.point is not None and f.outputs.shape[0] <= 6:
                        lines.append(f"{_name(f.name)}({_args(f.point.exact)}) = ({_args(_column(f.outputs))})")
            if result.at is not None:
                lines.append(f"{head} = {values} = "
                             f"{_shaped(evaluated_matrix(result.at, precision, full), result.at.shape, shapes)}")
            else:
                lines.append(head)
    else:
        if result.symbolic is not None:
            lines.append(f"{_J(result.name, inputs)} = {symbolic_matrix(result.symbolic, full)}")
        if result.point is not None and result.at is not None:
            lines.append(f"{_J(result.name, _args(result.point.exact))} = {evaluated_matrix(result.at, precision, full)}")
    lines += _det_lines(result, precision)
    if result.products is not None:
        p = result.products
        for label, vector in ((r"v^\top J", p.vjp), (r"J v", p.jvp), (r"\nabla", p.grad)):
            if vector is not None:
                lines.append(f"{label} = {_vector(vector, precision, full)}")
    return "\n".join(f"\\[ {line} \\]" for line in lines)


def _det_lines(result: JacobianResult, precision: int) -> list[str]:
    det = result.determinant
    if det is None or det.withheld:
        return []
    # deferred: loads sympy, which the rest of this module does not need
    from ..calculus.printing import to_latex

    out = []
    if det.symbolic is not None:
        out.append(f"\\det {_J(result.name, _args(result.inputs))} = {to_latex(det.symbolic)}")
    if result.point is not None:
        at = f"\\det {_J(result.name, _args(result.point.exact))}"
        if det.exact is not None:
            out.append(f"{at} = {to_latex(det.exact)}")
        elif det.value is not None:
            out.append(f"{at} = {fmt_number(det.value, precision)}")
        elif det.log_abs is not None and det.sign is not None:
            approx = power_of_ten(det.sign, det.log_abs, precision).replace("≈", "\\approx")
            out.append(f"{at} {approx}")
    return out
