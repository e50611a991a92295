"""Numbers as numpy arrays: weights and vectors from YAML, .npy, .csv or text, and float points
(``--at 0.5,-1,2`` or ``--at @x.npy``) for numeric factors. numpy only: layer chains never load
sympy (the one exception, constants like ``pi/4`` in a point, imports the grammar when met)."""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Sequence

import numpy as np
from numpy.lib import format as npy

from ..calculus.numbers import fmt_number, short_list
from ..core.errors import ParseError, SpecError
from ..core.request import option

MAX_ARRAY_BYTES = 1 << 30  # a file of numbers (.npy, .npz, .safetensors, .csv, .txt) at most this large
# One array (an .npy file, an .npz member, a .safetensors or ONNX tensor) may declare at most this many bytes,
# as stored and as the float64 array jac makes of it (33,554,432 numbers): checked from its header, before
# anything is read or decompressed, so that a small file cannot declare a huge array.
MAX_TENSOR_BYTES = 256 << 20
MAX_SAFETENSORS_HEADER = 100_000_000  # the JSON header of a .safetensors file (the safetensors library's own cap)
TENSOR_LIMIT_HINT = (f"jac reads arrays of at most {MAX_TENSOR_BYTES >> 20} MiB "
                     f"({MAX_TENSOR_BYTES // 8:,} numbers as float64)")


def load_array(value: Any, base: Path, where: str, ndim: int) -> np.ndarray:
    """A matrix (ndim 2) or vector (ndim 1): inline YAML rows, .npy, .csv or .txt, or one tensor of an
    .npz or .safetensors file by name (``weights.npz#fc1``, ``model.safetensors#fc1.weight``). Pickles
    are never loaded; binary headers are checked before any data is read (read_npy, _npz_member,
    _safetensors_tensor), and no array may declare more than MAX_TENSOR_BYTES."""
    if isinstance(value, str) and "#" in value:
        return _named_tensor(value, base, where, ndim)
    if isinstance(value, str):
        path = (base / value) if not Path(value).is_absolute() else Path(value)
        if not path.is_file():
            raise SpecError(f"no such file: {path}", where=where, hint="paths are relative to the YAML file")
        if path.stat().st_size > MAX_ARRAY_BYTES:
            raise SpecError(f"{path} is larger than {MAX_ARRAY_BYTES:,} bytes", where=where)
        try:
            if path.suffix.lower() == ".npy":
                with open(path, "rb") as stream:  # the header first: never unpickle, never allocate blindly
                    array = read_npy(stream, path.stat().st_size, str(path), where)
            else:
                delimiter = "," if path.suffix.lower() == ".csv" else None
                array = np.loadtxt(path, delimiter=delimiter, ndmin=2 if ndim == 2 else 1, dtype=float)
        except (ValueError, OSError) as exc:
            raise SpecError(f"cannot read {path}: {exc}", where=where,
                            hint="use a .npy file, or .csv/.txt with numbers only") from None
    else:
        if not isinstance(value, list) or any(isinstance(v, bool) for v in _flat(value)):
            raise SpecError(f"expected {'rows of numbers' if ndim == 2 else 'a list of numbers'} or a file name",
                            where=where)
        try:
            array = np.array(value, dtype=float)
        except (ValueError, TypeError):
            raise SpecError("inline values must be numbers (rows of equal length)", where=where) from None
    return _checked(array, where, ndim)


def _checked(array: np.ndarray, where: str, ndim: int) -> np.ndarray:
    """Numbers, finite, of the dimension asked (a 1×n or n×1 matrix is a vector)."""
    if array.dtype.kind not in "fiu":
        raise SpecError(f"the array has dtype {array.dtype}, not numbers", where=where)
    array = np.asarray(array, dtype=float)
    if ndim == 1 and array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != ndim:
        raise SpecError(f"expected a {'matrix' if ndim == 2 else 'vector'}, got an array of shape {array.shape}",
                        where=where)
    if not np.isfinite(array).all():
        raise SpecError("the array contains nan or inf", where=where)
    return array


def _named_tensor(value: str, base: Path, where: str, ndim: int) -> np.ndarray:
    name, _, key = value.partition("#")
    path = (base / name) if not Path(name).is_absolute() else Path(name)
    if not path.is_file():
        raise SpecError(f"no such file: {path}", where=where, hint="paths are relative to the YAML file")
    if path.stat().st_size > MAX_ARRAY_BYTES:
        raise SpecError(f"{path} is larger than {MAX_ARRAY_BYTES:,} bytes", where=where)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        array, names = _npz_member(path, key, where)
    elif suffix == ".safetensors":
        array, names = _safetensors_tensor(path, key, where)
    else:
        raise SpecError(f"{path.name}#{key}: a tensor by name comes from an .npz or .safetensors file",
                        where=where, hint="for .npy, .csv or .txt give the file alone")
    if array is None:
        shown = ", ".join(sorted(names)[:12]) + (" …" if len(names) > 12 else "")
        raise SpecError(f"{path.name} has no tensor {key!r}", where=where, hint=f"its tensors: {shown}")
    return _checked(np.asarray(array), where, ndim)


def check_tensor_size(shape: Sequence[int], itemsize: int, what: str, where: str | None = None) -> int:
    """The bytes an array of ``shape`` and ``itemsize`` declares, refused (naming ``what``) beyond
    MAX_TENSOR_BYTES as stored or as float64."""
    count = math.prod(int(d) for d in shape)
    if max(itemsize, 8) * count > MAX_TENSOR_BYTES:
        raise SpecError(f"{what} declares an array of shape {tuple(shape)} ({count:,} values, "
                        f"{count * max(itemsize, 8):,} bytes as float64), larger than jac reads", where=where,
                        hint=TENSOR_LIMIT_HINT)
    return count * itemsize


def read_npy(stream: IO[bytes], size: int, what: str, where: str | None = None) -> np.ndarray:
    """An array in .npy format from ``stream`` (``size`` bytes from the magic string on: a file, or an
    .npz member as its zip directory declares it). The header is read and checked first — version, dtype
    (numbers, no objects: nothing is ever unpickled), shape, MAX_TENSOR_BYTES, ``size`` — and then exactly
    the declared bytes."""

    try:
        version = npy.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = npy.read_array_header_1_0(stream)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = npy.read_array_header_2_0(stream)
        else:  # pragma: no cover - read_magic refuses other versions first
            raise ValueError(f"version {version}")
    except Exception as exc:  # numpy parses the header with Python's tokenizer: ValueError, TokenError, …
        raise SpecError(f"{what} is not a valid .npy array ({_first_line(exc)})", where=where) from None
    if dtype.hasobject or dtype.kind not in "fiu" or dtype.fields is not None or dtype.subdtype is not None:
        raise SpecError(f"cannot read {what}: it holds an array of dtype {dtype}, not numbers", where=where,
                        hint="jac reads integer and floating-point arrays (never pickled objects)")
    if any(not isinstance(d, int) or d < 0 for d in shape):
        raise SpecError(f"{what} declares the shape {shape}", where=where)
    nbytes = check_tensor_size(shape, dtype.itemsize, what, where)
    header = stream.tell()
    if header + nbytes > size:
        raise SpecError(f"{what} declares an array of shape {tuple(shape)} ({dtype}, {nbytes:,} bytes), but holds "
                        f"only {max(size - header, 0):,} bytes of data", where=where)
    data = read_exactly(stream, nbytes)
    if len(data) != nbytes:
        raise SpecError(f"{what} ends after {len(data):,} of the {nbytes:,} bytes its header declares", where=where)
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape[::-1]).T if fortran else array.reshape(shape)


def read_exactly(stream: IO[bytes], nbytes: int) -> bytearray:
    """``nbytes`` from ``stream`` into one writable buffer (fewer at the end of the stream), never more."""
    buffer = bytearray(nbytes)
    view = memoryview(buffer)
    done = 0
    while done < nbytes:
        got = stream.readinto(view[done:])  # type: ignore[attr-defined]
        if not got:
            break
        done += got
    view.release()
    del buffer[done:]
    return buffer


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _npz_member(path: Path, key: str, where: str) -> tuple[np.ndarray | None, list[str]]:
    """One array of an .npz archive (``archive.npz#key``), its .npy header checked against MAX_TENSOR_BYTES
    and against the size the zip directory records before anything is decompressed; only that member is
    read. Returns the array (None when there is no such member) and the archive's array names."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
            names = [m[:-4] if m.endswith(".npy") else m for m in members]
            member = key + ".npy" if key + ".npy" in members else key if key in members else None
            if member is None:
                return None, names
            info = archive.getinfo(member)
            what = f"{path}#{key}"
            with archive.open(info) as stream:
                return read_npy(stream, info.file_size, what, where), names
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
            OSError) as exc:  # not a zip, corrupt, encrypted, an unknown compression, a lying size
        raise SpecError(f"cannot read {path} as .npz: {_first_line(exc)}", where=where) from None


# safetensors: dtype → (numpy dtype, bytes per value); BF16 and F8 have no numpy dtype of their own
_SAFETENSORS_DTYPES: dict[str, tuple[str | None, int]] = {
    "F64": ("<f8", 8), "F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": (None, 2),
    "I64": ("<i8", 8), "I32": ("<i4", 4), "I16": ("<i2", 2), "I8": ("i1", 1),
    "U64": ("<u8", 8), "U32": ("<u4", 4), "U16": ("<u2", 2), "U8": ("u1", 1), "BOOL": ("?", 1),
    "F8_E4M3": (None, 1), "F8_E5M2": (None, 1),
}


def _safetensors_tensor(path: Path, key: str, where: str) -> tuple[np.ndarray | None, list[str]]:
    """One tensor of a .safetensors file, read by jac itself after checking the whole header: its length
    (8 bytes, little-endian: within the file and MAX_SAFETENSORS_HEADER), its JSON, every tensor's dtype,
    shape and data_offsets (within the data, matching shape × dtype, not overlapping) and the size limit."""
    size = path.stat().st_size

    def bad(problem: str) -> SpecError:
        return SpecError(f"{path} is not a valid .safetensors file: {problem}", where=where)

    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
            if len(head) < 8:
                raise bad(f"it has {len(head)} bytes, fewer than the 8 of the header length")
            length = int.from_bytes(head, "little")
            if length > size - 8 or length > MAX_SAFETENSORS_HEADER:
                raise bad(f"the header length is {length:,} bytes, but the file has {size - 8:,} after it"
                          if length > size - 8 else f"the header length is {length:,} bytes, more than "
                          f"{MAX_SAFETENSORS_HEADER:,}")
            text = stream.read(length)
            header = _safetensors_header(text, size - 8 - length, bad)
            if key not in header:
                return None, list(header)
            dtype, shape, (start, end) = header[key]
            numpy_dtype, itemsize = _SAFETENSORS_DTYPES[dtype]
            if numpy_dtype is None and dtype != "BF16":
                raise SpecError(f"{path}#{key} has dtype {dtype}, which jac does not read", where=where,
                                hint="jac reads F64, F32, F16, BF16 and integer tensors")
            check_tensor_size(shape, itemsize, f"{path}#{key}", where)
            stream.seek(8 + length + start)
            data = read_exactly(stream, end - start)
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}", where=where) from None
    if len(data) != end - start:
        raise bad(f"tensor {key!r} ends after the end of the file")
    if dtype == "BF16":  # the upper half of a float32
        array = (np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    else:
        array = np.frombuffer(data, dtype=numpy_dtype)
    return array.reshape(shape), list(header)


def _safetensors_header(text: bytes, data_size: int, bad: Any) -> dict[str, tuple[str, tuple[int, ...],
                                                                                tuple[int, int]]]:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise bad("its header names a tensor twice")
        return dict(pairs)

    try:
        raw = json.loads(text.decode("utf-8"), object_pairs_hook=unique)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise bad(f"its header is not JSON ({_first_line(exc)})") from None
    if not isinstance(raw, dict):
        raise bad("its header is not a JSON object")
    tensors: dict[str, tuple[str, tuple[int, ...], tuple[int, int]]] = {}
    for name, entry in raw.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise bad(f"tensor {name!r} is not an object of dtype, shape and data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _SAFETENSORS_DTYPES:
            raise bad(f"tensor {name!r} has the unknown dtype {dtype!r}")
        if not isinstance(shape, list) or any(type(d) is not int or d < 0 for d in shape):
            raise bad(f"tensor {name!r} has the shape {shape!r}, not a list of non-negative integers")
        if not isinstance(offsets, list) or len(offsets) != 2 or any(type(o) is not int for o in offsets) \
                or not 0 <= offsets[0] <= offsets[1] <= data_size:
            raise bad(f"tensor {name!r} has data_offsets {offsets!r}, not within the {data_size:,} bytes of data")
        itemsize = _SAFETENSORS_DTYPES[dtype][1]
        if offsets[1] - offsets[0] != math.prod(shape) * itemsize:
            raise bad(f"tensor {name!r} of shape {shape} and dtype {dtype} needs {math.prod(shape) * itemsize:,} "
                      f"bytes, but its data_offsets {offsets} hold {offsets[1] - offsets[0]:,}")
        tensors[name] = (dtype, tuple(shape), (offsets[0], offsets[1]))
    spans = sorted((start, end, name) for name, (_, _, (start, end)) in tensors.items() if end > start)
    for (_, end, first), (start, _, second) in zip(spans, spans[1:]):
        if start < end:
            raise bad(f"the data of tensors {first!r} and {second!r} overlap")
    return tensors


def _flat(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for v in value:
            yield from _flat(v)
    else:
        yield value


def numeric_vector(text: str | Sequence[float] | np.ndarray, what: str | None = None) -> np.ndarray:
    """``@FILE`` (.npy, .csv, text), ``1,2,3`` (or constants like pi/4), or numbers, as a float vector."""
    what = what or option("at")
    if not isinstance(text, str):
        array = np.asarray(text, dtype=float).ravel()
    elif text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise SpecError(f"{what} {text}: no such file", hint=f"write {what} @x.npy for values stored in a file")
        return load_array(str(path.resolve()), Path("."), f"{what} {text}", 1)
    else:
        array = np.array(_values_of(text, what), dtype=float)
    if not np.isfinite(array).all():
        raise SpecError(f"{what}: values must be finite numbers")
    return array


def _values_of(text: str, what: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        from . import forms  # sympy: only for a value that is not a plain number

        try:
            items = forms.parse_point(text)
        except ParseError as err:
            raise err.located(what) from None
        if any(item.name is not None for item in items):
            raise SpecError(f"{what}: give the values in order (names are for single points of function specs)",
                            hint=f"e.g. {what} 0.5,-1,2 or {what} @x.npy") from None
        return [float(item.value.evalf(17)) for item in items]


def summary(values: np.ndarray) -> str:
    """``256 values in [-0.93, 0.97], mean 0.012, ‖·‖ = 3.1``."""
    v = np.asarray(values, dtype=float).ravel()
    if v.size == 0:
        return "empty"
    return (f"{v.size} value{'s' if v.size != 1 else ''} in [{v.min():.3g}, {v.max():.3g}], mean {v.mean():.3g}, "
            f"‖·‖ = {float(np.sqrt(v @ v)):.3g}")


@dataclass(frozen=True, eq=False)
class NumericPoint:
    """A point of float coordinates (what a layer sees): the same questions as evaluate.Point
    answers for exact points, without sympy."""

    names: tuple[str, ...]
    array: np.ndarray

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(float(v) for v in self.array)

    @property
    def exact(self) -> tuple[float, ...]:
        return self.values

    is_float = True

    def text(self) -> str:
        """``(x1, x2, …, x5) = (0.5, -1, …, 2)``, as evaluate.Point writes exact points."""
        if len(self.names) == 1:
            return f"{self.names[0]} = {_number(self.array[0])}"
        return f"({short_list(self.names)}) = ({self.args_text()})"

    def args_text(self) -> str:
        if len(self.array) > 6:  # never format 4,096 numbers to show three
            return short_list([_number(v) for v in (self.array[0], self.array[1], self.array[2], self.array[-1])], 3)
        return short_list([_number(v) for v in self.array])


def _number(v: float) -> str:
    return fmt_number(float(v), 6)
