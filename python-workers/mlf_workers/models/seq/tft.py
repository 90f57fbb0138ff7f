"""Temporal Fusion Transformer (Lim et al., 2021), for observed inputs.

Per step: every variable gets its own embedding, a gated residual network (GRN) over all of them gives
softmax variable-selection weights, and the weighted sum is the step's input. A unidirectional LSTM
encodes the sequence (gated skip + LayerNorm), a GRN stands in for static enrichment (this data has no
static covariates, and no known-future inputs: every feature is observed up to t), interpretable
multi-head attention with a causal mask (step t attends to steps <= t) follows with its own gated
skip, then a position-wise GRN and a gated skip back to the LSTM output. The last step's state feeds
the heads; the quantile heads are fitted by pinball loss as in the paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer, Real
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    import torch
    import torch.nn.functional as F  # noqa: N812
    from torch import Tensor, nn

    from mlf_workers.models.torch_base.layers import Attention, GatedResidual, causal_mask

    d, drop = p["hidden_size"], p["dropout"]

    class GateAddNorm(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gate = nn.Linear(d, 2 * d)
            self.norm = nn.LayerNorm(d)
            self.drop = nn.Dropout(drop)

        def forward(self, x: Tensor, skip: Tensor) -> Tensor:
            out: Tensor = self.norm(skip + F.glu(self.gate(self.drop(x)), dim=-1))
            return out

    class TFTBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.var_weight = nn.Parameter(torch.randn(features, d) * 0.1)
            self.var_bias = nn.Parameter(torch.zeros(features, d))
            self.selection = GatedResidual(features * d, d, features, drop)
            self.lstm = nn.LSTM(d, d, batch_first=True)
            self.lstm_gate = GateAddNorm()
            self.enrich = GatedResidual(d, d, d, drop)
            self.attention = Attention(d, p["n_heads"], drop, causal_mask(window))
            self.attn_gate = GateAddNorm()
            self.position_wise = GatedResidual(d, d, d, drop)
            self.out_gate = GateAddNorm()
            self.out_features = d

        def steps(self, z: Tensor) -> Tensor:
            embedded = z.unsqueeze(-1) * self.var_weight + self.var_bias  # (B, L, f, d)
            weights = torch.softmax(self.selection(embedded.flatten(2)), dim=-1)  # (B, L, f)
            selected = (weights.unsqueeze(-1) * embedded).sum(dim=2)  # (B, L, d)
            encoded = self.lstm_gate(self.lstm(selected)[0], selected)
            enriched = self.enrich(encoded)
            attended = self.attn_gate(self.attention(enriched), enriched)
            out: Tensor = self.out_gate(self.position_wise(attended), encoded)
            return out

        def forward(self, z: Tensor) -> Tensor:
            return self.steps(z)[:, -1]

    return TFTBody()


FITTER = SequenceFitter(
    "tft",
    outputs=("p_up", "E_r", "q05", "q50", "q95"),
    params={
        "hidden_size": Integer(default=32, low=1, high=1024),
        "n_heads": Integer(default=4, low=1, high=64),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
    steps=True,
)
