"""Past one machine: ``--dask`` evaluates files of points with Dask (an optional extra, ``jaccli[dask]``).

    jac jacobian SPEC --points 'data/*.parquet' --dask [SCHEDULER] -o out/

Each file is one Dask partition (Parquet with columns named after the inputs, or CSV with a header
line naming them; other columns are ignored). The Plan — symbolic Jacobian, names, shapes — is built
once here and shipped to the workers, where it pickles as its expressions and is compiled once per
worker; every worker evaluates its partitions in chunks (the same kernel and exact-path fallbacks as a
single-process batch) and writes ``out/<file stem>.parquet`` (or ``.csv``), with the columns of
``--format csv``. Without a scheduler address, jac starts a local ``dask.distributed`` cluster of two
worker processes. What comes back is a summary: rows written and bad rows per file, with the first
messages of each, naming the file and line.

jac does not build a cluster scheduler of its own; Dask is the tool for that.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..core.errors import ExitCode, SpecError
from ..core.sink import atomic_output
from ..jobs.points import Plan
from ..parse.rows import CHUNK_ROWS, Chunk, RowError
from ..render.batch import _csv_bytes, _table, columns

LOCAL_WORKERS = 2
MESSAGES_PER_PART = 20
CONNECT_SECONDS = 10


@dataclass
class Summary:
    folder: str
    parts: int
    rows: int
    bad_rows: int = 0
    errors: list[str] = field(default_factory=list)  # "data/b.csv:17: message"
    exit_code: int = 0


def _values(frame: Any, plan: Plan, first_line: int) -> tuple[np.ndarray, np.ndarray, list[RowError]]:
    """The partition's inputs as floats: good rows (line numbers, values) and a RowError per bad row."""
    # deferred: pandas is heavy at start-up
    import pandas as pd

    columns = [frame[name] for name in plan.inputs]
    numeric = [pd.to_numeric(c, errors="coerce").to_numpy(dtype=float) for c in columns]
    values = np.column_stack(numeric) if numeric else np.empty((len(frame), 0))
    lines = np.arange(first_line, first_line + len(frame))
    good = np.isfinite(values).all(axis=1)
    errors = []
    for k in np.flatnonzero(~good):
        text = ",".join(str(c.iloc[k]) for c in columns)
        wrong = [(name, str(c.iloc[k])) for name, c, v in zip(plan.inputs, columns, values[k]) if np.isnan(v)]
        message = "; ".join(f"{name} is missing" if not text.strip() or text == "nan" else
                            f"{name} = {text[:40]!r} is not a number" for name, text in wrong)
        errors.append(RowError(int(lines[k]), text, message or "a value is not finite (inf)", 2))
    return lines[good], values[good], errors


def evaluate_partition(frame: Any, plan: Plan, files: list[str], outputs: list[str], first_line: int,
                       partition_info: dict[str, Any] | None = None) -> Any:
    """One file on a worker: evaluate it chunk by chunk, write its part, return one summary row.
    ``first_line``: the line (CSV, after the header) or row (Parquet) number of the first row."""
    # deferred: pandas is heavy at start-up
    import pandas as pd

    number = partition_info["number"] if partition_info else 0
    lines, values, unread = _values(frame, plan, first_line)
    tables, errors = [], []
    for start in range(0, max(len(values), 1), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        result = plan.evaluate(Chunk(lines[part], values[part], unread if start == 0 else []))
        tables.append(_table(plan, result))
        errors += result.errors
    errors.sort(key=lambda e: e.line)
    table = np.vstack(tables)
    path = Path(outputs[number])

    with atomic_output(str(path)) as out:  # a part file is whole or absent
        if path.suffix == ".parquet":
            # deferred: pyarrow is heavy at start-up
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({c: table[:, k] for k, c in enumerate(columns(plan))}), out.path)
        else:
            Path(out.path).write_bytes((",".join(columns(plan)) + "\n").encode() + _csv_bytes(table))
    messages = [f"{files[number]}:{e.line}: {e.message}" for e in errors]
    codes = sorted({e.exit_code for e in errors})
    return pd.DataFrame({"part": [number], "rows": [len(table)], "bad": [len(errors)],
                         "messages": ["\n".join(messages[:MESSAGES_PER_PART])],
                         "codes": [",".join(map(str, codes))]})


def _part_names(files: list[str], outdir: Path, suffix: str) -> list[str]:
    """out/<stem>.<suffix> per input file; numbered when two files share a stem."""
    stems = [Path(f).stem for f in files]
    if len(set(stems)) < len(stems):
        stems = [f"{k:05d}-{stem}" for k, stem in enumerate(stems)]
    return [str((outdir / f"{stem}{suffix}").resolve()) for stem in stems]


def run_request(plan: Plan, request: Any) -> Summary:
    """--dask for a request whose plan was made (within its time budget): the files on the cluster."""
    assert request.points is not None and request.dask is not None
    return run(plan, request.points, request.output, request.dask, request.render.format)


def run(plan: Plan, pattern: str, outdir: str | None, scheduler: str, fmt: str) -> Summary:
    """Evaluate every file matching ``pattern`` on a Dask cluster (``scheduler``: an address or
    "local"); part files in ``outdir``."""
    try:
        # deferred: dask, pandas are heavy at start-up
        import dask
        import dask.dataframe as dd
        import pandas as pd
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise SpecError("--dask needs Dask, an optional extra", hint="pip install 'jaccli[dask]'") from None
    if outdir is None:
        raise SpecError("--dask writes one part file per input file: give a folder with -o", hint="e.g. -o out/")
    files = sorted(glob.glob(pattern)) if any(c in pattern for c in "*?[") else [pattern]
    files = [f for f in files if Path(f).is_file()]
    if not files:
        raise SpecError(f"--points {pattern!r} matches no files",
                        hint="quote the pattern so jac expands it: --points 'data/*.parquet'")
    kinds = {Path(f).suffix.lower() for f in files}
    folder = Path(outdir)
    if folder.exists() and not folder.is_dir():
        raise SpecError(f"-o {outdir}: with --dask this is a folder for the part files, and a file of that name exists")
    if kinds == {".parquet"}:
        suffix, first_line = (".csv" if fmt == "csv" else ".parquet"), 1
        frame = dd.read_parquet(files, split_row_groups=False)
    elif kinds <= {".csv", ".txt"}:
        suffix, first_line = (".parquet" if fmt == "parquet" else ".csv"), 2
        frame = dd.read_csv(files, dtype=str, blocksize=None, keep_default_na=False)
    else:
        raise SpecError(f"--dask reads .parquet or .csv files; {pattern!r} matches {', '.join(sorted(kinds))}",
                        hint="convert the points to Parquet or CSV with a header line")
    missing = [v for v in plan.inputs if v not in frame.columns]
    if missing:
        raise SpecError(f"{files[0]} has columns {', '.join(map(str, frame.columns))}; no column "
                        f"{', '.join(missing)}",
                        hint=f"with --dask every file names its columns: a header line {','.join(plan.inputs)} "
                             f"(CSV) or Parquet columns of those names")
    if frame.npartitions != len(files):
        raise SpecError(f"Dask read {len(files)} files as {frame.npartitions} partitions", hint="this is a bug in jac")
    folder.mkdir(parents=True, exist_ok=True)
    outputs = _part_names(files, folder, suffix)
    meta = pd.DataFrame({"part": pd.Series(dtype=int), "rows": pd.Series(dtype=int), "bad": pd.Series(dtype=int),
                         "messages": pd.Series(dtype=str), "codes": pd.Series(dtype=str)})
    cluster: Any = None
    with dask.config.set({"logging.distributed": "error"}):
        if scheduler == "local":
            cluster = cast(Any, LocalCluster)(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                                               dashboard_address=None)
        try:
            client = cast(Any, Client)(cluster if cluster is not None else scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as err:
            raise SpecError(f"cannot reach the Dask scheduler {scheduler}: {err}",
                            hint="give its address, e.g. --dask tcp://10.0.0.5:8786, or --dask alone for a local "
                                 "cluster") from None
        try:
            table = frame.map_partitions(evaluate_partition, plan, files, outputs, first_line, meta=meta).compute()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    errors = [m for text in table["messages"] for m in text.split("\n") if m]
    codes = {int(c) for text in table["codes"] for c in text.split(",") if c}
    code = ExitCode.USAGE if ExitCode.USAGE in codes else (ExitCode.MATH if codes else 0)  # as a single-process batch
    return Summary(str(folder), len(table), int(table["rows"].sum()), int(table["bad"].sum()), errors, code)
