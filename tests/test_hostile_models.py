"""Model and array files that lie (§1 and §4 of the hostile-input review): every one is refused with one
clear message naming the file and the problem (and the tensor, node or column), exit 2 — never an internal
error, never a traceback, never a file the user did not name. The files are built here (hostile_models.py),
nothing binary is committed.

§1 ONNX external data: refused by default; with --allow-external-data read only from a regular file inside
the model's own folder, its size checked against the tensor's dims before exactly those bytes are read.
§4 .safetensors headers, .npz bombs and .npy headers that lie, malformed ONNX nodes and tensors, Parquet
columns that are not numbers."""

from __future__ import annotations

import os
import struct
import tracemalloc

import numpy as np
import pytest
import yaml
from hostile_models import (
    SECRET,
    W,
    external,
    matmul_model,
    npy_header,
    onnx_model,
    safetensors_file,
    tensor,
    zip_member,
)

from jaccli import compose

onnx = pytest.importorskip("onnx")  # the models extra (in the test extra)
from onnx import TensorProto, helper  # noqa: E402


def refused(result, *names: str) -> str:
    """Exit 2 and one error line naming each of ``names`` (a hint line may follow); nothing internal."""
    err = result.stderr
    assert result.exit_code == 2, (result.exit_code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: ") and len(lines) <= 2, err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def never_read(result) -> None:
    """Nothing of the secret files in what jac printed."""
    shown = result.stdout + result.stderr
    assert "1234.5" not in shown and "1.2345e+03" not in shown and "root:" not in shown, shown


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """tmp_path as the current folder, holding secret.bin; the models live in tmp_path/models."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.bin").write_bytes(SECRET.tobytes())
    (tmp_path / "models").mkdir()
    return tmp_path


# ---------------------------------------------------------------------------
# §1 external data

def test_external_data_is_refused_by_default_and_the_secret_in_the_current_folder_never_read(folder, run):
    path = matmul_model(folder / "models" / "m.onnx", external(tensor("W", W), "secret.bin"))
    for command in (["compose", path, "--at", "1,1,1,1"], ["jacobian", path, "--at", "1,1,1,1"], ["cost", path]):
        result = run(*command)
        refused(result, "m.onnx", "'W'", "secret.bin")
        assert "--allow-external-data" in result.stderr
        never_read(result)


def test_allowed_external_data_is_looked_for_in_the_models_folder_only(folder, run):
    path = matmul_model(folder / "models" / "m.onnx", external(tensor("W", W), "secret.bin"))
    result = run("compose", path, "--at", "1,1,1,1", "--allow-external-data")
    refused(result, "m.onnx", "'W'", "secret.bin", "not in the model's folder")
    never_read(result)


def _outside_links(folder):
    models = folder / "models"
    (folder / "outside").mkdir()
    (folder / "outside" / "key.bin").write_bytes(SECRET.tobytes())
    os.symlink(folder / "secret.bin", models / "link.bin")
    os.symlink(folder / "outside", models / "sub")
    os.symlink("../secret.bin", models / "relative.bin")


@pytest.mark.parametrize("location, problem", [
    ("../secret.bin", "outside the model's folder"),
    ("sub/../../secret.bin", "outside the model's folder"),
    ("..\\secret.bin", "outside the model's folder"),
    ("/etc/passwd", "absolute path"),
    ("ABSOLUTE", "absolute path"),
    ("link.bin", "symbolic link"),
    ("relative.bin", "symbolic link"),
    ("sub/key.bin", "symbolic link"),
    ("", "names none"),
])
def test_external_data_outside_the_models_folder_is_refused_even_when_allowed(folder, run, location, problem):
    _outside_links(folder)
    location = str(folder / "secret.bin") if location == "ABSOLUTE" else location
    path = matmul_model(folder / "models" / "m.onnx", external(tensor("W", W), location))
    for allow in ((), ("--allow-external-data",)):
        result = run("compose", path, "--at", "1,1,1,1", *allow)
        refused(result, "m.onnx", "'W'", *(() if not allow else (problem,)))
        never_read(result)


def _data_file(folder, name, content):
    (folder / "models" / name).write_bytes(content)


@pytest.mark.parametrize("content, entries, problem", [
    (W.tobytes()[:100], {}, "has 100 bytes"),  # too short
    (W.tobytes(), {"length": 100}, "length is 100 bytes, but its dims [4, 4] of DOUBLE need 128"),
    (W.tobytes(), {"offset": 64}, "needs bytes 64 to 192"),
    (W.tobytes(), {"offset": "-8"}, "offset is '-8'"),
    (W.tobytes(), {"length": "1e9"}, "length is '1e9'"),
    (W.tobytes(), {"basepath": "/"}, "the key 'basepath'"),
    (None, {}, "not a regular file"),  # a folder
])
def test_external_data_that_does_not_fit_its_tensor_is_refused_before_reading(folder, run, content, entries,
                                                                                problem):
    if content is None:
        (folder / "models" / "data.bin").mkdir()
    else:
        _data_file(folder, "data.bin", content)
    path = matmul_model(folder / "models" / "m.onnx", external(tensor("W", W), "data.bin", **entries))
    refused(run("compose", path, "--at", "1,1,1,1", "--allow-external-data"), "m.onnx", "'W'", problem)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_as_external_data_is_refused_without_waiting_for_a_writer(folder, run):
    os.mkfifo(folder / "models" / "pipe.bin")
    path = matmul_model(folder / "models" / "m.onnx", external(tensor("W", W), "pipe.bin"))
    refused(run("compose", path, "--at", "1,1,1,1", "--allow-external-data"), "m.onnx", "'W'", "not a regular file")


def _csv(run, path, *options):
    result = run("compose", path, "--at", "1,-2,0.5,3", "--format", "csv", *options)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_legitimate_external_data_gives_the_same_jacobian_as_embedded_data(folder, run):
    models = folder / "models"
    embedded = _csv(run, matmul_model(models / "embedded.onnx"))
    # at an offset in a file in a subfolder, with its length, set by hand
    (models / "sub").mkdir()
    (models / "sub" / "key.bin").write_bytes(b"\x00" * 16 + W.tobytes() + b"\xff" * 8)
    by_hand = matmul_model(models / "by_hand.onnx", external(tensor("W", W), "sub/key.bin", offset=16, length=128))
    assert _csv(run, by_hand, "--allow-external-data") == embedded
    # a symbolic link that stays inside the folder is fine
    os.symlink("sub/key.bin", models / "alias.bin")
    alias = matmul_model(models / "alias.onnx", external(tensor("W", W), "alias.bin", offset=16))
    assert _csv(run, alias, "--allow-external-data") == embedded
    # written by onnx itself (external_data_helper: location, offset, length), beside the model
    from onnx import external_data_helper

    model = onnx.load(str(models / "embedded.onnx"))
    external_data_helper.convert_model_to_external_data(model, all_tensors_to_one_file=True,
                                                        location="weights.bin", size_threshold=0)
    written = models / "written.onnx"
    onnx.save_model(model, str(written))
    assert (models / "weights.bin").is_file()
    assert _csv(run, str(written), "--allow-external-data") == embedded
    # the permission is for one command: the next one without it is refused again
    refused(run("compose", str(written), "--at", "1,-2,0.5,3"), "written.onnx", "weights.bin")
    result = run("cost", str(written), "--allow-external-data")
    assert result.exit_code == 0, result.stderr
    # the Python API the same way: refused by default, allowed by its keyword
    import numpy as np

    from jaccli import compose
    from jaccli.core.errors import JacError

    with pytest.raises(JacError, match="allow_external_data=True"):
        compose(str(written), at="1,-2,0.5,3")
    J = compose(str(written), at="1,-2,0.5,3", allow_external_data=True).at.rows()
    assert np.allclose(J, [[float(v) for v in line.split(",")] for line in embedded.split()])


def test_allowing_external_data_without_a_model_is_a_usage_error(run):
    for command in (["jacobian", "x^2 + y, x y", "--at", "1,2"], ["cost", "samples/mlp3.yaml"]):
        result = run(*command, "--allow-external-data")
        assert result.exit_code == 2 and "--allow-external-data" in result.stderr and "no SPEC" in result.stderr


# ---------------------------------------------------------------------------
# §4 malformed ONNX: tensors and nodes

def _t(name, values, dims=None):
    t = tensor(name, values)
    if dims is not None:
        del t.dims[:]
        t.dims.extend(dims)
    return t


def _typed(name, data_type, dims, **values):
    t = onnx.TensorProto()
    t.name, t.data_type = name, data_type
    t.dims.extend(dims)
    for key, value in values.items():
        getattr(t, key).extend(value)
    return t


def _mm(*inputs, **attrs):
    return helper.make_node("MatMul", list(inputs) or ["x", "W"], ["y"], name="mm", **attrs)


CONV_IN, K = (1, 4, 4), np.ones((1, 1, 2, 2))


def _conv(**attrs):
    return [helper.make_node("Conv", ["x", "K"], ["y"], name="cv", **attrs)]


CASES = {
    "dims that do not match the raw data": (
        [_mm()], [_t("W", W, dims=[5, 4])], {}, ["tensor 'W'", "dims [5, 4]", "holds 128 bytes"]),
    "typed data that does not match the dims": (
        [_mm()], [_typed("W", TensorProto.DOUBLE, [4, 4], double_data=[1.0] * 15)], {},
        ["tensor 'W'", "16 values", "holds 15"]),
    "negative dims": ([_mm()], [_t("W", W, dims=[-4, -4])], {}, ["tensor 'W'", "[-4, -4]"]),
    "a string tensor": ([_mm()], [helper.make_tensor("W", TensorProto.STRING, [1], [b"x"])], {},
                        ["tensor 'W'", "STRING"]),
    "a tensor of 2^40 values": ([_mm()], [_typed("W", TensorProto.DOUBLE, [1 << 20, 1 << 20])], {},
                                ["tensor 'W'", "larger than jac reads"]),
    "two initializers of one name": ([_mm()], [tensor("W", W), tensor("W", W)], {}, ["'W'", "two initializers"]),
    "Reshape to [1, 10^9]": (
        [helper.make_node("Reshape", ["x", "s"], ["r"], name="rs"), _mm("r", "W")],
        [tensor("s", [1, 10 ** 9], np.int64), tensor("W", W)], {}, ["node 'rs' (Reshape)", "1000000000"]),
    "Reshape with two -1": (
        [helper.make_node("Reshape", ["x", "s"], ["r"], name="rs"), _mm("r", "W")],
        [tensor("s", [-1, -1], np.int64), tensor("W", W)], {}, ["node 'rs' (Reshape)", "[-1, -1]"]),
    "Reshape without its shape": (
        [helper.make_node("Reshape", ["x"], ["r"], name="rs"), _mm("r", "W")], [tensor("W", W)], {},
        ["node 'rs' (Reshape)", "target shape"]),
    "Conv with stride 0": (_conv(strides=[0, 0]), [tensor("K", K)], {"in_shape": CONV_IN, "out_shape": (1, 3, 3)},
                           ["node 'cv' (Conv)", "strides [0, 0]"]),
    "Conv with negative pads": (_conv(pads=[-1] * 4), [tensor("K", K)], {"in_shape": CONV_IN, "out_shape": (1, 1, 1)},
                                ["node 'cv' (Conv)", "pads"]),
    "Conv kernel larger than its input": (
        _conv(), [tensor("K", np.ones((1, 1, 5, 5)))], {"in_shape": CONV_IN, "out_shape": (1, 1, 1)},
        ["node 'cv' (Conv)", "larger than the input"]),
    "Conv with matrix weights": (_conv(), [tensor("K", np.ones((2, 2)))], {"in_shape": CONV_IN},
                                ["node 'cv' (Conv)", "weights"]),
    "Conv with three strides for 2-D": (_conv(strides=[1, 1, 1]), [tensor("K", K)], {"in_shape": CONV_IN},
                                        ["node 'cv' (Conv)", "strides [1, 1, 1]"]),
    "Conv with a wrong bias": (
        [helper.make_node("Conv", ["x", "K", "b"], ["y"], name="cv")], [tensor("K", K), tensor("b", [1.0, 2.0])],
        {"in_shape": CONV_IN, "out_shape": (1, 3, 3)}, ["node 'cv' (Conv)", "bias"]),
    "Conv whose kernel_shape lies": (_conv(kernel_shape=[3, 3]), [tensor("K", K)], {"in_shape": CONV_IN},
                                     ["node 'cv' (Conv)", "kernel_shape"]),
    "MatMul without its weights": ([_mm("x")], [], {}, ["node 'mm' (MatMul)", "missing"]),
    "MatMul reading x second": ([_mm("W", "x")], [tensor("W", W)], {}, ["node 'mm' (MatMul)", "'x'"]),
    "MatMul of 3-D weights": ([_mm()], [tensor("W", np.ones((4, 4, 1)))], {}, ["node 'mm' (MatMul)", "(4, 4, 1)"]),
    "Gemm with a string alpha": (
        [helper.make_node("Gemm", ["x", "W"], ["y"], name="gm", alpha="big")], [tensor("W", W)], {},
        ["node 'gm' (Gemm)", "alpha"]),
    "Gemm with a bias of 5 for 4 outputs": (
        [helper.make_node("Gemm", ["x", "W", "c"], ["y"], name="gm")], [tensor("W", W), tensor("c", np.ones(5))], {},
        ["node 'gm' (Gemm)", "bias"]),
    "Add of a constant that does not fit": (
        [helper.make_node("MatMul", ["x", "W"], ["h"], name="mm"), helper.make_node("Add", ["h", "c"], ["y"],
                                                                                     name="ad")],
        [tensor("W", W), tensor("c", np.ones(5))], {}, ["node 'ad' (Add)", "(5,)"]),
    "Add of one input": (
        [helper.make_node("MatMul", ["x", "W"], ["h"], name="mm"), helper.make_node("Add", ["h"], ["y"], name="ad")],
        [tensor("W", W)], {}, ["node 'ad' (Add)", "inputs"]),
    "a residual Add of different sizes": (
        [helper.make_node("MatMul", ["x", "V"], ["h"], name="mm"), helper.make_node("Add", ["h", "x"], ["y"],
                                                                                     name="ad")],
        [tensor("V", np.ones((4, 3)))], {"out_shape": (3,)}, ["node 'ad' (Add)", "4 values"]),
    "BatchNormalization with 3 variances for 4 channels": (
        [helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"], name="bn")],
        [tensor("g", np.ones(4)), tensor("b", np.zeros(4)), tensor("m", np.zeros(4)), tensor("v", np.ones(3))],
        {}, ["node 'bn' (BatchNormalization)", "variance has 3 values"]),
    "BatchNormalization with a negative variance": (
        [helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"], name="bn")],
        [tensor("g", np.ones(4)), tensor("b", np.zeros(4)), tensor("m", np.zeros(4)), tensor("v", -np.ones(4))],
        {}, ["node 'bn' (BatchNormalization)", "not positive"]),
    "LayerNormalization without its scale": (
        [helper.make_node("LayerNormalization", ["x"], ["y"], name="ln")], [], {},
        ["node 'ln' (LayerNormalization)", "scale"]),
    "Softmax over the batch axis": ([helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=0)], [], {},
                                    ["node 'sm' (Softmax)", "batch axis"]),
    "Flatten keeping rows": ([helper.make_node("Flatten", ["x"], ["y"], name="fl", axis=2),
                              ], [], {"in_shape": (2, 2), "out_shape": (2, 2)}, ["node 'fl' (Flatten)", "axis 2"]),
    "an operator of another domain": ([helper.make_node("Relu", ["x"], ["y"], name="ev", domain="com.evil")], [], {},
                                      ["node 'ev' (Relu)", "com.evil"]),
    "a node without output": ([helper.make_node("Relu", ["x"], [], name="nr")], [], {}, ["node 'nr' (Relu)", "output"]),
    "nothing to differentiate": ([helper.make_node("Identity", ["x"], ["y"], name="id")], [], {}, ["no layer"]),
    "an output that lies about its size": ([_mm()], [tensor("W", W)], {"out_shape": (7,)}, ["'y'", "7 values"]),
    "an input of 2^40 values": ([_mm()], [tensor("W", W)], {"in_shape": (1 << 20, 1 << 20)}, ["input 'x'"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_models_are_refused_naming_the_tensor_or_node(tmp_path, run, case):
    nodes, initializers, shapes, names = CASES[case]
    path = onnx_model(tmp_path / "bad.onnx", nodes, initializers, **shapes)
    refused(run("compose", path, "--at", "1,2,3,4"), "bad.onnx", *names)


def test_files_that_are_not_models(tmp_path, run):
    (tmp_path / "junk.onnx").write_bytes(b"\xff" * 64)
    refused(run("jacobian", str(tmp_path / "junk.onnx"), "--at", "1"), "junk.onnx", "not an ONNX model")
    (tmp_path / "folder.onnx").mkdir()
    refused(run("jacobian", str(tmp_path / "folder.onnx"), "--at", "1"), "folder.onnx", "not a regular file")


def test_jacobian_of_a_single_matmul_model(tmp_path, run):
    path = matmul_model(tmp_path / "one.onnx")
    result = run("jacobian", path, "--at", "1,1,1,1", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = np.array([[float(v) for v in line.split(",")] for line in result.stdout.strip().splitlines()
                     if line and not line[0].isalpha()])
    np.testing.assert_allclose(rows[-4:, -4:], W.T)


# ---------------------------------------------------------------------------
# §4 .safetensors that lie

def _net(tmp_path, matrix="model.safetensors#fc1.weight"):
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump({"name": "net", "layers": [{"kind": "linear", "matrix": matrix}]}))
    return str(path)


def _entry(dtype="F64", shape=(2, 3), offsets=(0, 48)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


DATA = np.arange(6.0).tobytes()  # 48 bytes: a 2×3 float64 matrix

SAFETENSORS = {
    "a header length of 2^63": ({"fc1.weight": _entry()}, DATA, 1 << 63, "header length is 9,223,372,036,854,775,808"),
    "a header longer than the file": ({"fc1.weight": _entry()}, DATA, 10_000, "header length is 10,000"),
    "a header that is not JSON": (b"{not json", DATA, None, "not JSON"),
    "a header that is a list": (b"[1, 2]", DATA, None, "not a JSON object"),
    "a tensor named twice": (b'{"fc1.weight": 1, "fc1.weight": 2}', DATA, None, "names a tensor twice"),
    "an unknown dtype": ({"fc1.weight": _entry(dtype="F128")}, DATA, None, "'fc1.weight' has the unknown dtype"),
    "a negative dimension": ({"fc1.weight": _entry(shape=(2, -3))}, DATA, None, "'fc1.weight' has the shape"),
    "a shape the data does not hold": ({"fc1.weight": _entry(shape=(3, 3))}, DATA, None, "needs 72 bytes"),
    "offsets past the data": ({"fc1.weight": _entry(offsets=(0, 4800))}, DATA, None, "not within the 48 bytes"),
    "offsets backwards": ({"fc1.weight": _entry(offsets=(48, 0))}, DATA, None, "data_offsets [48, 0]"),
    "overlapping tensors": ({"fc1.weight": _entry(), "fc2.weight": _entry(shape=(1, 3), offsets=(24, 48))}, DATA,
                            None, "overlap"),
    "a tensor without offsets": ({"fc1.weight": {"dtype": "F64", "shape": [2, 3]}}, DATA, None, "'fc1.weight'"),
}


@pytest.mark.parametrize("case", list(SAFETENSORS))
def test_lying_safetensors_are_refused(tmp_path, run, case):
    header, data, length, problem = SAFETENSORS[case]
    safetensors_file(tmp_path / "model.safetensors", header, data, length)
    refused(run("compose", _net(tmp_path), "--at", "1,2,3"), "model.safetensors", problem)


def test_safetensors_of_seven_bytes_and_of_f8_are_refused(tmp_path, run):
    (tmp_path / "model.safetensors").write_bytes(b"\x01" * 7)
    refused(run("compose", _net(tmp_path), "--at", "1,2,3"), "model.safetensors", "fewer than the 8")
    safetensors_file(tmp_path / "model.safetensors", {"fc1.weight": _entry("F8_E4M3", (2, 3), (0, 6))}, bytes(6))
    refused(run("compose", _net(tmp_path), "--at", "1,2,3"), "model.safetensors#fc1.weight", "F8_E4M3")


def test_honest_safetensors_written_by_hand_are_read(tmp_path, run):
    bf16 = (np.arange(6, dtype=np.float32).view(np.uint32) >> 16).astype("<u2").tobytes()
    header = {"__metadata__": {"format": "pt"}, "fc1.weight": _entry(), "fc2.weight": _entry("BF16", (2, 3), (48, 60))}
    safetensors_file(tmp_path / "model.safetensors", header, DATA + bf16)
    for name in ("fc1.weight", "fc2.weight"):
        J = compose(_net(tmp_path, f"model.safetensors#{name}"), at="1,2,3").at.rows()
        np.testing.assert_array_equal(np.array(J, dtype=float), np.arange(6.0).reshape(2, 3))


# ---------------------------------------------------------------------------
# §4 .npz bombs and .npy headers that lie

def _peak(fn):
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_npz_bomb_is_refused_before_anything_is_decompressed(tmp_path, run):
    # 2 GiB of zeros (a 16384 × 16384 float64 matrix) in a 2 MB file, the zip directory honest about its size
    bomb = zip_member(tmp_path / "w.npz", "W.npy", npy_header((16384, 16384)), 1 << 31)
    assert bomb.stat().st_size < 3 << 20
    result, peak = _peak(lambda: run("compose", _net(tmp_path, "w.npz#W"), "--at", "1,2,3"))
    refused(result, "w.npz#W", "larger than jac reads")
    assert "256 MiB" in result.stderr
    assert peak < 64 << 20, f"{peak:,} bytes allocated"


def test_an_npz_member_shorter_than_its_header_says_is_refused(tmp_path, run):
    zip_member(tmp_path / "w.npz", "W.npy", npy_header((300, 300)), 1 << 10, chunk=1 << 10)
    refused(run("compose", _net(tmp_path, "w.npz#W"), "--at", "1,2,3"), "w.npz#W", "holds only 1,024 bytes")
    (tmp_path / "w.npz").write_bytes(b"PK\x03\x04 not really a zip")
    refused(run("compose", _net(tmp_path, "w.npz#W"), "--at", "1,2,3"), "w.npz", "cannot read")


def test_an_npz_of_pickled_objects_is_refused(tmp_path, run):
    np.savez(tmp_path / "w.npz", W=np.array([{"a": 1}, None], dtype=object))
    refused(run("compose", _net(tmp_path, "w.npz#W"), "--at", "1,2,3"), "w.npz#W", "dtype object")


def test_a_small_npy_declaring_a_huge_array_is_refused_without_allocating(tmp_path, run):
    (tmp_path / "big.npy").write_bytes(npy_header((100_000, 100_000)) + bytes(64))
    result, peak = _peak(lambda: run("compose", _net(tmp_path, "big.npy"), "--at", "1,2,3"))
    refused(result, "big.npy", "larger than jac reads")
    assert peak < 64 << 20, f"{peak:,} bytes allocated"
    result = run("compose", "samples/mlp3.yaml", "--at", f"@{tmp_path / 'big.npy'}")
    refused(result, "big.npy", "larger than jac reads")


def test_a_truncated_npy_is_refused(tmp_path, run):
    (tmp_path / "short.npy").write_bytes(npy_header((2, 3)) + bytes(8))
    refused(run("compose", _net(tmp_path, "short.npy"), "--at", "1,2,3"), "short.npy", "holds only 8 bytes")
    (tmp_path / "short.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", 20) + b"{'descr': nonsense}")
    refused(run("compose", _net(tmp_path, "short.npy"), "--at", "1,2,3"), "short.npy", "not a valid .npy")


# ---------------------------------------------------------------------------
# §4 Parquet columns that are not numbers

@pytest.mark.parametrize("column, kind", [
    (["a", "b"], "string"),
    ([[1.0], [2.0]], "list<"),
    ([True, False], "bool"),
    ([{"u": 1.0}, {"u": 2.0}], "struct<"),
])
def test_parquet_columns_that_are_not_numbers_are_refused_naming_them(tmp_path, run, column, kind):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": column, "y": [1.0, 2.0]}), tmp_path / "p.parquet")
    result = run("jacobian", "x*y, x + y", "--vars", "x,y", "--points", str(tmp_path / "p.parquet"))
    refused(result, "p.parquet", "column 'x'", kind)


def test_parquet_with_an_input_column_twice_is_refused(tmp_path, run):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.Table.from_arrays([pa.array([1.0, 2.0]), pa.array([3.0, 4.0]), pa.array([5.0, 6.0])],
                                 names=["x", "x", "y"])
    pq.write_table(table, tmp_path / "p.parquet")
    result = run("jacobian", "x*y, x + y", "--vars", "x,y", "--points", str(tmp_path / "p.parquet"))
    refused(result, "p.parquet", "2 columns named 'x'")
