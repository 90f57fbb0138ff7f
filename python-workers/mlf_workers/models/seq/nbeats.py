"""N-BEATS, interpretable configuration (Oreshkin et al., 2020), over multivariate windows.

Two stacks of fully connected blocks with doubly residual stacking: a trend stack whose backcast and
forecast are polynomials in time (degree `trend_degree`) and a seasonality stack whose are Fourier
series (`harmonics` pairs). The window (L bars x f features, flattened) is the input; each block
predicts basis coefficients of its backcast per feature (subtracted from the block's input) and of a
forecast over `horizon_points` future points (added to the output); the summed forecast vector, the
trend plus the seasonal part, feeds the heads (E_r). The window holds bars <= t only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    import math

    import torch
    from torch import Tensor, nn

    horizon = p["horizon_points"]

    def trend_basis(points: int) -> Tensor:
        t = torch.arange(points, dtype=torch.float32) / points
        return torch.stack([t**i for i in range(p["trend_degree"] + 1)])  # (degree+1, points)

    def seasonal_basis(points: int) -> Tensor:
        t = torch.arange(points, dtype=torch.float32) / points
        waves = [torch.ones(points)]
        for k in range(1, p["harmonics"] + 1):
            waves += [torch.cos(2 * math.pi * k * t), torch.sin(2 * math.pi * k * t)]
        return torch.stack(waves)

    class Block(nn.Module):
        def __init__(self, basis: Any) -> None:
            super().__init__()
            back, fore = basis(window), basis(horizon)
            self.register_buffer("back", back)
            self.register_buffer("fore", fore)
            width, size = p["hidden_size"], back.shape[0]
            layers: list[nn.Module] = []
            for i in range(p["layers"]):
                layers += [nn.Linear(window * features if i == 0 else width, width), nn.ReLU()]
            self.fc = nn.Sequential(*layers)
            self.theta_back = nn.Linear(width, features * size, bias=False)
            self.theta_fore = nn.Linear(width, size, bias=False)
            self.size = size

        def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
            h = self.fc(x.flatten(1))
            backcast = self.theta_back(h).reshape(-1, features, self.size) @ self.back  # (B, f, L)
            return backcast.transpose(1, 2), self.theta_fore(h) @ self.fore

    class NBEATSBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            blocks = p["blocks_per_stack"]
            self.blocks = nn.ModuleList(
                [Block(trend_basis) for _ in range(blocks)] + [Block(seasonal_basis) for _ in range(blocks)]
            )
            self.out_features = horizon

        def forward(self, z: Tensor) -> Tensor:
            residual, forecast = z, torch.zeros(z.shape[0], horizon, dtype=z.dtype, device=z.device)
            for block in self.blocks:
                backcast, part = block(residual)
                residual, forecast = residual - backcast, forecast + part
            return forecast

    return NBEATSBody()


FITTER = SequenceFitter(
    "nbeats",
    outputs=("E_r",),
    params={
        "hidden_size": Integer(default=128, low=1, high=8192),
        "layers": Integer(default=2, low=1, high=16),
        "blocks_per_stack": Integer(default=2, low=1, high=16),
        "trend_degree": Integer(default=3, low=0, high=8),
        "harmonics": Integer(default=4, low=1, high=64),
        "horizon_points": Integer(default=8, low=1, high=512),
    },
    build=build,
)
