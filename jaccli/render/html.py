"""``--format html``: one self-contained page that opens offline in any browser.

The mathematics is MathML Core, which browsers lay out natively: no JavaScript, no fonts or styles
fetched from anywhere. Each result's displays are its renderer's LaTeX (the same displays ``--format
latex`` prints, read back by jac's own tests), turned into MathML by latex2mathml; the functions as jac
read them come from sympy's presentation MathML printer. The tables and lines are the ones ``--format
table`` shows, and the notes close the page. Light and dark colour schemes follow the reader's setting
(``prefers-color-scheme``), and the page prints cleanly.

Everything that came from a user (names, ids, answers, file names) is escaped; the page has no
element that loads anything (tests parse every page and check).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any, Sequence

from ..core.untrusted import visible_lines
from .model import Block, Heading, Line, MatrixBlock

if TYPE_CHECKING:
    from ..core.request import RenderOptions

# matrix brackets drawn by the style sheet: a stretched [ needs a math font the reader may not have
BRACKETS = """
mtable.bracket, mtable.paren { padding: .15em .45em; margin: 0 .15em; }
mtable.bracket { background:
  linear-gradient(currentColor, currentColor) left top / 1.5px 100% no-repeat,
  linear-gradient(currentColor, currentColor) left top / .3em 1.5px no-repeat,
  linear-gradient(currentColor, currentColor) left bottom / .3em 1.5px no-repeat,
  linear-gradient(currentColor, currentColor) right top / 1.5px 100% no-repeat,
  linear-gradient(currentColor, currentColor) right top / .3em 1.5px no-repeat,
  linear-gradient(currentColor, currentColor) right bottom / .3em 1.5px no-repeat; }
mtable.paren { border-left: 1.5px solid; border-right: 1.5px solid; border-radius: .7em / 50%; }
"""

CSS = BRACKETS + """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fdfdfc; --muted: #5f6368; --rule: #d0d4da;
        --accent: #1f5fa8; --bad: #b3261e; --bad-bg: #fbe9e7; --good: #1e7b34; --note-bg: #f3f5f8; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8ea; --bg: #17181a; --muted: #a4a8ae; --rule: #3a3d42; --accent: #8ab4f8;
          --bad: #f28b82; --bad-bg: #3b1f1d; --good: #81c995; --note-bg: #222429; }
}
html { background: var(--bg); color: var(--fg); }
body { font: 16px/1.5 "Latin Modern Roman", "STIX Two Text", Cambria, Georgia, serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2.wrong { color: var(--bad); }
h2.right { color: var(--good); }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; color: var(--accent); border-bottom: 1px solid var(--rule); }
p.sub { color: var(--muted); margin-top: 0; }
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", math; font-size: 1.1em; }
math[display="block"] { margin: .75rem 0; overflow-x: auto; overflow-y: hidden; }
.display { overflow-x: auto; overflow-y: hidden; padding: .2rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { padding: .2rem .75rem; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: top; }
th { font-weight: 600; }
th[scope="row"], td:first-child, table.text td, table.text th { text-align: left; }
td.wrong, p.wrong { color: var(--bad); background: var(--bad-bg); }
td.right { color: var(--good); }
p.line { margin: .25rem 0; white-space: pre-wrap; }
p.verdict { font-weight: 600; font-size: 1.1rem; }
aside.notes { background: var(--note-bg); border-left: 3px solid var(--accent); padding: .5rem 1rem;
              margin-top: 2rem; }
aside.notes p { margin: .25rem 0; }
a { color: var(--accent); }
footer { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
@media print {
  :root { --fg: #000; --bg: #fff; --muted: #444; --rule: #999; --accent: #000; --note-bg: #fff; }
  body { margin: 0; max-width: none; }
  h2 { break-after: avoid; }
  table, math[display="block"] { break-inside: avoid; }
}
"""

_DISPLAY = re.compile(r"\\\[(.*?)\\\]", re.S)
_WRONG = ("✗",)
_RIGHT = ("✓",)


def escape(text: str) -> str:
    """User text for the page: control characters made visible (core/untrusted), then HTML-escaped."""
    return html.escape(visible_lines(str(text)), quote=True)


def latex_displays(latex: str) -> list[str]:
    """Each ``\\[ … \\]`` display of jac's LaTeX as a ``<math display="block">`` element; a display that is
    only words (\\text{…}) as a paragraph, which wraps."""
    out = []
    for body in _DISPLAY.findall(latex):
        words = re.fullmatch(r"\s*\\text\{([^{}]*)\}\s*", body)
        out.append(f'<p class="line">{escape(words.group(1))}</p>' if words else mathml_of_latex(body.strip()))
    return out


def mathml_of_latex(latex: str) -> str:
    from latex2mathml.converter import convert  # a pure-Python converter, only for html

    return _tidy(convert(latex, display="block"))


def mathml_of(expr: Any, display: bool = True) -> str:
    """A sympy object as presentation MathML; every name escaped (sympy's printer writes them raw)."""
    import sympy as sp  # html of a result that holds sympy objects: sympy is loaded already

    names = {s: sp.Symbol(html.escape(s.name, quote=True)) for s in expr.free_symbols} \
        if isinstance(expr, sp.Basic) else {}
    inner = sp.mathml(expr.xreplace(names) if names else expr, printer="presentation")
    attrs = ' display="block"' if display else ""
    return _tidy(f'<math xmlns="http://www.w3.org/1998/Math/MathML"{attrs}>{inner}</math>')


_OPEN = re.compile(r"<mo[^>]*>(\[|&#x0005B;|\(|&#x00028;)</mo><mtable")
_CLOSE = re.compile(r"</mtable><mo[^>]*>(\]|&#x0005D;|\)|&#x00029;)</mo>")


def _tidy(mathml: str) -> str:
    """Brackets around a matrix drawn by the style sheet (class bracket or paren), so that they take the
    matrix's height whatever fonts the reader has (a stretched [ needs a math font); numeric character
    references instead of the MathML-only named ones (an XML parser knows no &InvisibleTimes;); no xmlns
    attribute, which HTML does not need."""
    mathml = _OPEN.sub(lambda m: '<mtable class="' + ("bracket" if m.group(1) in ("[", "&#x0005B;") else "paren")
                       + '"', mathml)
    mathml = _CLOSE.sub("</mtable>", mathml)
    return (mathml.replace("&InvisibleTimes;", "&#x2062;").replace("&ApplyFunction;", "&#x2061;")
            .replace("&DifferentialD;", "&#x2146;").replace("&ExponentialE;", "&#x2147;")
            .replace("&ImaginaryI;", "&#x2148;").replace(' xmlns="http://www.w3.org/1998/Math/MathML"', ""))


def _cell_class(text: str) -> str:
    if any(mark in text for mark in _WRONG):
        return ' class="wrong"'
    if any(mark in text for mark in _RIGHT):
        return ' class="right"'
    return ""


def blocks_html(blocks: Sequence[Block]) -> list[str]:
    """The blocks ``--format table`` shows, as HTML: headings, lines, tables with their labels."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            verdict = ' class="wrong"' if block.text.startswith("FAIL") else \
                ' class="right"' if block.text.startswith("PASS") else ""
            out.append(f"<h2{verdict}>{escape(block.text)}</h2>")
        elif isinstance(block, Line):
            text = block.text
            kind = "line verdict" if text.startswith(("PASS", "FAIL")) else "line"
            if text.startswith(("FAIL", "✗")):
                kind += " wrong"
            out.append(f'<p class="{kind}">{escape(text)}</p>')
        elif isinstance(block, MatrixBlock):
            out.append(_table(block))
    return out


def _table(block: MatrixBlock) -> str:
    rows = []
    if any(block.col_labels):
        head = "".join(f'<th scope="col">{escape(c)}</th>' for c in [block.corner, *block.col_labels])
        rows.append(f"<thead><tr>{head}</tr></thead>")
    body = []
    for label, cells in zip(block.row_labels, block.cells):
        tds = "".join(f"<td{_cell_class(c)}>{escape(c)}</td>" for c in cells)
        body.append(f'<tr><th scope="row">{escape(label)}</th>{tds}</tr>')
    rows.append("<tbody>" + "".join(body) + "</tbody>")
    caption = f"<caption>{escape(block.title)}</caption>" if block.title else ""
    return f"<table>{caption}{''.join(rows)}</table>"


def functions_html(functions: Sequence[Any]) -> list[str]:
    """Each function as jac read it: name(inputs) = its outputs, typeset."""
    import sympy as sp  # only reached when a result holds functions, which are sympy already

    out = []
    for f in functions:
        outputs = list(getattr(f, "outputs", []) or [])
        if not outputs or len(outputs) > 12:
            continue
        value = outputs[0] if len(outputs) == 1 else sp.Matrix(outputs)
        args = "<mo>,</mo>".join(f"<mi>{escape(str(i))}</mi>" for i in f.inputs)
        head = f'<math><mi>{escape(f.name)}</mi><mo>(</mo>{args}<mo>)</mo><mo>=</mo></math>'
        out.append(f'<div class="display">{head} {mathml_of(value, display=False)}</div>')
    return out


def page(title: str, subtitle: str, sections: Sequence[str], notes: Sequence[str]) -> str:
    """The whole document: no script, no external resource, one inline style sheet."""
    # deferred: importlib.metadata costs 20 ms at start-up, and only a page says jac's version
    from importlib.metadata import version

    note_html = ""
    if notes:
        note_html = '<aside class="notes"><h2>Notes</h2>' + \
            "".join(f"<p>{escape(n)}</p>" for n in notes) + "</aside>"
    sub = f'<p class="sub">{escape(subtitle)}</p>' if subtitle else ""
    return ("<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="jac ' + escape(version("jaccli")) + '">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<header><h1>{escape(title)}</h1>{sub}</header>\n<main>\n" + "\n".join(sections) +
            f"\n</main>\n{note_html}\n<footer>Made by jac {escape(version('jaccli'))}. Rows of J are outputs, "
            "columns are inputs.</footer>\n</body>\n</html>\n")


def sections_of(result: Any, module: Any, options: RenderOptions,
                functions: Sequence[Any]) -> tuple[str, list[str]]:
    """A result's title and its parts: the functions as read, its displays (from its LaTeX), its tables and
    lines."""
    blocks = list(module.blocks(result, options))
    title = next((b.text for b in blocks if isinstance(b, Heading)), f"jac {result.command}")
    if blocks and isinstance(blocks[0], Heading) and blocks[0].text == title:
        blocks = blocks[1:]  # the page's title already
    sections: list[str] = []
    if options.echo and functions:
        read = functions_html(functions)
        if read:
            sections += ["<h2>The functions, as jac read them</h2>", *read]
    latex = getattr(module, "html_latex", None) or getattr(module, "latex", None)
    if latex is not None:
        displays = latex_displays(latex(result, options))
        if displays:
            sections += ["<h2>In formulas</h2>", *displays]
    sections += blocks_html(blocks)
    return title, sections


def render_html(result: Any, module: Any, options: RenderOptions, functions: Sequence[Any]) -> str:
    """A result's page: its title, its sections and its notes."""
    title, sections = sections_of(result, module, options, functions)
    return page(title, f"jac {result.command}", sections, list(getattr(result, "notes", []) or []))


FRAGMENT_CSS = """
.jac-result h3 { font-size: 1.05em; margin: .9em 0 .3em; }
.jac-result table { border-collapse: collapse; margin: .3em 0 .8em; }
.jac-result th, .jac-result td { padding: .15em .6em; border-bottom: 1px solid rgba(127,127,127,.35); text-align: right; }
.jac-result th[scope="row"] { text-align: left; }
.jac-result td.wrong, .jac-result p.wrong { color: #c5221f; }
.jac-result td.right { color: #188038; }
.jac-result p.line { margin: .2em 0; white-space: pre-wrap; }
.jac-result .notes { opacity: .8; font-size: .9em; }
"""



def _scoped(css: str) -> str:
    """The bracket rules, limited to jac's own output inside someone else's page (a notebook)."""
    return css.replace("mtable.", ".jac-result mtable.")


def fragment(result: Any, module: Any, options: RenderOptions, functions: Sequence[Any]) -> str:
    """The same content as the page, as a part of another page (a notebook's output): its own small style
    sheet, scoped to ``.jac-result``; headings one level down."""
    title, sections = sections_of(result, module, options, functions)
    body = "\n".join(sections).replace("<h2", "<h3").replace("</h2>", "</h3>")
    notes = list(getattr(result, "notes", []) or [])
    note_html = "".join(f'<p class="notes">note: {escape(n)}</p>' for n in notes)
    return (f'<div class="jac-result"><style>{FRAGMENT_CSS}{_scoped(BRACKETS)}</style><h3>{escape(title)}</h3>\n{body}\n'
            f"{note_html}</div>")
