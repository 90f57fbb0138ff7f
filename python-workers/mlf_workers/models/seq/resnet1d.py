"""1D ResNet (Wang, Yan and Oates, 2017), with causal convolutions.

Residual blocks of three convolutions (kernels 7, 5, 3; batch norm, ReLU) with a 1x1 shortcut; the
first block has `filters` channels, later ones twice that. Convolutions are padded on the left only
(step t reads steps <= t); global average pooling over the window feeds the heads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer, Real
from mlf_workers.models.torch_base import SequenceFitter

KERNELS = (7, 5, 3)


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    from torch import Tensor, nn

    from mlf_workers.models.torch_base.layers import CausalConv1d

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int) -> None:
            super().__init__()
            layers: list[nn.Module] = []
            for j, k in enumerate(KERNELS):
                layers += [CausalConv1d(cin if j == 0 else cout, cout, k), nn.BatchNorm1d(cout)]
                if j < len(KERNELS) - 1:
                    layers.append(nn.ReLU())
            self.net = nn.Sequential(*layers)
            self.skip = nn.Sequential(nn.Conv1d(cin, cout, 1), nn.BatchNorm1d(cout))
            self.act = nn.ReLU()

        def forward(self, x: Tensor) -> Tensor:
            out: Tensor = self.act(self.net(x) + self.skip(x))
            return out

    class ResNet1DBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            f = p["filters"]
            widths = [f] + [2 * f] * (p["blocks"] - 1)
            self.blocks = nn.Sequential(
                *(Block(features if i == 0 else widths[i - 1], w) for i, w in enumerate(widths))
            )
            self.drop = nn.Dropout(p["dropout"])
            self.out_features = widths[-1]

        def steps(self, z: Tensor) -> Tensor:
            out: Tensor = self.blocks(z.transpose(1, 2)).transpose(1, 2)
            return out

        def forward(self, z: Tensor) -> Tensor:
            out: Tensor = self.drop(self.steps(z).mean(dim=1))
            return out

    return ResNet1DBody()


FITTER = SequenceFitter(
    "resnet1d",
    outputs=("p_up", "E_r"),
    params={
        "filters": Integer(default=64, low=1, high=1024),
        "blocks": Integer(default=3, low=1, high=16),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
    steps=True,
)
