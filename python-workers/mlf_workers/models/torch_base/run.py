"""One fit of a sequence model: frames → samples → deterministic training → ONNX → native predictions."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mlf_workers.frames import FrameError
from mlf_workers.models.base import FitFrames, FitResult, Progress, finite_metrics
from mlf_workers.models.params import InvalidParamsError
from mlf_workers.models.torch_base.export import INPUT_NAME, OPSET, export_onnx, predict
from mlf_workers.models.torch_base.fitter import SequenceFitter
from mlf_workers.models.torch_base.heads import RET_HEADS, SequenceModel
from mlf_workers.models.torch_base.trainer import Samples, TrainConfig, TrainReport, train
from mlf_workers.models.torch_base.windows import (
    F64,
    WindowSet,
    sample_targets,
    standardizer,
    window_feature_names,
    window_set,
)


@dataclass
class Fitted:
    result: FitResult
    model: SequenceModel
    report: TrainReport


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was requested but torch sees no CUDA device (use 'cpu' or 'auto')")
    return torch.device(name)


def make_deterministic(device: torch.device, threads: int, seed: int) -> None:
    if device.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(threads)
    torch.manual_seed(seed)


def raw_targets(frames: FitFrames, frame: str, samples: WindowSet) -> dict[str, F64]:
    """Each requested head's target at each sample: p_up as 1.0 (label > 0) / 0.0, returns as they are."""
    table = frames.require(frame)
    out: dict[str, F64] = {}
    for output in frames.outputs:
        values = sample_targets(table, output.target, samples, frame)
        if output.name == "p_up":
            values = np.where(np.isfinite(values), (values > 0).astype(np.float64), np.nan)
        out[output.name] = values
    return out


def fittable(samples: WindowSet, targets: Mapping[str, F64]) -> Any:
    """Samples with a finite window and at least one known target."""
    known = np.zeros(samples.ends.size, dtype=bool)
    for values in targets.values():
        known |= np.isfinite(values)
    return np.flatnonzero(known & samples.finite).astype(np.int64)


def return_scaling(frames: FitFrames, targets: Mapping[str, F64], index: Any) -> tuple[float, float]:
    """Train mean and std of the (first) return head's target; every return head shares them."""
    heads = [name for name in frames.output_names if name in RET_HEADS]
    if not heads:
        return 0.0, 1.0
    values = targets[heads[0]][index]
    values = values[np.isfinite(values)]
    if values.size < 2:
        raise ValueError(f"the train frame has {values.size} known values of {heads[0]}'s target")
    std = float(values.std())
    return float(values.mean()), std if std > 0 else 1.0


def checkpoint_key(fitter: SequenceFitter, frames: FitFrames, params: Mapping[str, Any], seed: int) -> str:
    digest = hashlib.sha256()
    spec = [fitter.model_id, dict(params), seed, frames.view, list(frames.input_shape), frames.output_names]
    digest.update(json.dumps(spec, sort_keys=True, default=str).encode())
    for name in ("train", "valid"):
        table = frames.table(name)
        if table is not None:
            for column in table.columns:
                for chunk in column.chunks:
                    for buffer in chunk.buffers():
                        if buffer is not None:
                            digest.update(memoryview(buffer))
    return digest.hexdigest()


def fit_sequence(
    fitter: SequenceFitter,
    frames: FitFrames,
    params: Mapping[str, Any],
    seed: int,
    progress: Progress,
    checkpoint_dir: str | None = None,
    on_epoch: Callable[[int], None] | None = None,
) -> Fitted:
    progress("load", fraction=0.0)
    if frames.view not in fitter.views:
        raise FrameError(f"{fitter.model_id}: view {frames.view!r} is not one of {sorted(fitter.views)}")
    shape = tuple(frames.input_shape)
    if frames.view == "window_tensor" and shape[:1] != (params["seq_len"],):
        raise InvalidParamsError(
            fitter.model_id,
            "seq_len",
            f"is {params['seq_len']} but the window_tensor windows have input_shape {list(shape)}",
        )
    names = window_feature_names(frames.require("train"), {o.target for o in frames.outputs})
    sets = {
        name: window_set(frames.require(name), names, shape, name)
        for name in ("train", "valid", "predict")
        if frames.table(name) is not None
    }
    device = resolve_device(params["device"])
    make_deterministic(device, params["num_threads"], seed)
    train_targets = raw_targets(frames, "train", sets["train"])
    train_index = fittable(sets["train"], train_targets)
    if train_index.size == 0:
        raise ValueError(
            f"{fitter.model_id}: the train frame has no sample with a finite window and a known target "
            f"({sets['train'].ends.size} marked windows)"
        )
    y_center, y_scale = return_scaling(frames, train_targets, train_index)

    def samples(frame: str, targets: dict[str, F64], index: Any) -> Samples:
        scaled = {
            k: (v[index] - y_center) / y_scale if k in RET_HEADS else v[index] for k, v in targets.items()
        }
        return Samples(sets[frame], index, scaled)

    train_set = samples("train", train_targets, train_index)
    valid_set = None
    if "valid" in sets:
        valid_targets = raw_targets(frames, "valid", sets["valid"])
        valid_index = fittable(sets["valid"], valid_targets)
        valid_set = samples("valid", valid_targets, valid_index) if valid_index.size else None

    x_center, x_scale = standardizer(sets["train"], params["standardize"])
    body = fitter.build(shape[0], shape[1], params)
    model = SequenceModel(
        body,
        frames.output_names,
        fitter.head,
        torch.from_numpy(x_center),
        torch.from_numpy(x_scale),
        y_center,
        y_scale,
    )
    cfg = TrainConfig(
        epochs=params["max_epochs"],
        batch_size=params["batch_size"],
        learning_rate=params["learning_rate"],
        weight_decay=params["weight_decay"],
        schedule=params["lr_schedule"],
        warmup_fraction=params["warmup_fraction"],
        patience=params["patience"],
        min_delta=params["min_delta"],
        max_seconds=params["max_seconds"],
        grad_clip=params["grad_clip"],
        e_r_loss=params.get("e_r_loss", "huber"),
        huber_delta=params.get("huber_delta", 1.0),
        device=device,
    )
    checkpoint = None
    if checkpoint_dir is not None:
        key = checkpoint_key(fitter, frames, params, seed)
        Path(checkpoint_dir).mkdir(parents=True, exist_ok=True)
        checkpoint = (Path(checkpoint_dir) / f"{fitter.model_id}-{key[:24]}.pt", key)
    report = train(model, train_set, valid_set, cfg, seed, progress, checkpoint, on_epoch)

    progress("export")
    onnx_bytes = export_onnx(model, shape[0], shape[1])
    progress("predict")
    predictions = predict(model, sets["predict"], cfg.batch_size) if "predict" in sets else {}
    if "predict" not in sets:
        predictions = {name: np.empty(0) for name in frames.output_names}
    if checkpoint is not None:
        checkpoint[0].unlink(missing_ok=True)  # the job is done: a retry must start afresh

    best = report.history[report.best_epoch - 1] if report.best_epoch else {}
    metrics = {
        "epochs": float(report.epochs_run),
        "best_epoch": float(report.best_epoch),
        "best_loss": report.best_loss,
        "stopped_early": 1.0 if report.stopped != "epochs" else 0.0,
        "resumed_from_epoch": float(report.resumed_from),
        "train_samples": float(len(train_set)),
        "valid_samples": float(len(valid_set) if valid_set is not None else 0),
        "parameters": float(sum(p.numel() for p in model.parameters())),
        **{k: float(v) for k, v in best.items()},
    }
    result = FitResult(
        onnx=onnx_bytes,
        input_name=INPUT_NAME,
        output_names=list(frames.output_names),
        opset=OPSET,
        predictions=predictions,
        metrics=finite_metrics(metrics),
        library_versions={lib: version(lib) for lib in ("torch", "onnx", "numpy")},
    )
    return Fitted(result, model, report)
