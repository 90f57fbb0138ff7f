"""DLinear (Zeng et al., 2023): series decomposition and two linear maps.

Each feature's window is split into a trend (moving average of `kernel_size` bars, the ends padded by
repeating the first and last bar) and a remainder; one linear map over time takes each part from L bars
to `horizon_points` values (shared by all features, or one per feature with individual=true), and their
sum, over every feature, feeds the heads (E_r). The window holds bars <= t only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Flag, Integer
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    import torch
    import torch.nn.functional as F  # noqa: N812
    from torch import Tensor, nn

    kernel, horizon = p["kernel_size"], p["horizon_points"]
    channels = features if p["individual"] else 1

    class DLinearBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            scale = 1.0 / window
            self.trend = nn.Parameter(torch.full((channels, window, horizon), scale))
            self.remainder = nn.Parameter(torch.full((channels, window, horizon), scale))
            self.bias = nn.Parameter(torch.zeros(channels, horizon))
            self.out_features = features * horizon

        def forward(self, z: Tensor) -> Tensor:
            series = z.transpose(1, 2)  # (B, f, L)
            front = series[:, :, :1].expand(-1, -1, (kernel - 1) // 2)
            back = series[:, :, -1:].expand(-1, -1, kernel // 2)
            padded = torch.cat([front, series, back], dim=2)
            trend = F.avg_pool1d(padded, kernel, stride=1)
            remainder = series - trend
            out = (
                torch.einsum("bfl,flh->bfh", trend, self.trend.expand(features, -1, -1))
                + torch.einsum("bfl,flh->bfh", remainder, self.remainder.expand(features, -1, -1))
                + self.bias
            )
            return out.flatten(1)

    return DLinearBody()


FITTER = SequenceFitter(
    "dlinear",
    outputs=("E_r",),
    params={
        "kernel_size": Integer(default=25, low=1, high=1001),
        "individual": Flag(default=False),
        "horizon_points": Integer(default=8, low=1, high=512),
    },
    build=build,
)
