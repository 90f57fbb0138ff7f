"""ONNX export and native prediction of a fitted SequenceModel (always on the CPU, float32 inside).

One graph per fit: input `windows` float32 [batch, L, f] (batch dynamic), one float64 [batch] output per
requested head, named like it. Exported with torch's TorchScript-based exporter (`dynamo=False`) at
opset 17: on this project's 2-core machines it takes ~0.5-1 s per model where the dynamo exporter took
4-9 s, needs no onnxscript, and gives byte-identical files for identical weights (the dynamo exporter's
first export in a process differed from later ones). torch 2.13 marks it deprecated; the pin keeps it.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch

from mlf_workers.models.torch_base.heads import SequenceModel
from mlf_workers.models.torch_base.windows import F64, WindowSet

INPUT_NAME = "windows"
OPSET = 17


def export_onnx(model: SequenceModel, window: int, features: int) -> bytes:
    model = model.to("cpu").eval()
    dummy = torch.zeros(2, window, features, dtype=torch.float32)
    names = list(model.outputs)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings(), torch.no_grad():
        path = Path(tmp) / "model.onnx"
        warnings.simplefilter("ignore")  # the exporter's deprecation and tracer warnings
        torch.onnx.export(
            model,
            (dummy,),
            path,
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=names,
            dynamic_axes={INPUT_NAME: {0: "batch"}, **{name: {0: "batch"} for name in names}},
            opset_version=OPSET,
            do_constant_folding=True,
        )
        graph = onnx.load(path)
    graph.graph.name = "mlf_sequence"
    onnx.checker.check_model(graph, full_check=True)
    serialized: bytes = graph.SerializeToString()
    return serialized


def predict(model: SequenceModel, samples: WindowSet, batch_size: int) -> dict[str, F64]:
    """Native predictions, one float64 value per frame row: NaN at rows that are no sample and at
    samples whose window holds a non-finite value."""
    model = model.to("cpu").eval()
    out = {name: np.full(samples.frame_length, np.nan, dtype=np.float64) for name in model.outputs}
    usable = np.flatnonzero(samples.finite).astype(np.int64)
    with torch.no_grad():
        for start in range(0, usable.size, batch_size):
            chosen = usable[start : start + batch_size]
            values = model(torch.from_numpy(samples.gather(chosen)))
            rows = samples.frame_rows[chosen]
            for name, tensor in zip(model.outputs, values, strict=True):
                out[name][rows] = tensor.numpy()
    return out
