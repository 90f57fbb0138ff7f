"""iTransformer (Liu et al., 2024): variables as tokens.

Each feature's whole window (L bars) is embedded as one token; a transformer attends across the f
variable tokens (no mask: tokens are variables, not time), and the concatenated tokens feed the heads.
Every token mixes all bars of its window, all of them <= t: causal through the window, not per step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer, Real
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    from torch import Tensor, nn

    from mlf_workers.models.torch_base.layers import EncoderLayer

    d = p["d_model"]

    class ITransformerBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Linear(window, d)
            self.layers = nn.Sequential(
                *(EncoderLayer(d, p["n_heads"], p["d_ff"], p["dropout"], None) for _ in range(p["n_layers"]))
            )
            self.norm = nn.LayerNorm(d)
            self.out_features = features * d

        def forward(self, z: Tensor) -> Tensor:
            tokens = self.norm(self.layers(self.embed(z.transpose(1, 2))))  # (B, f, d)
            out: Tensor = tokens.reshape(-1, features * d)
            return out

    return ITransformerBody()


FITTER = SequenceFitter(
    "itransformer",
    outputs=("p_up", "E_r"),
    params={
        "d_model": Integer(default=64, low=1, high=2048),
        "n_heads": Integer(default=4, low=1, high=64),
        "n_layers": Integer(default=2, low=1, high=24),
        "d_ff": Integer(default=128, low=1, high=8192),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
)
