"""Every sequence model runs on the device its weights are on: no tensor made in a forward pass may be
left on the CPU. A fit with device "cuda" otherwise fails at its first batch ("Expected all tensors to be
on the same device": N-BEATS and N-HiTS did, found by the GPU benchmark, docs/benchmarks.md). Checked
without a GPU on torch's "meta" device (shapes only, no data): a CPU tensor mixed into a meta
computation raises just as it would with a CUDA one."""

from __future__ import annotations

import pytest
import torch
from seq_harness import SEQUENCE

from mlf_workers.models import validate_params
from mlf_workers.models.torch_base.heads import SequenceModel

WINDOW, FEATURES, BATCH = 16, 3, 2


@pytest.mark.parametrize("model_id", sorted(SEQUENCE))
def test_forward_stays_on_the_weights_device(model_id: str) -> None:
    fitter = SEQUENCE[model_id]
    params = validate_params(model_id, fitter.params, {"seq_len": WINDOW})
    torch.manual_seed(0)
    body = fitter.build(WINDOW, FEATURES, params)
    model = SequenceModel(
        body, list(fitter.outputs), fitter.head, torch.zeros(FEATURES), torch.ones(FEATURES), 0.0, 1.0
    ).to("meta")
    windows = torch.zeros(BATCH, WINDOW, FEATURES, device="meta")
    raw = model.raw(windows)
    assert raw.device.type == "meta"
    assert raw.shape[0] == BATCH
    served = model(windows)
    assert len(served) == len(fitter.outputs)
    for name, value in zip(fitter.outputs, served, strict=True):
        assert value.device.type == "meta", name
        assert tuple(value.shape) == (BATCH,), name
