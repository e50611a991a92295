"""Numbers as numpy arrays: weights and vectors from YAML, .npy, .csv or text, and float points
(``--at 0.5,-1,2`` or ``--at @x.npy``) for numeric factors. numpy only: layer chains never load
sympy (the one exception, constants like ``pi/4`` in a point, imports the grammar when met)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from .errors import SpecError
from .numbers import short_list
from .request import option

MAX_ARRAY_BYTES = 1 << 30


def load_array(value: Any, base: Path, where: str, ndim: int) -> np.ndarray:
    """A matrix (ndim 2) or vector (ndim 1): inline YAML rows, .npy, .csv or .txt, or one tensor of an
    .npz or .safetensors file by name (``weights.npz#fc1``, ``model.safetensors#fc1.weight``). Pickles
    are never loaded."""
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
                array = np.load(path, allow_pickle=False)  # never unpickle: .npy only
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
    try:
        if suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:  # never unpickle
                names = list(archive.files)
                array = archive[key] if key in names else None
        elif suffix == ".safetensors":
            try:
                from safetensors.numpy import load_file
            except ImportError:
                raise SpecError("reading .safetensors needs the safetensors package, an optional extra",
                                where=where, hint="pip install 'jaccli[models]'") from None
            tensors = load_file(str(path))
            names = list(tensors)
            array = tensors.get(key)
        else:
            raise SpecError(f"{path.name}#{key}: a tensor by name comes from an .npz or .safetensors file",
                            where=where, hint="for .npy, .csv or .txt give the file alone")
    except (ValueError, OSError) as exc:
        raise SpecError(f"cannot read {path}: {exc}", where=where) from None
    if array is None:
        shown = ", ".join(sorted(names)[:12]) + (" …" if len(names) > 12 else "")
        raise SpecError(f"{path.name} has no tensor {key!r}", where=where, hint=f"its tensors: {shown}")
    return _checked(np.asarray(array), where, ndim)


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
        from . import grammar  # constants (pi/4, sqrt(2)): the grammar (and sympy) only when needed
        from .errors import ParseError

        try:
            items = grammar.parse_point(text)
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
    from .numbers import fmt_number

    return fmt_number(float(v), 6)
