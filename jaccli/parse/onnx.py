"""Models from ONNX files: ``jac jacobian model.onnx --at @x.npy`` (and compose, cost, --vjp/--jvp/--grad).

The graph is read with the ``onnx`` package (the optional ``models`` extra; no network) and mapped
operator by operator to jac's layers: Gemm and MatMul (+ Add) → linear; Relu, Tanh, Sigmoid →
element-wise; Softmax, LogSoftmax; Conv → conv1d/conv2d; Add of two activations → a residual block;
Flatten, Reshape, Identity, Dropout → nothing (jac's vectors are already flat); LayerNormalization (over
the whole vector), BatchNormalization (inference). A model has one input and one output; the batch
dimension, when there is one, must be 1. An operator jac does not know is an error naming it and its node.

A model file is data someone else wrote, so jac reads it as such:

* Tensors are converted by jac itself (``tensor_array``), never by onnx's helpers, which would follow an
  initializer's external data to any path it names. External data (``data_location = EXTERNAL``) is
  refused unless allowed (``--allow-external-data``, ``external_data_allowed()``), and then read only
  from a regular file inside the model's own folder: a relative location without ``..``, no symbolic
  link on the way out of the folder, and offset, length and the file's size checked against the bytes
  the tensor's dims and data type declare before exactly those bytes are read.
* Every tensor's dims are checked against its data and against ``arrays.MAX_TENSOR_BYTES``; the model's
  tensors together against MAX_MODEL_BYTES.
* Every node is checked before it becomes a layer — its inputs, attributes (their types too), shapes,
  strides, pads and kernel sizes — so that a malformed model is an error naming the node (its name and
  operator), exit 2, and never an exception from numpy.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Iterator

import numpy as np

from ..core.errors import SpecError
from ..core.request import option
from ..model.layers import (
    ACTIVATIONS,
    Affine,
    Conv,
    Elementwise,
    Layer,
    LayerNorm,
    Linear,
    LogSoftmax,
    Network,
    Residual,
    Softmax,
    conv_indices,
)
from .arrays import MAX_ARRAY_BYTES, MAX_TENSOR_BYTES, TENSOR_LIMIT_HINT, check_tensor_size, read_exactly
from .layer_spec import check_sizes

KNOWN = ("Gemm", "MatMul", "Add", "Relu", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Conv", "Flatten", "Reshape",
         "Identity", "Dropout", "LayerNormalization", "BatchNormalization")
_ACTIVATION = {"Relu": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid"}
MAX_MODEL_BYTES = MAX_ARRAY_BYTES  # the .onnx file, and all its tensors together as float64
MAX_VALUES = MAX_TENSOR_BYTES // 8  # the input, every intermediate tensor, a convolution's index table

# ---------------------------------------------------------------------------
# External data: refused unless allowed

_EXTERNAL: contextvars.ContextVar[bool] = contextvars.ContextVar("jac_onnx_external_data", default=False)
EXTERNAL_KEYS = ("location", "offset", "length", "checksum")


@contextlib.contextmanager
def external_data_allowed(allowed: bool = True) -> Iterator[None]:
    """Within it, ONNX initializers may keep their data in files inside the model's folder (the CLI's
    ``--allow-external-data``; in Python: ``compose("model.onnx", at=x, allow_external_data=True)``)."""
    token = _EXTERNAL.set(allowed)
    try:
        yield
    finally:
        _EXTERNAL.reset(token)


def _allow_hint() -> str:
    flag = option("allow_external_data")
    how = flag if flag.startswith("--") else flag + "True"
    return (f"if that file is beside the model and you trust it: {how} (then only a regular file inside the "
            "model's folder is read: no absolute path, no '..', no symbolic link out of it)")


# ---------------------------------------------------------------------------
# The model

def network_from_onnx(path: Path, default_name: str) -> Network:
    try:
        # deferred: onnx is heavy at start-up
        import onnx
    except ImportError:
        raise SpecError(f"reading {path.name} needs the onnx package, an optional extra",
                        hint="pip install 'jaccli[models]'") from None
    try:
        info = path.stat()
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SpecError(f"{path} is not a regular file")
    if info.st_size > MAX_MODEL_BYTES:
        raise SpecError(f"{path} is larger than {MAX_MODEL_BYTES:,} bytes, more than jac reads")
    try:
        # load_external_data=False: onnx opens no other file; tensors are converted below, by jac
        model = onnx.load(str(path), load_external_data=False)
    except Exception as err:  # onnx raises protobuf's DecodeError and others: all mean "not a model"
        raise SpecError(f"{path}: not an ONNX model ({type(err).__name__})") from None
    graph = model.graph
    allowed = _EXTERNAL.get()
    weights: dict[str, np.ndarray] = {}
    total = 0
    for tensor in graph.initializer:
        if tensor.name in weights:
            raise SpecError(f"{path}: two initializers are named {tensor.name!r}")
        weights[tensor.name] = array = tensor_array(tensor, path, allowed)
        total += array.size * max(array.itemsize, 8)
        if total > MAX_MODEL_BYTES:
            raise SpecError(f"{path}: the model's tensors hold more than {MAX_MODEL_BYTES:,} bytes as float64 "
                            f"(at tensor {tensor.name!r}), more than jac reads")
    inputs = [i for i in graph.input if i.name not in weights]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise SpecError(f"{path}: jac reads models with one input and one output "
                        f"({len(inputs)} inputs, {len(graph.output)} outputs here)")
    shape = _input_shape(inputs[0], path)
    opset = next((int(o.version) for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    reader = _Reader(path, weights, shape, opset)
    reader.at[inputs[0].name] = 0
    reader.sizes[inputs[0].name] = math.prod(shape)
    current = inputs[0].name
    for node in graph.node:
        current = reader.node(node, current)
    if current != graph.output[0].name:
        raise SpecError(f"{path}: the nodes do not lead from the input to the output in one chain",
                        hint="jac reads sequential models (with residual Adds)")
    if not reader.layers:
        raise SpecError(f"{path}: the model has no layer to differentiate (its nodes only reshape or pass the "
                        "input on)")
    _check_output(graph.output[0], math.prod(reader.shape), path)
    check_sizes(reader.layers, str(path))
    return Network(graph.name or default_name, reader.layers, str(path))


def _input_shape(value_info: Any, path: Path) -> tuple[int, ...]:
    dims = [d.dim_value if d.dim_value > 0 else None for d in value_info.type.tensor_type.shape.dim]
    if len(dims) > 1 and dims[0] in (1, None):
        dims = dims[1:]  # the batch dimension
    if not dims or any(d is None for d in dims):
        raise SpecError(f"{path}: the input's shape must be known (apart from a batch dimension of 1)")
    shape = tuple(int(d) for d in dims if d is not None)
    if math.prod(shape) > MAX_VALUES:
        raise SpecError(f"{path}: the input {value_info.name!r} has the shape {shape} ({math.prod(shape):,} values), "
                        f"more than the {MAX_VALUES:,} jac reads", hint=TENSOR_LIMIT_HINT)
    return shape


def _check_output(value_info: Any, size: int, path: Path) -> None:
    """The output's declared shape, where it is fully known, must hold as many values as the nodes give."""
    dims = [d.dim_value if d.HasField("dim_value") else None for d in value_info.type.tensor_type.shape.dim]
    if not dims or any(d is None for d in dims):
        return
    declared = math.prod(int(d) for d in dims if d is not None)
    if declared != size:
        raise SpecError(f"{path}: the output {value_info.name!r} is declared with the shape {dims} ({declared:,} "
                        f"values), but the nodes give {size:,}")


# ---------------------------------------------------------------------------
# Tensors, converted by jac

# TensorProto data type → (numpy dtype of its bytes, the typed field that holds it without raw_data)
_TYPES: dict[int, tuple[str, str]] = {
    1: ("<f4", "float_data"),  # FLOAT
    2: ("u1", "int32_data"),  # UINT8
    3: ("i1", "int32_data"),  # INT8
    4: ("<u2", "int32_data"),  # UINT16
    5: ("<i2", "int32_data"),  # INT16
    6: ("<i4", "int32_data"),  # INT32
    7: ("<i8", "int64_data"),  # INT64
    9: ("?", "int32_data"),  # BOOL
    10: ("<f2", "int32_data"),  # FLOAT16: the bits, in int32_data
    11: ("<f8", "double_data"),  # DOUBLE
    12: ("<u4", "uint64_data"),  # UINT32
    13: ("<u8", "uint64_data"),  # UINT64
    16: ("<u2", "int32_data"),  # BFLOAT16: the upper half of a float32, in int32_data
}
_BFLOAT16 = 16


def _type_name(code: int) -> str:
    try:
        # deferred: onnx is heavy at start-up
        from onnx import TensorProto

        return str(TensorProto.DataType.Name(code))
    except (ImportError, ValueError):
        return f"data type {code}"


def tensor_array(tensor: Any, path: Path, allowed: bool = False) -> np.ndarray:
    """A TensorProto as a numpy array (its own dtype; BFLOAT16 as float32), from its raw bytes, its typed
    values or — only where ``allowed`` — an external file beside the model (``_external_bytes``)."""
    name = tensor.name
    what = f"{path}: tensor {name!r}"
    dims = [int(d) for d in tensor.dims]
    if any(d < 0 for d in dims):
        raise SpecError(f"{what} has the dims {dims}; dims are non-negative")
    if tensor.HasField("segment"):
        raise SpecError(f"{what} is a segment of a larger tensor, which jac does not read")
    if tensor.data_type not in _TYPES:
        raise SpecError(f"{what} has the data type {_type_name(tensor.data_type)}, not numbers jac reads",
                        hint="jac reads FLOAT, DOUBLE, FLOAT16, BFLOAT16 and integer tensors")
    dtype, typed = _TYPES[tensor.data_type]
    itemsize = np.dtype(dtype).itemsize
    nbytes = check_tensor_size(dims, itemsize, what)
    count = math.prod(dims)
    if tensor.HasField("data_location") and tensor.data_location == 1:  # TensorProto.EXTERNAL
        data = np.frombuffer(_external_bytes(tensor, path, nbytes, allowed), dtype=dtype)
    elif tensor.HasField("raw_data"):
        if len(tensor.raw_data) != nbytes:
            raise SpecError(f"{what} declares the dims {dims} of {_type_name(tensor.data_type)} ({nbytes:,} bytes), "
                            f"but holds {len(tensor.raw_data):,} bytes of data")
        data = np.frombuffer(tensor.raw_data, dtype=dtype)
    else:
        values = getattr(tensor, typed)
        if len(values) != count:
            raise SpecError(f"{what} declares the dims {dims} ({count:,} values), but holds {len(values):,}")
        wide = {"int32_data": np.int64, "int64_data": np.int64, "uint64_data": np.uint64}.get(typed, dtype)
        data = np.array(values, dtype=wide)
        # narrower integers as stored (FLOAT16 and BFLOAT16 as their bits, in int32_data)
        data = data.astype(np.uint16).view(np.float16) if dtype == "<f2" else data.astype(dtype)
    if tensor.data_type == _BFLOAT16:
        data = (data.astype(np.uint32) << 16).view(np.float32)
    return data.reshape(dims)


def _external_bytes(tensor: Any, path: Path, nbytes: int, allowed: bool) -> bytearray:
    """The ``nbytes`` of an initializer kept in another file, after every check (see the module docstring)."""
    what = f"{path}: tensor {tensor.name!r}"
    entries: dict[str, str] = {}
    for entry in tensor.external_data:
        if entry.key in entries:
            raise SpecError(f"{what} gives its external data's {entry.key!r} twice")
        entries[entry.key] = entry.value
    location = entries.get("location", "")
    if not allowed:
        raise SpecError(f"{what} keeps its data in another file ({location!r}), which jac does not read unless "
                        "asked", hint=_allow_hint())
    unknown = sorted(set(entries) - set(EXTERNAL_KEYS))
    if unknown:
        raise SpecError(f"{what}: its external data has the key {unknown[0]!r}; jac knows {', '.join(EXTERNAL_KEYS)}")
    if not location or "\x00" in location:
        raise SpecError(f"{what} keeps its data in another file but names none")
    parts = [p for p in re.split(r"[\\/]", location) if p not in ("", ".")]
    if PurePosixPath(location).is_absolute() or PureWindowsPath(location).is_absolute() or \
            PureWindowsPath(location).drive or location.startswith(("/", "\\")):
        raise SpecError(f"{what} keeps its data at the absolute path {location!r}; jac reads external data only "
                        "from the model's own folder", hint=_allow_hint())
    if ".." in parts or not parts:
        raise SpecError(f"{what} keeps its data at {location!r}, outside the model's folder; jac reads external "
                        "data only from the model's own folder", hint=_allow_hint())
    offset, length = _byte_count(entries, "offset", what, 0), _byte_count(entries, "length", what, nbytes)
    if length != nbytes:
        raise SpecError(f"{what}: its external data's length is {length:,} bytes, but its dims "
                        f"{list(tensor.dims)} of {_type_name(tensor.data_type)} need {nbytes:,}")
    folder = os.path.realpath(path.parent if str(path.parent) else Path("."))
    here = folder
    for part in parts:  # every step resolved: a symbolic link anywhere on the way must stay inside the folder
        here = os.path.realpath(os.path.join(here, part))
        if os.path.commonpath([here, folder]) != folder:
            raise SpecError(f"{what} keeps its data at {location!r}, which leads out of the model's folder "
                            "(through a symbolic link)", hint=_allow_hint())
    try:
        before = os.stat(here)
        if not stat.S_ISREG(before.st_mode):
            raise SpecError(f"{what} keeps its data at {location!r}, which is not a regular file")
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(here, flags)
    except FileNotFoundError:
        raise SpecError(f"{what} keeps its data in {location!r}, which is not in the model's folder") from None
    except OSError as exc:
        raise SpecError(f"{what}: cannot open its data file {location!r}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as stream:
        opened = os.fstat(stream.fileno())
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise SpecError(f"{what}: its data file {location!r} changed while jac opened it")
        if offset + nbytes > opened.st_size:
            raise SpecError(f"{what} needs bytes {offset:,} to {offset + nbytes:,} of {location!r}, which has "
                            f"{opened.st_size:,} bytes")
        stream.seek(offset)
        data = read_exactly(stream, nbytes)
    if len(data) != nbytes:
        raise SpecError(f"{what}: {location!r} ended after {len(data):,} of the {nbytes:,} bytes")
    return data


def _byte_count(entries: dict[str, str], key: str, what: str, default: int) -> int:
    if key not in entries:
        return default
    text = entries[key].strip()
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise SpecError(f"{what}: its external data's {key} is {entries[key]!r}, not a number of bytes")
    return int(text)


# ---------------------------------------------------------------------------
# Nodes → layers

def _count(n: int) -> str:
    return f"{n:,} value{'s' if n != 1 else ''}"


_ATTRIBUTE_TYPES = {"float": 1, "int": 2, "string": 3, "ints": 7}  # AttributeProto.AttributeType


class _Reader:
    def __init__(self, path: Path, weights: dict[str, np.ndarray], shape: tuple[int, ...], opset: int):
        self.path, self.weights, self.shape, self.opset = path, weights, shape, opset
        self.layers: list[Layer] = []
        self.at: dict[str, int] = {}  # tensor → the number of layers before it (for residual Adds)
        self.sizes: dict[str, int] = {}  # tensor → its number of values

    def error(self, node: Any, message: str, hint: str | None = None) -> SpecError:
        return SpecError(f"{self.path}: node {node.name or node.op_type!r} ({node.op_type}): {message}", hint=hint)

    def attr(self, node: Any, name: str, kind: str, default: Any) -> Any:
        """An attribute of the type ``kind`` (float, int, string, ints), read from the proto by jac."""
        for a in node.attribute:
            if a.name != name:
                continue
            if a.type == _ATTRIBUTE_TYPES["int"] and kind == "float":
                return float(a.i)
            if a.type != _ATTRIBUTE_TYPES[kind]:
                raise self.error(node, f"the attribute {name} is not {'an' if kind == 'int' else 'a'} {kind}")
            if kind == "float":
                if not math.isfinite(a.f):
                    raise self.error(node, f"the attribute {name} is {a.f}")
                return float(a.f)
            if kind == "int":
                return int(a.i)
            if kind == "ints":
                return [int(v) for v in a.ints]
            return a.s.decode("utf-8", "replace")
        return default

    def weight(self, node: Any, k: int, what: str = "weights", required: bool = False) -> np.ndarray | None:
        """Input ``k`` of ``node``, a constant (initializer), as floats; None when absent (unless ``required``)."""
        if len(node.input) <= k or not node.input[k]:
            if required:
                raise self.error(node, f"its {what} (input {k + 1}) is missing")
            return None
        name = node.input[k]
        if name not in self.weights:
            raise self.error(node, f"input {name!r} is not a constant (initializer)",
                             hint="jac reads weights stored in the model")
        array = self.weights[name]
        if array.size == 0:
            raise self.error(node, f"its {what} {name!r} is empty (shape {array.shape})")
        if array.dtype.kind not in "fiub":
            raise self.error(node, f"its {what} {name!r} is of type {array.dtype}, not numbers")
        values = array.astype(float)
        if not np.isfinite(values).all():
            raise self.error(node, f"its {what} {name!r} contains nan or inf")
        return values

    def need(self, node: Any, k: int, what: str) -> np.ndarray:
        values = self.weight(node, k, what, required=True)
        assert values is not None  # required: weight() raised otherwise
        return values

    def add(self, layer: Layer, node: Any) -> str:
        self.layers.append(layer)
        return self.passed(node, len(self.layers))

    def passed(self, node: Any, at: int) -> str:
        out: str = node.output[0]
        self.at[out] = at
        self.sizes[out] = math.prod(self.shape)
        return out

    def node(self, node: Any, current: str) -> str:
        op = node.op_type
        name = f"{node.name or op.lower()}"
        if node.domain not in ("", "ai.onnx"):
            raise self.error(node, f"the operator {op} of the domain {node.domain!r} is not one jac knows",
                             hint=f"jac knows the standard operators {', '.join(KNOWN)}")
        if op not in KNOWN:
            raise self.error(node, f"the operator {op} is not one jac knows", hint=f"jac knows {', '.join(KNOWN)}")
        if not node.output or not node.output[0]:
            raise self.error(node, "it has no output")
        n = math.prod(self.shape)
        data = [i for i in node.input if i and i not in self.weights]
        if op == "Add" and len(data) == 2:
            return self.residual(node, data, current)
        if data != [current]:
            raise self.error(node, f"reads {', '.join(data) or 'no data'}, not the previous result {current!r}",
                             hint="jac reads sequential models (with residual Adds)")
        if op != "Add" and node.input[0] != current:
            raise self.error(node, f"reads the previous result {current!r} as another input than its first")
        if op in ("Flatten", "Reshape", "Identity", "Dropout"):
            self.reshape(node, op, n)
            return self.passed(node, len(self.layers))
        if op in _ACTIVATION:
            fn, dfn = ACTIVATIONS[_ACTIVATION[op]]
            return self.add(Elementwise(name, "elementwise", activation=_ACTIVATION[op], fn=fn, dfn=dfn), node)
        if op in ("Softmax", "LogSoftmax"):
            self.softmax_axis(node)
            return self.add((Softmax if op == "Softmax" else LogSoftmax)(name, op.lower()), node)
        if op in ("Gemm", "MatMul"):
            return self.linear(node, name, op, n)
        if op == "Add":  # a constant: the bias of the layer before, or a shift
            if len(node.input) != 2:
                raise self.error(node, f"it has {len(node.input)} inputs; Add takes two")
            constant = self.need(node, 1 if node.input[0] == current else 0, "constant")
            c = self.broadcast(node, constant, "the constant")
            last = self.layers[-1] if self.layers else None
            if isinstance(last, Linear) and last.b is None and self.at.get(current) == len(self.layers):
                last.b = c.copy()
                return self.passed(node, len(self.layers))
            return self.add(Affine(name, "shift", n, n, scale=np.ones(n), shift=c.copy(), label="add a constant"),
                            node)
        if op == "Conv":
            return self.conv(node, name)
        if op == "BatchNormalization":
            return self.batchnorm(node, name, n)
        return self.layernorm(node, name, n)

    # -- shapes
    def reshape(self, node: Any, op: str, n: int) -> None:
        """Flatten, Reshape, Identity, Dropout: no layer; the shape jac keeps (without the batch axis)."""
        rank = len(self.shape) + 1  # with the batch axis
        if op == "Dropout":
            mode = self.weight(node, 2, "training_mode")
            if mode is not None and mode.ravel()[0] != 0:
                raise self.error(node, "dropout in training mode is random; jac reads models for inference")
        if op == "Flatten":
            axis = self.attr(node, "axis", "int", 1)
            if not -rank <= axis <= rank:
                raise self.error(node, f"the axis {axis} is not one of the input's {rank} axes")
            if (axis + rank if axis < 0 else axis) > 1:
                raise self.error(node, f"Flatten at axis {axis} keeps several rows; jac reads vectors",
                                 hint="flatten everything after the batch axis (axis = 1)")
            self.shape = (n,)
        if op == "Reshape":
            self.shape = self.target_shape(node, n)

    def target_shape(self, node: Any, n: int) -> tuple[int, ...]:
        if len(node.input) < 2 or not node.input[1]:
            raise self.error(node, "its target shape (input 2) is missing")
        target = self.weights.get(node.input[1])
        if target is None:
            raise self.error(node, f"its target shape {node.input[1]!r} is not a constant (initializer)")
        if target.ndim != 1 or target.dtype.kind not in "iu":
            raise self.error(node, f"its target shape {node.input[1]!r} is not a list of integers")
        full = (1, *self.shape)  # with the batch axis
        allowzero = self.attr(node, "allowzero", "int", 0)
        out: list[int] = []
        unknown: int | None = None
        for k, d in enumerate(int(v) for v in target):
            if d == -1 and unknown is None:
                unknown = k
                out.append(1)
            elif d == 0 and not allowzero and k < len(full):
                out.append(full[k])
            elif d < 0 or (d == 0 and not allowzero):
                raise self.error(node, f"the target shape {target.tolist()} is not one Reshape can make")
            else:
                out.append(d)
        known = math.prod(out)
        if unknown is not None:
            if known == 0 or n % known:
                raise self.error(node, f"the target shape {target.tolist()} does not fit {n:,} values")
            out[unknown] = n // known
        if math.prod(out) != n:
            raise self.error(node, f"reshapes {n:,} values into the shape {target.tolist()} "
                                   f"({math.prod(out):,} values)")
        return tuple(out[1:]) if len(out) > 1 and out[0] == 1 else (n,)

    def broadcast(self, node: Any, constant: np.ndarray, what: str) -> np.ndarray:
        """A constant added to (or scaling) the current tensor: it must broadcast to the tensor's shape."""
        full = (1, *self.shape)
        try:
            shape = np.broadcast_shapes(full, constant.shape)
        except ValueError:
            shape = ()
        if math.prod(shape) != math.prod(full) or not shape:
            raise self.error(node, f"{what} of shape {constant.shape} does not fit the input {self.shape}")
        return np.broadcast_to(constant, shape).ravel()

    def softmax_axis(self, node: Any) -> None:
        if len(self.shape) != 1:
            raise self.error(node, "softmax over a tensor: flatten it first")
        axis = self.attr(node, "axis", "int", -1 if self.opset >= 13 else 1)
        if not -2 <= axis <= 1:
            raise self.error(node, f"the axis {axis} is not one of the input's 2 axes")
        if axis % 2 == 0 and self.opset >= 13:
            raise self.error(node, "a softmax over the batch axis (axis 0)", hint="jac reads softmax over the vector")

    # -- layers with weights
    def linear(self, node: Any, name: str, op: str, n: int) -> str:
        if len(self.shape) != 1 and math.prod(self.shape[:-1]) != 1:
            raise self.error(node, "a matrix product of a tensor: flatten it first")
        B = self.need(node, 1, "weights")
        if B.ndim != 2:
            raise self.error(node, f"the weights {node.input[1]!r} have the shape {B.shape}; jac reads a matrix")
        if op == "Gemm":
            if self.attr(node, "transA", "int", 0):
                raise self.error(node, "transA = 1 is not a layer of one input vector")
            B = B.T if self.attr(node, "transB", "int", 0) else B
            W = self.attr(node, "alpha", "float", 1.0) * B.T
            C = self.weight(node, 2, "bias")
            b = None
            if C is not None:
                try:
                    b = self.attr(node, "beta", "float", 1.0) * np.broadcast_to(C, (1, W.shape[0])).ravel()
                except ValueError:
                    raise self.error(node, f"the bias of shape {C.shape} does not fit {W.shape[0]} outputs") from None
        else:
            W, b = B.T, None
        if W.shape[1] != self.shape[-1]:
            raise self.error(node, f"takes {W.shape[1]} values but gets {n}")
        self.shape = (W.shape[0],)
        return self.add(Linear(name, "linear", W.shape[1], W.shape[0], W=np.ascontiguousarray(W),
                               b=None if b is None else b.copy()), node)

    def conv(self, node: Any, name: str) -> str:
        W = self.need(node, 1, "weights")
        if W.ndim not in (3, 4):
            raise self.error(node, f"the weights have the shape {W.shape}; jac reads 1-D and 2-D convolutions "
                                   "(weights of 3 or 4 dimensions)")
        dims = W.ndim - 2
        if len(self.shape) != dims + 1 or self.shape[0] != W.shape[1]:
            raise self.error(node, f"the weights {W.shape} do not fit the input {self.shape}")
        kernel = tuple(int(k) for k in W.shape[2:])
        declared = self.attr(node, "kernel_shape", "ints", list(kernel))
        if list(declared) != list(kernel):
            raise self.error(node, f"kernel_shape {declared} is not the weights' kernel {list(kernel)}")
        auto_pad = self.attr(node, "auto_pad", "string", "NOTSET")
        if auto_pad not in ("NOTSET", "VALID"):
            raise self.error(node, f"auto_pad {auto_pad} is not read by jac", hint="give pads explicitly")
        strides = self.attr(node, "strides", "ints", [1] * dims)
        pads = self.attr(node, "pads", "ints", [0] * 2 * dims)
        dilations = self.attr(node, "dilations", "ints", [1] * dims)
        if len(strides) != dims or len(pads) != 2 * dims or len(dilations) != dims:
            raise self.error(node, f"strides {strides}, pads {pads} and dilations {dilations} do not fit a "
                                   f"{dims}-D convolution")
        if any(s < 1 for s in strides):
            raise self.error(node, f"the strides {strides} are not positive")
        if any(p < 0 for p in pads):
            raise self.error(node, f"the pads {pads} are negative")
        if len(set(strides)) != 1 or len(set(pads)) != 1 or self.attr(node, "group", "int", 1) != 1 or \
                set(dilations) != {1}:
            raise self.error(node, "jac reads convolutions with one stride and one padding for every axis, no "
                             "groups, no dilation")
        stride, padding = strides[0], pads[0]
        in_shape = self.shape
        out = tuple((s + 2 * padding - k) // stride + 1 for s, k in zip(in_shape[1:], kernel))
        if any(o < 1 for o in out):
            raise self.error(node, f"the kernel {kernel} is larger than the input {in_shape[1:]} with padding "
                                   f"{padding}")
        if math.prod(out) * max(W.shape[0], W[0].size) > MAX_VALUES:
            raise self.error(node, f"its output {(W.shape[0], *out)} and its receptive fields need more than "
                                   f"{MAX_VALUES:,} values", hint=TENSOR_LIMIT_HINT)
        bias = self.weight(node, 2, "bias")
        if bias is not None:
            if bias.size != W.shape[0]:
                raise self.error(node, f"the bias has {_count(bias.size)} for {W.shape[0]} output channels")
            bias = bias.ravel()
        index, out = conv_indices(in_shape, kernel, stride, padding)
        self.shape = (W.shape[0],) + tuple(out)
        return self.add(Conv(name, "conv1d" if dims == 1 else "conv2d", math.prod(in_shape),
                             math.prod(self.shape), weights=W, bias=bias, index=index, out_spatial=out,
                             in_shape=in_shape), node)

    def batchnorm(self, node: Any, name: str, n: int) -> str:
        if self.attr(node, "training_mode", "int", 0):
            raise self.error(node, "batch normalisation in training mode; jac reads models for inference")
        channels = self.shape[0]
        gamma, beta, mean, var = (self.need(node, k, what).ravel() for k, what in
                                  ((1, "scale"), (2, "bias"), (3, "mean"), (4, "variance")))
        for values, what in ((gamma, "scale"), (beta, "bias"), (mean, "mean"), (var, "variance")):
            if values.size != channels:
                raise self.error(node, f"its {what} has {_count(values.size)} for {channels} channels")
        eps = self.attr(node, "epsilon", "float", 1e-5)
        if not (var + eps > 0).all():
            raise self.error(node, "a variance plus epsilon is not positive")
        per = math.prod(self.shape[1:])
        scale = np.repeat(gamma / np.sqrt(var + eps), per)
        shift = np.repeat(beta, per) - scale * np.repeat(mean, per)
        return self.add(Affine(name, "batchnorm", n, n, scale=scale, shift=shift,
                               label=f"batchnorm ({gamma.size} channels, inference)"), node)

    def layernorm(self, node: Any, name: str, n: int) -> str:
        """LayerNormalization over the whole (flat) vector."""
        rank = len(self.shape) + 1
        axis = self.attr(node, "axis", "int", -1)
        if not -rank <= axis < rank:
            raise self.error(node, f"the axis {axis} is not one of the input's {rank} axes")
        gamma, beta = self.need(node, 1, "scale"), self.weight(node, 2, "bias")
        if gamma.size != n or math.prod((1, *self.shape)[axis % rank:]) != n:
            raise self.error(node, "jac normalises over the whole vector; this layer normalises over part of it")
        if beta is not None and beta.size != n:
            raise self.error(node, f"its bias has {_count(beta.size)} for {n}")
        eps = self.attr(node, "epsilon", "float", 1e-5)
        if eps < 0:
            raise self.error(node, f"epsilon {eps} is negative")
        return self.add(LayerNorm(name, "layernorm", n, n, gamma=gamma.ravel(),
                                  beta=np.zeros(n) if beta is None else beta.ravel(), eps=eps), node)

    def residual(self, node: Any, data: list[str], current: str) -> str:
        skip = data[0] if data[1] == current else data[1] if data[0] == current else None
        if skip is None or skip not in self.at:
            raise self.error(node, "adds two tensors that are not the result and an earlier one",
                             hint="jac reads residual blocks: x + f(x)")
        start = self.at[skip]
        inner = self.layers[start:]
        if not inner:
            raise self.error(node, "adds a tensor to itself")
        size = self.sizes[skip]
        if self.sizes[current] != size:
            raise self.error(node, f"adds {skip!r} ({size} values) to {current!r} ({self.sizes[current]} values)",
                             hint="a residual block's inner layers must keep the size")
        self.layers = self.layers[:start]
        return self.add(Residual(f"{node.name or 'residual'}", "residual", size, size, inner=inner), node)
