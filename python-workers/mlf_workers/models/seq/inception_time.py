"""InceptionTime (Fawaz et al., 2020), with causal convolutions.

Each Inception module: a 1x1 bottleneck, three parallel convolutions of kernels 3, 5 and 7 and a
max-pool branch (3 steps, then 1x1), concatenated, batch-normalised, ReLU; a residual shortcut every
third module. Every convolution and the pool are padded on the left only, so each step's state reads
steps <= t; global average pooling over the window (all bars <= t) feeds the heads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer, Real
from mlf_workers.models.torch_base import SequenceFitter

KERNELS = (3, 5, 7)


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    import torch
    from torch import Tensor, nn

    from mlf_workers.models.torch_base.layers import CausalConv1d, CausalMaxPool1d

    filters, bottleneck = p["filters"], p["bottleneck"]
    width = filters * (len(KERNELS) + 1)

    class Inception(nn.Module):
        def __init__(self, cin: int) -> None:
            super().__init__()
            self.bottleneck = nn.Conv1d(cin, bottleneck, 1) if cin > 1 else nn.Identity()
            into = bottleneck if cin > 1 else cin
            self.convs = nn.ModuleList(CausalConv1d(into, filters, k) for k in KERNELS)
            self.pool = nn.Sequential(CausalMaxPool1d(3), nn.Conv1d(cin, filters, 1))
            self.norm = nn.BatchNorm1d(width)
            self.act = nn.ReLU()

        def forward(self, x: Tensor) -> Tensor:
            b = self.bottleneck(x)
            out: Tensor = self.act(self.norm(torch.cat([*(c(b) for c in self.convs), self.pool(x)], dim=1)))
            return out

    class InceptionTimeBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            depth = p["depth"]
            self.modules_ = nn.ModuleList(Inception(features if i == 0 else width) for i in range(depth))
            self.shortcuts = nn.ModuleList(
                nn.Sequential(nn.Conv1d(features if i == 0 else width, width, 1), nn.BatchNorm1d(width))
                for i in range(0, depth, 3)
                if i + 3 <= depth
            )
            self.act = nn.ReLU()
            self.drop = nn.Dropout(p["dropout"])
            self.out_features = width

        def steps(self, z: Tensor) -> Tensor:
            x = z.transpose(1, 2)
            residual = x
            for i, module in enumerate(self.modules_):
                x = module(x)
                if i % 3 == 2:
                    x = self.act(x + self.shortcuts[i // 3](residual))
                    residual = x
            return x.transpose(1, 2)

        def forward(self, z: Tensor) -> Tensor:
            out: Tensor = self.drop(self.steps(z).mean(dim=1))
            return out

    return InceptionTimeBody()


FITTER = SequenceFitter(
    "inception_time",
    outputs=("p_up", "E_r"),
    params={
        "filters": Integer(default=32, low=1, high=1024),
        "bottleneck": Integer(default=32, low=1, high=1024),
        "depth": Integer(default=6, low=1, high=30),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
    steps=True,
)
