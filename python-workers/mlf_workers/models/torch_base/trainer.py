"""The one training loop of every sequence model.

Deterministic on CPU: the caller seeds torch before building the model, the loop shuffles with its own
generator, `torch.use_deterministic_algorithms(True)` and a fixed thread count are set for the fit, so
the same data, params and seed give bit-identical weights (on CUDA with cuDNN's deterministic mode).
AdamW with a per-step learning-rate schedule (constant, cosine or one-cycle, each a pure function of
the step, so resuming needs only the step count), gradient clipping, early stopping on the validation
loss (the best epoch's weights are kept, not the last), a hard cap on epochs and on wall time, and a
progress event per epoch. With a checkpoint path the full state (weights, optimizer, RNG states,
early-stopping counters, best weights) is written atomically after every epoch; a later fit with the
same key resumes after the last saved epoch and finishes bit-identical to an uninterrupted fit.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from mlf_workers.models.base import Progress
from mlf_workers.models.torch_base.heads import SequenceModel, head_losses
from mlf_workers.models.torch_base.windows import F64, I64, WindowSet


@dataclass(frozen=True)
class TrainConfig:
    epochs: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    schedule: str
    warmup_fraction: float
    patience: int
    min_delta: float
    max_seconds: float
    grad_clip: float
    e_r_loss: str
    huber_delta: float
    device: torch.device


@dataclass(frozen=True)
class Samples:
    """Fittable samples of one frame: indices into `windows` and each head's standardized target."""

    windows: WindowSet
    index: I64
    targets: Mapping[str, F64]

    def __len__(self) -> int:
        return int(self.index.size)


@dataclass
class TrainReport:
    epochs_run: int
    best_epoch: int
    best_loss: float
    stopped: str  # "patience", "epochs", "time"
    resumed_from: int
    history: list[dict[str, float]] = field(default_factory=list)


def lr_factor(schedule: str, step: int, total: int, warmup_fraction: float) -> float:
    """Multiplier of the base learning rate at optimizer step `step` of `total`."""
    progress = min(1.0, step / max(1, total))
    warm = warmup_fraction if schedule != "constant" else 0.0
    if warm > 0 and progress < warm:
        return max(progress / warm, 1e-3)
    if schedule == "constant":
        return 1.0
    rest = (progress - warm) / max(1e-12, 1.0 - warm)
    cosine = 0.5 * (1.0 + math.cos(math.pi * rest))
    if schedule == "cosine":
        return 0.01 + 0.99 * cosine
    return 0.04 + 0.96 * cosine if schedule == "onecycle" else 1.0


def batch(samples: Samples, chosen: I64, device: torch.device) -> tuple[Tensor, dict[str, Tensor]]:
    picked = samples.index[chosen]
    x = torch.from_numpy(samples.windows.gather(picked)).to(device)
    y = {
        name: torch.from_numpy(values[chosen].astype(np.float32)).to(device)
        for name, values in samples.targets.items()
    }
    return x, y


def total_loss(parts: Mapping[str, tuple[Tensor, Tensor]]) -> Tensor:
    return sum((s / c.clamp(min=1) for s, c in parts.values()), torch.zeros(()))


def evaluate(
    model: SequenceModel, samples: Samples, cfg: TrainConfig, progress: Progress
) -> dict[str, float]:
    """Mean loss per head over the whole frame (sums and counts accumulated in float64)."""
    model.eval()
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    with torch.no_grad():
        for start in range(0, len(samples), cfg.batch_size):
            progress.check()
            chosen = np.arange(start, min(start + cfg.batch_size, len(samples)), dtype=np.int64)
            x, y = batch(samples, chosen, cfg.device)
            for name, (s, c) in head_losses(model, model.raw(x), y, cfg.e_r_loss, cfg.huber_delta).items():
                sums[name] = sums.get(name, 0.0) + float(s)
                counts[name] = counts.get(name, 0.0) + float(c)
    means = {name: sums[name] / counts[name] for name in sums if counts[name] > 0}
    means["loss"] = float(sum(means.values()))
    return means


def _state(model: SequenceModel) -> dict[str, Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _save(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def train(
    model: SequenceModel,
    train_set: Samples,
    valid_set: Samples | None,
    cfg: TrainConfig,
    seed: int,
    progress: Progress,
    checkpoint: tuple[Path, str] | None = None,
    on_epoch: Callable[[int], None] | None = None,
) -> TrainReport:
    """Fits `model` in place and leaves the best epoch's weights in it. `checkpoint`: (file, key)."""
    started = time.monotonic()
    model.to(cfg.device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    shuffle = torch.Generator().manual_seed(seed)
    steps_per_epoch = max(1, math.ceil(len(train_set) / cfg.batch_size))
    total_steps = cfg.epochs * steps_per_epoch
    epoch, step, bad, elapsed_before = 0, 0, 0, 0.0
    best_loss, best_epoch, best_state = math.inf, 0, _state(model)
    history: list[dict[str, float]] = []
    resumed_from = 0
    if checkpoint is not None and checkpoint[0].exists():
        # weights_only: a checkpoint file is data (tensors, numbers, dicts), never code to unpickle.
        saved = torch.load(checkpoint[0], weights_only=True)
        if saved.get("key") == checkpoint[1]:
            model.load_state_dict(saved["model"])
            optimizer.load_state_dict(saved["optimizer"])
            torch.set_rng_state(saved["rng"])
            shuffle.set_state(saved["shuffle"])
            epoch, step, bad = saved["epoch"], saved["step"], saved["bad"]
            best_loss, best_epoch, best_state = saved["best_loss"], saved["best_epoch"], saved["best_state"]
            history, elapsed_before = saved["history"], saved["elapsed"]
            resumed_from = epoch
    stopped = "epochs"
    while epoch < cfg.epochs:
        if bad >= cfg.patience > 0:
            stopped = "patience"
            break
        model.train()
        order = torch.randperm(len(train_set), generator=shuffle).numpy().astype(np.int64)
        running, seen = 0.0, 0
        for start in range(0, len(train_set), cfg.batch_size):
            progress.check()
            for group in optimizer.param_groups:
                group["lr"] = cfg.learning_rate * lr_factor(
                    cfg.schedule, step, total_steps, cfg.warmup_fraction
                )
            x, y = batch(train_set, order[start : start + cfg.batch_size], cfg.device)
            loss = total_loss(head_losses(model, model.raw(x), y, cfg.e_r_loss, cfg.huber_delta))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            if cfg.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            step += 1
            running += float(loss.detach()) * int(x.shape[0])
            seen += int(x.shape[0])
        epoch += 1
        train_loss = running / max(1, seen)  # mean of the batch losses while training (dropout on)
        valid_losses = evaluate(model, valid_set, cfg, progress) if valid_set is not None else None
        monitored = valid_losses["loss"] if valid_losses is not None else train_loss
        if monitored < best_loss - cfg.min_delta:
            best_loss, best_epoch, best_state, bad = monitored, epoch, _state(model), 0
        else:
            bad += 1
        record = {"train_loss": train_loss}
        if valid_losses is not None:
            record.update({f"valid_{k}": v for k, v in valid_losses.items()})
        history.append(record)
        elapsed = elapsed_before + time.monotonic() - started
        if checkpoint is not None:
            _save(
                checkpoint[0],
                {
                    "key": checkpoint[1],
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "rng": torch.get_rng_state(),
                    "shuffle": shuffle.get_state(),
                    "epoch": epoch,
                    "step": step,
                    "bad": bad,
                    "best_loss": best_loss,
                    "best_epoch": best_epoch,
                    "best_state": best_state,
                    "history": history,
                    "elapsed": elapsed,
                },
            )
        per_epoch = elapsed / max(1, epoch - resumed_from) if epoch > resumed_from else 0.0
        progress(
            "fit",
            epoch=epoch,
            total_epochs=cfg.epochs,
            losses={"train": train_loss, **({"valid": monitored} if valid_losses is not None else {})},
            eta_s=per_epoch * (cfg.epochs - epoch),
            fraction=epoch / cfg.epochs,
        )
        if on_epoch is not None:
            on_epoch(epoch)
        if elapsed > cfg.max_seconds and epoch < cfg.epochs:  # checked after an epoch: at least one runs
            stopped = "time"
            break
    model.load_state_dict(best_state)
    return TrainReport(epoch, best_epoch, best_loss, stopped, resumed_from, history)
