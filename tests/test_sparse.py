"""Sparse Jacobians (issue 26): the exact pattern, a valid and (on banded systems) optimal column colouring,
values per non-zero equal to the dense J computed independently, files that SciPy reads back, and no
quadratic step between 10³ and 10⁴ outputs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import brusselator  # noqa: E402  (the benchmark's system: a spec written by a few lines of Python)

from jaccli import load  # noqa: E402
from jaccli.chain.sparse import colour_columns, differentiate, pattern_only, valid_colouring  # noqa: E402

TERMS = ["{a}", "{a}*{b}", "sin({a})", "{a}^2*{b}", "exp({a} - {b})", "{a}/(1 + {b}^2)", "3", "tanh({a}*{b})"]


def _function(tmp_path, outputs, n):
    names = [f"x{j}" for j in range(n)]
    spec = "inputs: [" + ", ".join(names) + "]\noutputs:\n" + "".join(
        f"  y{i}: {expr}\n" for i, expr in enumerate(outputs))
    path = tmp_path / "f.yaml"
    path.write_text(spec)
    loaded = load(str(path))
    return loaded[0] if isinstance(loaded, list) else loaded


@settings(max_examples=25, deadline=None)
@given(data=st.data(), n=st.integers(2, 7), m=st.integers(1, 7))
def test_the_pattern_is_the_structure_of_the_dense_jacobian(tmp_path_factory, data, n, m):
    """On random small systems: the symbolic pattern is where sympy's dense J (differentiated here, on its
    own) is not identically zero, and the values at a point are sympy's."""
    import sympy as sp

    outputs = []
    for _ in range(m):
        terms = data.draw(st.lists(st.tuples(st.sampled_from(TERMS), st.integers(0, n - 1), st.integers(0, n - 1)),
                                   min_size=1, max_size=3))
        outputs.append(" + ".join(t.format(a=f"x{a}", b=f"x{b}") for t, a, b in terms))
    fn = _function(tmp_path_factory.mktemp("f"), outputs, n)
    symbols = sp.symbols(f"x0:{n}")
    exprs = [sp.sympify(o.replace("^", "**"), locals={f"x{j}": symbols[j] for j in range(n)}) for o in outputs]
    dense = sp.Matrix(exprs).jacobian(symbols)  # independent: sympy on the test's own text
    expected = np.array([[not sp.simplify(e).is_zero for e in row] for row in dense.tolist()])
    derivative = differentiate(fn)
    assert (derivative.pattern.dense_mask() == expected).all()
    point = [0.3 + 0.1 * j for j in range(n)]
    values = np.array(dense.subs(dict(zip(symbols, point))).evalf(), dtype=float)
    sparse = np.zeros((m, n))
    sparse[derivative.pattern.rows, derivative.pattern.cols] = derivative.values(point)
    np.testing.assert_allclose(sparse, values, rtol=1e-12, atol=1e-12)
    colours = colour_columns(derivative.pattern)
    assert valid_colouring(derivative.pattern, colours)


@pytest.mark.parametrize("N", [5, 50, 500])
def test_banded_systems_are_coloured_optimally(tmp_path, N):
    path = tmp_path / "b.yaml"
    path.write_text(brusselator.spec(N))
    fn = load(str(path))
    fn = fn[0] if isinstance(fn, list) else fn
    pattern = pattern_only(fn)
    colours = colour_columns(pattern)
    assert valid_colouring(pattern, colours)
    assert colours.max() + 1 == pattern.most_in_a_row == 4  # whatever n: the lower bound, reached
    assert pattern.bandwidths == (2, 2)


def test_a_tridiagonal_system_needs_three_colours(tmp_path):
    n = 40
    outputs = [f"x{max(i - 1, 0)} - 2*x{i} + x{min(i + 1, n - 1)}^2" for i in range(n)]
    fn = _function(tmp_path, outputs, n)
    pattern = pattern_only(fn)
    assert colour_columns(pattern).max() + 1 == 3


def test_the_colouring_check_sees_a_clash():
    from jaccli.chain.sparse import Pattern

    p = Pattern((1, 2), np.array([0, 0]), np.array([0, 1]))
    assert not valid_colouring(p, [0, 0]) and valid_colouring(p, [0, 1])


def test_brusselator_values_against_the_formula(run, tmp_path):
    """The sparse J at a point against the Brusselator's Jacobian written by hand (numpy, here)."""
    N = 200
    (tmp_path / "b.yaml").write_text(brusselator.spec(N))
    x = np.array(brusselator.initial(N))
    np.save(tmp_path / "x.npy", x)
    result = run("jacobian", tmp_path / "b.yaml", "--at", f"@{tmp_path / 'x.npy'}", "-o", tmp_path / "J.npz")
    assert result.exit_code == 0, result.stderr
    from scipy.sparse import load_npz

    J = load_npz(tmp_path / "J.npz").toarray()
    u, v = x[0::2], x[1::2]
    alpha = 0.02 * (N + 1) ** 2
    H = np.zeros((2 * N, 2 * N))
    for i in range(N):
        iu, iv = 2 * i, 2 * i + 1
        H[iu, iu] = 2 * u[i] * v[i] - 4.0 - 2 * alpha
        H[iu, iv] = u[i] ** 2
        H[iv, iu] = 3.0 - 2 * u[i] * v[i]
        H[iv, iv] = -u[i] ** 2 - 2 * alpha
        for k in (i - 1, i + 1):
            if 0 <= k < N:
                H[iu, 2 * k] = alpha
                H[iv, 2 * k + 1] = alpha
    np.testing.assert_allclose(J, H, rtol=1e-13, atol=1e-12)


def test_files_and_formats_round_trip(run, tmp_path):
    from scipy.io import mmread
    from scipy.sparse import load_npz

    spec, at = "samples/brusselator.yaml", "@samples/brusselator_x.npy"
    assert run("jacobian", spec, "--at", at, "-o", tmp_path / "J.npz").exit_code == 0
    assert run("jacobian", spec, "--at", at, "-o", tmp_path / "J.mtx").exit_code == 0
    a = load_npz(tmp_path / "J.npz").toarray()
    b = mmread(str(tmp_path / "J.mtx")).toarray()
    np.testing.assert_array_equal(a, b)
    body = json.loads(run("jacobian", spec, "--at", at, "--sparsity", "--format", "json").stdout)
    sparse = body["sparse"]
    c = np.zeros(body["shape"])
    c[sparse["rows"], sparse["cols"]] = sparse["values"]
    np.testing.assert_array_equal(a, c)
    assert "jacobian" not in body and sparse["colour_count"] == 4 and sparse["colouring_optimal"]
    text = run("jacobian", spec, "--at", at, "--sparsity", "--format", "csv").stdout.splitlines()
    assert text[0] == "# shape 100 100" and text[1] == "row,column,value" and len(text) == 2 + a.astype(bool).sum()
    human = run("jacobian", spec, "--sparsity").stdout
    assert "396 non-zeros" in human and "4 colours" in human and "█" in human


def test_large_and_sparse_is_kept_sparse_on_its_own(run, tmp_path):
    (tmp_path / "b.yaml").write_text(brusselator.spec(60))  # 120×120 = 14,400 entries, 3.3 % non-zero
    result = run("jacobian", tmp_path / "b.yaml", "--at", ",".join(["1"] * 120), "--format", "json")
    body = json.loads(result.stdout)
    assert body["sparse"]["kept_sparse_because"] == "large" and "jacobian" not in body
    assert any("kept sparse" in note for note in body["notes"])
    small = json.loads(run("jacobian", "samples/brusselator.yaml", "--at", "@samples/brusselator_x.npy",
                           "--format", "json").stdout)  # 100×100 = 10,000 entries: dense, as before
    assert "sparse" not in small and len(small["jacobian"]["value"]) == 100


def test_refusals_name_both_options(run, tmp_path):
    r = run("jacobian", "samples/brusselator.yaml", "--points", "samples/points.csv", "-o", tmp_path / "J.npz")
    assert r.exit_code == 2 and "--output" in r.stderr and "--points" in r.stderr
    r = run("jacobian", "samples/brusselator.yaml", "-o", tmp_path / "J.npz")
    assert r.exit_code == 2 and "--at" in r.stderr and not (tmp_path / "J.npz").exists()
    r = run("jacobian", "x^2 + y, x y", "--vars", "x,y", "--at", "0,0", "--sparsity")  # a small J works too
    assert r.exit_code == 0 and "2 colours" in r.stdout
    r = run("jacobian", "log(x), x y", "--vars", "x,y", "--at", "-1,1", "--sparsity")
    assert r.exit_code == 3 and "log(x) is not real" in r.stderr  # outside the domain: named, never a NaN


def test_reading_and_differentiating_grow_linearly(tmp_path):
    """10× the outputs costs about 10× the processor time, not 100× (no quadratic step)."""
    times = {}
    for N in (500, 5000):
        path = tmp_path / f"b{N}.yaml"
        path.write_text(brusselator.spec(N))
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            fn = load(str(path))
            fn = fn[0] if isinstance(fn, list) else fn
            differentiate(fn).values(brusselator.initial(N))
            colour_columns(pattern_only(fn))
            best = min(best, time.process_time() - start)
        times[N] = best
    assert times[5000] < 25 * times[500], times  # linear: ~10×; quadratic would be ~100×


def test_sparse_code_for_solve_ivp_and_c(run, tmp_path, monkeypatch):
    """jac codegen --sparse: the Python module's J equals the sparse J jac prints (and the hand formula via
    the file test above); solve_ivp with it gives the solution finite differences with its pattern give; the C
    code compiles and writes the same values."""
    import ctypes
    import importlib
    import shutil
    import subprocess

    from scipy.integrate import solve_ivp
    from scipy.sparse import load_npz

    N = 40
    (tmp_path / "b.yaml").write_text(brusselator.spec(N))
    x = np.array(brusselator.initial(N))
    np.save(tmp_path / "x.npy", x)
    assert run("codegen", tmp_path / "b.yaml", "--sparse", "--for", "solve_ivp", "-o", tmp_path / "bjac.py").exit_code == 0
    assert run("jacobian", tmp_path / "b.yaml", "--at", f"@{tmp_path / 'x.npy'}", "-o", tmp_path / "J.npz").exit_code == 0
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("bjac")
    np.testing.assert_allclose(module.J(x).toarray(), load_npz(tmp_path / "J.npz").toarray(), rtol=1e-14, atol=0)
    assert module.J(x).nnz == module.NNZ == 4 * 2 * N - 4
    with_jac = solve_ivp(module.fun, (0, 5), x, method="BDF", jac=module.jac, rtol=1e-7, atol=1e-10)
    with_fd = solve_ivp(module.fun, (0, 5), x, method="BDF", jac_sparsity=module.sparsity(), rtol=1e-7, atol=1e-10)
    assert with_jac.status == with_fd.status == 0
    np.testing.assert_allclose(with_jac.y[:, -1], with_fd.y[:, -1], rtol=1e-5, atol=1e-7)
    if shutil.which("gcc") is None:
        pytest.skip("no C compiler")
    assert run("codegen", tmp_path / "b.yaml", "--sparse", "--lang", "c", "--name", "bz", "-o", tmp_path / "bz.c").exit_code == 0
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(tmp_path / "bz.so"), str(tmp_path / "bz.c"), "-lm"],
                   check=True)
    lib = ctypes.CDLL(str(tmp_path / "bz.so"))
    values = np.zeros(module.NNZ)
    pointer = ctypes.POINTER(ctypes.c_double)
    lib.bz_J_values(x.ctypes.data_as(pointer), values.ctypes.data_as(pointer))
    np.testing.assert_allclose(values, module.jac_values(x), rtol=1e-12, atol=1e-12)
    y = np.zeros(2 * N)
    lib.bz_f(x.ctypes.data_as(pointer), y.ctypes.data_as(pointer))
    np.testing.assert_allclose(y, module.f(x), rtol=1e-12, atol=1e-12)  # C sums in its own order


def test_sparse_code_refusals(run):
    r = run("codegen", "samples/brusselator.yaml", "--sparse", "--lang", "jax")
    assert r.exit_code == 2 and "--lang" in r.stderr
    r = run("codegen", "samples/f.yaml", "samples/g.yaml", "--sparse")
    assert r.exit_code == 2 and "--sparse" in r.stderr


def _second_map(N: int) -> str:
    """w_i = z_i · z_{i+1} + sin z_i (cyclic): another sparse map on the Brusselator's outputs."""
    names = [n for i in range(1, N + 1) for n in (f"du{i}", f"dv{i}")]
    n = len(names)
    return "inputs: [" + ", ".join(names) + "]\noutputs:\n" + "".join(
        f"  w{i}: {names[i]}*{names[(i + 1) % n]} + sin({names[i]})\n" for i in range(n))


def test_compose_multiplies_sparse_factors_sparsely(run, tmp_path):
    """J_{w∘b}(x) = J_w(b(x)) · J_b(x), each factor sparse, against the dense product written by hand."""
    N = 60
    (tmp_path / "b.yaml").write_text(brusselator.spec(N))
    (tmp_path / "w.yaml").write_text(_second_map(N))
    x = np.linspace(0.5, 1.5, 2 * N)
    body = json.loads(run("compose", tmp_path / "b.yaml", tmp_path / "w.yaml", "--at", ",".join(map(str, x.tolist())),
                          "--format", "json").stdout)
    sparse = body["sparse"]
    got = np.zeros(body["shape"])
    got[sparse["rows"], sparse["cols"]] = sparse["values"]
    # by hand: the Brusselator's J and value at x, then J_w at b(x)
    u, v = x[0::2], x[1::2]
    alpha = 0.02 * (N + 1) ** 2
    Jb = np.zeros((2 * N, 2 * N))
    b = np.zeros(2 * N)
    for i in range(N):
        iu, iv = 2 * i, 2 * i + 1
        left_u, right_u = (u[i - 1] if i else 1.0), (u[i + 1] if i < N - 1 else 1.0)
        left_v, right_v = (v[i - 1] if i else 3.0), (v[i + 1] if i < N - 1 else 3.0)
        b[iu] = 1 + u[i] ** 2 * v[i] - 4 * u[i] + alpha * (left_u - 2 * u[i] + right_u)
        b[iv] = 3 * u[i] - u[i] ** 2 * v[i] + alpha * (left_v - 2 * v[i] + right_v)
        Jb[iu, iu], Jb[iu, iv] = 2 * u[i] * v[i] - 4 - 2 * alpha, u[i] ** 2
        Jb[iv, iu], Jb[iv, iv] = 3 - 2 * u[i] * v[i], -u[i] ** 2 - 2 * alpha
        for k in (i - 1, i + 1):
            if 0 <= k < N:
                Jb[iu, 2 * k] = Jb[iv, 2 * k + 1] = alpha
    n = 2 * N
    Jw = np.zeros((n, n))
    for i in range(n):
        Jw[i, i] += b[(i + 1) % n] + np.cos(b[i])
        Jw[i, (i + 1) % n] += b[i]
    expected = Jw @ Jb
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-9 * np.abs(expected).max())
    assert sparse["multiplication"]["order"] == "J_w·J_b" and [f["name"] for f in sparse["factors"]] == ["b", "w"]
    cost = json.loads(run("cost", tmp_path / "b.yaml", tmp_path / "w.yaml", "--format", "json").stdout)
    compressed = cost["compressed_forward"]
    assert compressed["nnz"] == int((expected != 0).sum()) and compressed["jvp_macs"] == 4 * N * 2 - 4 + 2 * n
    assert compressed["macs"] == compressed["colours"] * compressed["jvp_macs"]
    assert [f["per_vector"] for f in cost["factors"]] == [8 * N - 4, 2 * n]  # sparse factors: their non-zeros


def test_a_sparse_batch_writes_the_pattern_once_and_each_rows_nonzeros(run, tmp_path):
    """--points with a sparse J: the values per row equal the dense batch's entries (engine sympy, dense path);
    a row outside the domain is an error row (exit 3) and the others are written."""
    N = 60
    (tmp_path / "b.yaml").write_text(brusselator.spec(N))
    rng = np.random.default_rng(7)
    X = 1 + 0.2 * rng.standard_normal((6, 2 * N))
    names = [name for i in range(1, N + 1) for name in (f"u{i}", f"v{i}")]
    (tmp_path / "p.csv").write_text(",".join(names) + "\n" + "".join(",".join(map(str, row.tolist())) + "\n"
                                                                      for row in X))
    lines = run("jacobian", tmp_path / "b.yaml", "--points", tmp_path / "p.csv", "--format", "json").stdout.splitlines()
    head, rows = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert head["sparse"]["nnz"] == 8 * N - 4 and len(rows) == 6 and "jacobian" not in rows[0]
    dense = run("jacobian", tmp_path / "b.yaml", "--points", tmp_path / "p.csv", "--format", "json", "--engine",
                "sympy").stdout.splitlines()[1:]
    for sparse_row, dense_row in zip(rows, map(json.loads, dense)):
        J = np.array(dense_row["jacobian"]["value"])
        np.testing.assert_allclose(sparse_row["values"], J[head["sparse"]["rows"], head["sparse"]["cols"]],
                                   rtol=1e-12, atol=1e-12)
        assert (J[np.logical_not(_mask(head))] == 0).all()  # nothing outside the pattern
    csv = run("jacobian", tmp_path / "b.yaml", "--points", tmp_path / "p.csv", "--format", "csv").stdout.splitlines()
    assert csv[0].split(",")[2 * N] == "ddu1/du1" and len(csv) == 7 and len(csv[1].split(",")) == 2 * N + 8 * N - 4
    # a function with a domain: the row outside it is an error, the rest are written
    (tmp_path / "l.yaml").write_text("inputs: [" + ", ".join(f"x{i}" for i in range(120)) + "]\noutputs:\n" +
                                     "".join(f"  y{i}: log(x{i}) + x{(i + 1) % 120}^2\n" for i in range(120)))
    rows = "\n".join(",".join(["1.5"] * 120) if k != 1 else ",".join(["-1"] + ["1.5"] * 119) for k in range(3))
    (tmp_path / "q.csv").write_text(",".join(f"x{i}" for i in range(120)) + "\n" + rows + "\n")
    r = run("jacobian", tmp_path / "l.yaml", "--points", tmp_path / "q.csv", "--format", "json")
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert r.exit_code == 3 and [o["type"] for o in out] == ["header", "row", "error", "row"]
    assert out[2]["line"] == 3 and "--at" in out[2]["error"]


def _mask(head):
    m, n = head["shape"]
    mask = np.zeros((m, n), dtype=bool)
    mask[head["sparse"]["rows"], head["sparse"]["cols"]] = True
    return mask
