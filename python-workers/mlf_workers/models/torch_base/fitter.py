"""`SequenceFitter`: what a sequence model file declares (id, outputs, its own parameters, a body
builder), and the training parameters every sequence model shares.

Importing this module does not import torch (a worker must answer hello quickly; torch takes ~2 s to
import): the body builder and the training code are only imported when a fit starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from importlib.metadata import version
from typing import Any

from mlf_workers.models.base import FitFrames, FitResult, Progress
from mlf_workers.models.params import Choice, Flag, Integer, ParamSpec, Real

#: A worker that has this environment variable set checkpoints every epoch under that directory and
#: resumes a fit of the same model, params, seed and data (e.g. the pool's retry after a crash).
CHECKPOINT_ENV = "MLF_CHECKPOINT_DIR"

#: Builds a model body: (window length L, features per step f, validated params) → a torch module with
#: an `out_features` attribute mapping (B, L, f) standardized windows to (B, out_features).
BodyBuilder = Callable[[int, int, Mapping[str, Any]], Any]


def training_params(outputs: tuple[str, ...], head: str) -> dict[str, ParamSpec]:
    """The training loop's parameters (shared by every sequence model); E_r's loss only where fitted so."""
    specs: dict[str, ParamSpec] = {
        # The window length L of window_tensor input (the fit's input_shape[0] must equal it).
        "seq_len": Integer(default=60, low=1, high=100_000),
        "max_epochs": Integer(default=100, low=1, high=10_000),
        "batch_size": Integer(default=256, low=1, high=65_536),
        "learning_rate": Real(default=1e-3, low=0.0, low_inclusive=False, high=1.0),
        "weight_decay": Real(default=1e-2, low=0.0),
        "lr_schedule": Choice(options=("cosine", "onecycle", "constant"), default="cosine"),
        "warmup_fraction": Real(default=0.0, low=0.0, high=0.5),
        "patience": Integer(default=10, low=0, high=10_000),
        "min_delta": Real(default=0.0, low=0.0),
        "max_seconds": Real(default=3600.0, low=0.0, low_inclusive=False),
        "grad_clip": Real(default=1.0, low=0.0),
        "standardize": Flag(default=True),
        "device": Choice(options=("cpu", "cuda", "auto"), default="cpu"),
        "num_threads": Integer(default=1, low=1, high=256),
    }
    if "E_r" in outputs and head == "direct":
        specs["e_r_loss"] = Choice(options=("huber", "mse"), default="huber")
        specs["huber_delta"] = Real(default=1.0, low=0.0, low_inclusive=False)
    return specs


class SequenceFitter:
    """A PyTorch sequence model behind the shared Fitter interface (models/base.py)."""

    library = "torch"
    views = frozenset({"window_tensor", "multires_concat"})

    def __init__(
        self,
        model_id: str,
        outputs: tuple[str, ...],
        params: Mapping[str, ParamSpec],
        build: BodyBuilder,
        head: str = "direct",
        steps: bool = False,
    ) -> None:
        self.model_id = model_id
        self.outputs = outputs
        self.head = head
        self.build = build
        #: The body has a `steps(z)` method giving per-step states, each depending on steps <= its own
        #: (checked by the causality contract test); models that mix the whole window by design do not.
        self.steps = steps
        shared = training_params(outputs, head)
        clash = set(shared) & set(params)
        if clash:
            raise ValueError(f"{model_id}: parameter(s) {sorted(clash)} are training parameters")
        self.params: Mapping[str, ParamSpec] = {**shared, **params}

    def library_version(self) -> str:
        return version("torch")

    def fit(self, frames: FitFrames, params: Mapping[str, Any], seed: int, progress: Progress) -> FitResult:
        from mlf_workers.models.torch_base.run import fit_sequence

        checkpoint_dir = os.environ.get(CHECKPOINT_ENV) or None
        return fit_sequence(self, frames, params, seed, progress, checkpoint_dir=checkpoint_dir).result
