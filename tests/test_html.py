"""--format html (issue 25 §1): one self-contained page per result, mathematics as MathML Core.

Every page is parsed (well-formed enough for an HTML parser, no script, nothing fetched from anywhere,
user text escaped), and, where Chromium is installed (CI installs it: .ci/run), rendered headless: the
screenshot is not blank and every <math> element gets a layout box of a plausible size."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

# (command line, what the page must show): every command with human output, and a class's grade report
PAGES = {
    "compose": (["compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2"], ["J_g(3, 4)", "step 2"]),
    "compose-symbolic": (["compose", "samples/f.yaml", "samples/g.yaml"], []),
    "jacobian": (["jacobian", "samples/polar.yaml", "--at", "2,pi/4"], ["det"]),
    "steps": (["jacobian", "samples/f.yaml", "--steps", "--entry", "2,1"], []),
    "check": (["check", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--expect",
               "6, 12, 4cos(4); 3, 6, 2cos(4)"], ["FAIL"]),
    "hessian": (["hessian", "x^3 - 3x + y^2", "--vars", "x,y", "--at", "1,0"], []),
    "implicit": (["implicit", "x^2 + y^2 - 1", "--vars", "x,y", "--unknowns", "y", "--at", "0.6,0.8"], []),
    "critical": (["critical", "x^3 + y^3 - 3x y", "--vars", "x,y"], ["saddle"]),
    "taylor": (["taylor", "e^x sin(y)", "--vars", "x,y", "--at", "0,0", "--order", "3"], []),
    "cost": (["cost", "--dims", "784,256,256,10"], []),
}
MATH_FREE = {"cost"}  # widths and counts: tables only


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _assert_self_contained(page: str, links: bool = False) -> _Page:
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parsed = _parse(page)
    assert "script" not in parsed.tags and "iframe" not in parsed.tags and "link" not in parsed.tags
    for tag, key, value in parsed.attrs:
        if links and tag == "a" and key == "href":  # the feedback index: its sibling pages, by name
            assert value and "/" not in value and ":" not in value and value.endswith(".html"), value
            continue
        assert key not in ("src", "href") and not key.startswith("on"), (tag, key, value)
    assert "url(" not in page and "@import" not in page  # the style sheet loads nothing either
    assert "prefers-color-scheme: dark" in page and "@media print" in page
    return parsed


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_every_page_is_self_contained_and_typeset(run, kind):
    args, shown = PAGES[kind]
    result = run(*args, "--format", "html")
    assert result.exit_code in (0, 1), result.stderr
    parsed = _assert_self_contained(result.stdout)
    text = " ".join(parsed.text)
    for needle in shown:
        assert needle in text
    if kind not in MATH_FREE:
        assert "math" in parsed.tags


def test_the_chain_rule_as_a_textbook_writes_it(run):
    """Each factor at the point its function sees, with its shape under it, then the product: f(1, 2) = (3, 4)
    and J_g at (3, 4), not at (1, 2)."""
    page = run("compose", "samples/f.yaml", "samples/g.yaml", "--at", "1,2", "--format", "html").stdout
    maths = [m for m in page.split("<math")[1:]]
    chain = next(m for m in maths if "&#x02218;" in m or "∘" in m)  # J_{g∘f}(1, 2) = J_g(3, 4) J_f(1, 2) = …
    assert chain.count("<munder>") == 3  # J_g(3,4), J_f(1,2) and the product, each with its shape
    for shape in ("3", "2"):
        assert f"<mn>{shape}</mn>" in chain
    point = next(m for m in maths if "<mi>f</mi>" in m and "<mn>3</mn>" in m and "<mn>4</mn>" in m
                 and "mtable" not in m)
    assert point  # f(1, 2) = (3, 4): the point g sees


def test_the_page_is_written_to_a_file(run, tmp_path):
    out = tmp_path / "J.html"
    result = run("jacobian", "x^2 + y, 2*x*y", "--at", "1,2", "--format", "html", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    _assert_self_contained(out.read_text(encoding="utf-8"))


def test_user_text_is_escaped(run, tmp_path):
    """A class's ids and answers are untrusted: in the grade report they are text, never markup."""
    sheet = tmp_path / "class.csv"
    sheet.write_text('id,answer\n"<script>alert(1)</script>","[[2x, 1], [2y, 2x]]"\n'
                     '"<img src=x onerror=alert(2)>","<b>2x</b>"\n', encoding="utf-8")
    result = run("check", "samples/f.yaml", "--answers", sheet, "--format", "html")
    parsed = _assert_self_contained(result.stdout)
    assert "<script>alert" not in result.stdout and "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout
    assert "img" not in parsed.tags and "b" not in parsed.tags


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


MEASURE = """<script>
addEventListener("load", () => {
  const boxes = [...document.querySelectorAll("math")].map(m => {
    const r = m.getBoundingClientRect(); return [r.width, r.height]; });
  const out = document.createElement("pre"); out.id = "jac-measured";
  out.textContent = JSON.stringify({boxes, body: document.body.getBoundingClientRect().height});
  document.body.appendChild(out);
});
</script>"""


def _browser(url: str, *flags: str, profile: Path) -> subprocess.CompletedProcess:
    chromium = _chromium()
    assert chromium is not None
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                           "--no-first-run", "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=2000", *flags, url],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(_chromium() is None and not os.environ.get("CI"), reason="no Chromium here (CI installs it)")
@pytest.mark.parametrize("kind", ["compose", "check", "hessian", "critical", "taylor", "implicit"])
def test_a_browser_lays_out_every_formula(run, tmp_path, kind):
    assert _chromium() is not None, "CI must have Chromium: .ci/run installs Debian's chromium package"
    args, _ = PAGES[kind]
    page = run(*args, "--format", "html").stdout
    # the test's own copy of the page measures itself; the page jac writes has no script
    measured = tmp_path / "measured.html"
    measured.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = _browser(measured.as_uri(), "--dump-dom", profile=tmp_path / "p1").stdout
    start = dom.index('<pre id="jac-measured">') + len('<pre id="jac-measured">')
    facts = json.loads(dom[start:dom.index("</pre>", start)].replace("&quot;", '"'))
    assert facts["boxes"], "no <math> element was laid out"
    for width, height in facts["boxes"]:
        assert 8 < width < 3000 and 8 < height < 800, facts["boxes"]  # typeset, not collapsed or exploded
    shot = tmp_path / "page.png"
    _browser(measured.as_uri(), f"--screenshot={shot}",
             "--window-size=1000,800", profile=tmp_path / "p2")
    from PIL import Image

    image = Image.open(shot).convert("L")
    lo, hi = image.getextrema()
    assert hi - lo > 100  # text on a background: not a blank page
    dark = int((np.asarray(image) < 128).sum())
    assert dark > 2000


HOSTILE_IDS = ["s01", "../../etc/passwd", "<script>alert(1)</script>", ".hidden", "s01", "con:", ""]


def test_feedback_pages_for_a_class(run, tmp_path):
    """One page per student, named safely, and an index linking them all (issue 25 §2)."""
    sheet = tmp_path / "class.csv"
    rows = ['"../../etc/passwd","[[2x, 1], [2y, 2x]]"', '"<script>alert(1)</script>","[[2x, 2y], [1, 2x]]"',
            '".hidden","[[2x, 1], [-2y, 2x]]"', 's01,"[[2x, 1], [2y, 2x]]"', 's01,"[[2x, 1], [2y, 2x"']
    sheet.write_text("id,answer\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "fb"
    result = run("check", "samples/f.yaml", "--answers", sheet, "--feedback", out, "--format", "csv")
    assert result.exit_code == 1  # wrong and unreadable answers: the class did not all pass
    pages = sorted(p.name for p in out.iterdir())
    assert "index.html" in pages and len(pages) == 6  # five students (one id twice) and the index
    assert all(p.parent == out for p in out.iterdir())  # nothing written outside DIR, nothing hidden
    assert not any(name.startswith(".") or "/" in name for name in pages)
    index = (out / "index.html").read_text(encoding="utf-8")
    parsed = _assert_self_contained(index, links=True)
    hrefs = [v for tag, k, v in parsed.attrs if tag == "a" and k == "href"]
    assert sorted(hrefs) == sorted(p for p in pages if p != "index.html")  # every page linked, each once
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index and "<script>" not in index
    assert "5 answers: 2 passed, 2 failed, 1 unreadable" in index
    by_id = {}
    for name in pages:
        if name != "index.html":
            text = (out / name).read_text(encoding="utf-8")
            parsed_page = _assert_self_contained(text, links=True)
            assert [v for t, k, v in parsed_page.attrs if t == "a" and k == "href"] == ["index.html"]  # the way back
            by_id[name] = text
    transposed = next(t for t in by_id.values() if "alert(1)" in t)
    assert "transpose" in transposed and "class=\"wrong\"" in transposed  # the mistake in words, highlighted
    assert transposed.count("<math") >= 3  # the question, the answer as read and J, typeset
    unreadable = next(t for t in by_id.values() if "could not be read" in t)
    assert "close the row" in unreadable


def test_feedback_hides_the_answers_when_asked(run, tmp_path):
    sheet = tmp_path / "class.csv"
    sheet.write_text('id,answer\ns1,"[[2x, 2y], [1, 2x]]"\n', encoding="utf-8")
    out = tmp_path / "fb"
    run("check", "samples/f.yaml", "--answers", sheet, "--feedback", out, "--format", "csv", "--hide-answers")
    page = next(p for p in out.iterdir() if p.name != "index.html").read_text(encoding="utf-8")
    assert "transpose" in page and "expected" not in page
    assert "<mi>J</mi>" not in page  # the right Jacobian is not shown


def test_feedback_needs_a_class(run, tmp_path):
    result = run("check", "samples/f.yaml", "--expect", "[[2x, 1], [2y, 2x]]", "--feedback", tmp_path / "fb")
    assert result.exit_code == 2 and "--answers" in result.stderr and not (tmp_path / "fb").exists()


def test_page_names_are_safe():
    from jaccli.render.feedback import page_name

    names = {page_name(i) for i in HOSTILE_IDS}
    assert len(names) == len(set(HOSTILE_IDS))  # different ids, different pages
    for name in names:
        assert "/" not in name and not name.startswith(".") and name.endswith(".html") and ":" not in name
