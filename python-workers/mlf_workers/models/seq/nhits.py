"""N-HiTS (Challu et al., 2023): N-BEATS blocks with multi-rate input pooling and hierarchical
interpolation.

Stack i max-pools the window over time with kernel pool_i (the largest first: 2^(stacks-1), ..., 1),
so its blocks see the series at a coarser rate; each block's MLP predicts a backcast at L/pool_i points
and a forecast at horizon_points/pool_i points (at least 1), both linearly interpolated back to full
resolution. Backcasts are subtracted from the input (doubly residual), forecasts summed; the forecast
vector feeds the heads (E_r). The window holds bars <= t only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    import torch
    import torch.nn.functional as F  # noqa: N812
    from torch import Tensor, nn

    horizon = p["horizon_points"]

    def interpolation(coarse: int, fine: int) -> Tensor:
        """(coarse, fine) matrix of linear interpolation from `coarse` evenly spaced knots."""
        out = torch.zeros(coarse, fine)
        for j in range(fine):
            pos = 0.0 if coarse == 1 or fine == 1 else j * (coarse - 1) / (fine - 1)
            lo = min(int(pos), coarse - 1)
            hi = min(lo + 1, coarse - 1)
            out[lo, j] += 1.0 - (pos - lo)
            out[hi, j] += pos - lo
        return out

    class Block(nn.Module):
        def __init__(self, pool: int) -> None:
            super().__init__()
            self.pool = pool
            pooled = -(-window // pool)
            back_knots, fore_knots = max(1, window // pool), max(1, horizon // pool)
            self.register_buffer("back", interpolation(back_knots, window))
            self.register_buffer("fore", interpolation(fore_knots, horizon))
            width = p["hidden_size"]
            layers: list[nn.Module] = []
            for i in range(p["layers"]):
                layers += [nn.Linear(pooled * features if i == 0 else width, width), nn.ReLU()]
            self.fc = nn.Sequential(*layers)
            self.theta_back = nn.Linear(width, features * back_knots)
            self.theta_fore = nn.Linear(width, fore_knots)
            self.back_knots = back_knots

        def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
            series = x.transpose(1, 2)  # (B, f, L)
            if self.pool > 1:
                series = F.max_pool1d(series, self.pool, stride=self.pool, ceil_mode=True)
            h = self.fc(series.flatten(1))
            backcast = self.theta_back(h).reshape(-1, features, self.back_knots) @ self.back
            return backcast.transpose(1, 2), self.theta_fore(h) @ self.fore

    class NHiTSBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            stacks, blocks = p["stacks"], p["blocks_per_stack"]
            pools = [2 ** (stacks - 1 - i) for i in range(stacks)]
            self.blocks = nn.ModuleList(Block(pool) for pool in pools for _ in range(blocks))
            self.out_features = horizon

        def forward(self, z: Tensor) -> Tensor:
            residual, forecast = z, torch.zeros(z.shape[0], horizon, dtype=z.dtype, device=z.device)
            for block in self.blocks:
                backcast, part = block(residual)
                residual, forecast = residual - backcast, forecast + part
            return forecast

    return NHiTSBody()


FITTER = SequenceFitter(
    "nhits",
    outputs=("E_r",),
    params={
        "hidden_size": Integer(default=128, low=1, high=8192),
        "layers": Integer(default=2, low=1, high=16),
        "stacks": Integer(default=3, low=1, high=8),
        "blocks_per_stack": Integer(default=1, low=1, high=16),
        "horizon_points": Integer(default=8, low=1, high=512),
    },
    build=build,
)
