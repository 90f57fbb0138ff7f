"""TCN: residual blocks of dilated causal convolutions (Bai, Kolter and Koltun, 2018).

Level i (one per entry of num_channels, with that many channels) has two convolutions of kernel k and
dilation 2^i, each padded on the left only, so the output at step t reads steps <= t; the receptive
field is 1 + 2(k-1)(2^levels - 1) bars. The state at the window's last bar feeds the heads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer, IntegerList, Real
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    from torch import Tensor, nn

    from mlf_workers.models.torch_base.layers import CausalConv1d

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int, dilation: int) -> None:
            super().__init__()
            k, drop = p["kernel_size"], p["dropout"]
            self.net = nn.Sequential(
                CausalConv1d(cin, cout, k, dilation),
                nn.ReLU(),
                nn.Dropout(drop),
                CausalConv1d(cout, cout, k, dilation),
                nn.ReLU(),
                nn.Dropout(drop),
            )
            self.skip = nn.Conv1d(cin, cout, 1) if cin != cout else nn.Identity()
            self.act = nn.ReLU()

        def forward(self, x: Tensor) -> Tensor:
            out: Tensor = self.act(self.net(x) + self.skip(x))
            return out

    class TCNBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            widths = [features, *p["num_channels"]]
            self.blocks = nn.Sequential(
                *(Block(widths[i], widths[i + 1], 2**i) for i in range(len(widths) - 1))
            )
            self.out_features = widths[-1]

        def steps(self, z: Tensor) -> Tensor:
            out: Tensor = self.blocks(z.transpose(1, 2)).transpose(1, 2)
            return out

        def forward(self, z: Tensor) -> Tensor:
            return self.steps(z)[:, -1]

    return TCNBody()


FITTER = SequenceFitter(
    "tcn",
    outputs=("p_up", "E_r"),
    params={
        "num_channels": IntegerList(default=(32, 32, 32, 32), low=1, high=4096, max_length=16),
        "kernel_size": Integer(default=3, low=2, high=64),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
    steps=True,
)
