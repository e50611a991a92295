"""The sample files jac ships (``jaccli/samples/``): every example in ``--help`` and the README uses them,
so an installed copy must be able to hand them out. ``jac samples`` lists them; ``jac samples DIR`` copies
them into DIR, never overwriting a file the user changed unless asked to."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# What the files without a comment of their own are (the YAML files describe themselves on their first line).
_DESCRIPTIONS = {
    "class_answers.csv": "a class's answers for jac check --answers (id, answer, det)",
    "classifier.onnx": "a 4→8→3 tanh classifier ending in softmax, as ONNX (needs jaccli[models])",
    "classifier_x.npy": "an input point for classifier.onnx",
    "mlp3_x.npy": "an input point for mlp3.yaml",
    "points.csv": "points (r, theta, phi) for spherical.yaml --points",
    "points2d.csv": "points (x, y) for f.yaml --points, whitespace-separated",
    "roster.csv": "a class roster for jac exercise --students (an id column)",
    "roster_answers.csv": "the roster's answers to jac exercise --kind jacobian --seed 3 --count 2, for check --key",
}


@dataclass(frozen=True)
class Sample:
    name: str
    description: str


def folder() -> Path:
    """Where the installed package keeps them."""
    return Path(str(resources.files("jaccli") / "samples"))


def _description(path: Path) -> str:
    if path.name in _DESCRIPTIONS:
        return _DESCRIPTIONS[path.name]
    if path.suffix == ".npy":
        return f"weights for {path.stem.split('_')[0]}.yaml"
    if path.suffix in (".yaml", ".yml"):
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        if first and first[0].startswith("#"):
            return first[0].lstrip("# ").strip()
    return ""


def listing() -> list[Sample]:
    return [Sample(p.name, _description(p)) for p in sorted(folder().iterdir())
            if p.is_file() and not p.name.startswith((".", "_")) and p.suffix != ".py"]


@dataclass(frozen=True)
class Copied:
    written: list[str]
    unchanged: list[str]
    kept: list[str]  # the user's changed copies, left alone (force=False)


def copy_to(target: Path, force: bool = False) -> Copied:
    """Copy every sample into ``target`` (created); an identical file is left as it is, a different one
    only replaced with ``force``."""
    target.mkdir(parents=True, exist_ok=True)
    written, unchanged, kept = [], [], []
    for sample in listing():
        source = folder() / sample.name
        dest = target / sample.name
        if dest.exists() and not dest.is_file():
            kept.append(sample.name)
            continue
        if dest.is_file() and dest.read_bytes() == source.read_bytes():
            unchanged.append(sample.name)
            continue
        if dest.is_file() and not force:
            kept.append(sample.name)
            continue
        shutil.copyfile(source, dest)
        written.append(sample.name)
    return Copied(written, unchanged, kept)
