"""Fit time of the sequence models for a fixed budget on one device (issue 7; docs/benchmarks.md,
"Sequence models"). The Node benchmark (bench/sequence-models.ts) measures the CPU fit through the
worker pool and the ONNX inference; this script runs the same fit in process, so that it can run where
only Python and a GPU are: the GPU machine needs torch, numpy, pyarrow and onnx, none of the pool's
dependencies (mlf_workers.models and torch_base import nothing else before a fit).

    PYTHONPATH=python-workers python3 python-workers/tools/bench_seq_fit.py --device cuda \
        [--frames bench/out/seq-frames] [--models lstm,tcn] [--epochs 3] [--json out.json]

Data: `--frames DIR` reads the exact window frames the Node benchmark sent (its `--dump-frames DIR`:
train.arrow, valid.arrow, frames.json); without it, synthetic bar-layout frames of the same shape.
The budget is fixed (epochs, samples, batch size; patience 0 so nothing stops early), so the fits on
two devices do the same work. Per model: the whole fit (window cutting, training, ONNX export, native
prediction: what a worker's fit costs), the training part (until the last epoch ended), the median
epoch after the first (the first holds CUDA/cuDNN start-up and autotuning), and the parameter count.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from mlf_workers.device import cpu_name
from mlf_workers.models.base import FitFrames, FitOutput
from mlf_workers.models.params import validate_params
from mlf_workers.models.seq import SEQUENCE_FITTERS
from mlf_workers.models.torch_base import SequenceFitter
from mlf_workers.models.torch_base.windows import WINDOW_END

#: Read from models/seq rather than through the worker's registry, so that the GPU machine needs
#: neither lightgbm nor xgboost nor zmq.
FITTERS: dict[str, SequenceFitter] = {f.model_id: f for f in SEQUENCE_FITTERS}
TARGET_OF = {"p_up": "target_label"}  # every other head is fitted on target_ret


class Quiet:
    """The fit's progress sink: the benchmark needs no events, and nothing cancels it."""

    def __call__(self, stage: str, **fields: Any) -> None:
        pass

    def check(self) -> None:
        pass


def synthetic_frame(rng: np.random.Generator, samples: int, window: int, features: int) -> pa.Table:
    """Bar layout: `samples` consecutive windows (window-1 context rows first), AR(1) features and a
    5-bar forward return of a random walk as targets, so the losses are those of a real fit."""
    rows = samples + window - 1
    x = np.zeros((rows, features), dtype=np.float64)
    noise = rng.standard_normal((rows, features))
    for t in range(1, rows):
        x[t] = 0.9 * x[t - 1] + noise[t]
    ret = np.convolve(rng.standard_normal(rows + 5) * 1e-3, np.ones(5), mode="valid")[:rows]
    ret += 2e-4 * x[:, 0]
    columns: dict[str, Any] = {f"f{j}": x[:, j].astype(np.float32) for j in range(features)}
    marks = np.zeros(rows, np.float32)
    marks[window - 1 :] = 1.0
    columns[WINDOW_END] = marks
    target_ret = ret.astype(np.float32)
    target_ret[: window - 1] = np.nan
    columns["target_ret"] = target_ret
    columns["target_label"] = np.where(np.isnan(target_ret), np.nan, np.sign(target_ret)).astype(np.float32)
    return pa.table(columns)


def read_frames(directory: Path) -> tuple[dict[str, pa.Table], tuple[int, int]]:
    meta = json.loads((directory / "frames.json").read_text(encoding="utf-8"))
    tables = {}
    for name in ("train", "valid"):
        path = directory / f"{name}.arrow"
        if path.exists():
            with ipc.open_stream(pa.OSFile(str(path), "rb")) as reader:
                tables[name] = reader.read_all()
    window, features = meta["input_shape"]
    return tables, (int(window), int(features))


def fit_once(
    fitter: SequenceFitter,
    tables: dict[str, pa.Table],
    shape: tuple[int, int],
    training: dict[str, Any],
    seed: int,
) -> dict[str, Any]:
    from mlf_workers.models.torch_base.run import fit_sequence

    outputs = tuple(FitOutput(name, TARGET_OF.get(name, "target_ret")) for name in fitter.outputs)
    targets = {o.target for o in outputs}
    frames_tables = {
        name: table.select([c for c in table.column_names if c in targets or not c.startswith("target_")])
        for name, table in tables.items()
    }
    frames = FitFrames("window_tensor", shape, outputs, frames_tables)
    params = validate_params(fitter.model_id, fitter.params, {**training, "seq_len": shape[0]})
    epoch_ends: list[float] = []
    start = time.perf_counter()
    fitted = fit_sequence(
        fitter, frames, params, seed, Quiet(), on_epoch=lambda _: epoch_ends.append(time.perf_counter())
    )
    total = time.perf_counter() - start
    epochs = np.diff([start, *epoch_ends])
    later = epochs[1:] if epochs.size > 1 else epochs
    return {
        "model": fitter.model_id,
        "fit_s": round(total, 3),
        "train_s": round(epoch_ends[-1] - start, 3),
        "export_s": round(total - (epoch_ends[-1] - start), 3),
        "first_epoch_s": round(float(epochs[0]), 3),
        "epoch_s_median": round(float(statistics.median(later)), 3),
        "epochs": int(fitted.report.epochs_run),
        "parameters": int(sum(p.numel() for p in fitted.model.parameters())),
        "onnx_bytes": len(fitted.result.onnx),
        # Two runs on one device with equal hashes = a reproducible fit there (the project's promise).
        "onnx_sha256": hashlib.sha256(fitted.result.onnx).hexdigest(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--models", default=",".join(FITTERS))
    parser.add_argument("--frames", type=Path, help="window frames written by bench/sequence-models.ts")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (num_threads)")
    parser.add_argument("--window", type=int, default=60, help="synthetic frames only")
    parser.add_argument("--features", type=int, default=30, help="synthetic frames only")
    parser.add_argument("--train", type=int, default=4096, help="synthetic train windows")
    parser.add_argument("--valid", type=int, default=1024, help="synthetic valid windows")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    models = [m for m in args.models.split(",") if m]
    unknown = [m for m in models if m not in FITTERS]
    if unknown:
        parser.error(f"--models: unknown model(s) {unknown}; known: {', '.join(FITTERS)}")
    if args.frames is not None:
        tables, shape = read_frames(args.frames)
    else:
        rng = np.random.default_rng(args.seed)
        shape = (args.window, args.features)
        tables = {
            "train": synthetic_frame(rng, args.train, *shape),
            "valid": synthetic_frame(rng, args.valid, *shape),
        }
    training = {
        "max_epochs": args.epochs,
        "batch_size": args.batch_size,
        "patience": 0,
        "device": args.device,
        "num_threads": args.threads,
    }
    import torch

    device_name = torch.cuda.get_device_name(0) if args.device == "cuda" else cpu_name()
    header = {
        "device": args.device,
        "device_name": device_name,
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "input_shape": list(shape),
        "train_windows": int(np.sum(tables["train"].column(WINDOW_END).to_numpy() == 1.0)),
        "valid_windows": int(np.sum(tables["valid"].column(WINDOW_END).to_numpy() == 1.0))
        if "valid" in tables
        else 0,
        "frames": str(args.frames) if args.frames is not None else "synthetic",
        **training,
    }
    print(json.dumps(header), file=sys.stderr, flush=True)
    # Untimed: a process's first fit pays one-off costs (lazy imports, allocator growth, on CUDA the
    # context and library handles) that belong to no model.
    fit_once(FITTERS["dlinear"], tables, shape, {**training, "max_epochs": 1}, args.seed)
    results = []
    for model_id in models:
        try:
            row = fit_once(FITTERS[model_id], tables, shape, training, args.seed)
        except Exception as e:  # one model failing on a device is a result, not the end of the run
            row = {"model": model_id, "error": f"{type(e).__name__}: {str(e).splitlines()[0]}"}
        print(json.dumps(row), file=sys.stderr, flush=True)
        results.append(row)
    summary = {**header, "results": results}
    text = json.dumps(summary, indent=2)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
