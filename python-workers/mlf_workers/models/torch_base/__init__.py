"""The shared base of every PyTorch sequence model: one training loop, one head/loss module, one ONNX
export. Importing this package does not import torch (see fitter.py); the modules that do
(heads, layers, trainer, export, run) are imported when a fit starts."""

from mlf_workers.models.torch_base.fitter import CHECKPOINT_ENV, SequenceFitter, training_params

__all__ = ["CHECKPOINT_ENV", "SequenceFitter", "training_params"]
