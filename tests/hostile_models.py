"""Builders of hostile model and array files for test_hostile_models.py, made at test time (no binary file is
committed): ONNX models with external data or lying tensors and nodes, .safetensors files written byte by
byte, an .npz decompression bomb, .npy files whose header lies."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

W = np.arange(1.0, 17.0).reshape(4, 4)  # the honest weights: J of x ↦ x·W is Wᵀ
SECRET = np.full(16, 1234.5)  # what a secret file holds: these values must never be printed


def onnx_model(path: Path, nodes: list, initializers: list, in_shape=(4,), out_shape=(4,), opset: int = 17,
               elem_type: int | None = None) -> str:
    """A model of one input x and one output y, serialized by hand (onnx.save would write external data)."""
    from onnx import TensorProto, helper

    kind = TensorProto.DOUBLE if elem_type is None else elem_type
    graph = helper.make_graph(nodes, "m", [helper.make_tensor_value_info("x", kind, [1, *in_shape])],
                              [helper.make_tensor_value_info("y", kind, [1, *out_shape])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    path.write_bytes(model.SerializeToString())
    return str(path)


def tensor(name: str, values: Any, dtype=np.float64):
    from onnx import numpy_helper

    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name)


def external(t, location: str, **entries: Any):
    """``t`` with its data in another file: data_location = EXTERNAL and the given entries, set by hand."""
    from onnx import TensorProto

    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for key, value in {"location": location, **entries}.items():
        entry = t.external_data.add()
        entry.key, entry.value = key, str(value)
    return t


def matmul_model(path: Path, weights=None) -> str:
    """y = x·W, one MatMul: its Jacobian is Wᵀ."""
    from onnx import helper

    weights = tensor("W", W) if weights is None else weights
    return onnx_model(path, [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [weights])


# ---------------------------------------------------------------------------
# .safetensors, byte by byte

def safetensors_file(path: Path, header: Any, data: bytes = b"", length: int | None = None) -> Path:
    """8 bytes of header length (little-endian; ``length`` overrides the true one), the header (JSON of
    ``header``, or bytes as given) and the data."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text) if length is None else length) + text + data)
    return path


# ---------------------------------------------------------------------------
# .npy and .npz that lie

def npy_header(shape: tuple, dtype: str = "<f8") -> bytes:
    """The .npy magic and header (version 1.0) declaring ``shape`` and ``dtype``, with no data after it."""
    body = repr({"descr": dtype, "fortran_order": False, "shape": tuple(shape)}).encode("latin1")
    pad = 64 - (10 + len(body) + 1) % 64
    body = body + b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(body)) + body


def zip_member(path: Path, name: str, head: bytes, zeros: int, chunk: int = 1 << 20) -> Path:
    """A zip archive of one deflated member: ``head`` and then ``zeros`` zero bytes (a multiple of ``chunk``),
    written by hand so that a member of gigabytes costs milliseconds: each chunk of zeros, compressed after a
    full flush, is the same bytes. The directory records the true sizes and CRC-32 — an honest bomb."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert repeat == block  # after a full flush the compressor starts afresh
    body = start + block * (zeros // chunk) + compressor.flush()
    crc, zero = zlib.crc32(head), bytes(chunk)
    for _ in range(zeros // chunk):
        crc = zlib.crc32(zero, crc)
    size = len(head) + zeros
    encoded = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(body), size, len(encoded), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(body), size,
                          len(encoded), 0, 0, 0, 0, 0, 0)
    offset = len(local) + len(encoded) + len(body)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(encoded), offset, 0)
    path.write_bytes(local + encoded + body + central + encoded + end)
    return path
