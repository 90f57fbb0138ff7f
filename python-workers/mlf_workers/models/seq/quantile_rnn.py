"""Quantile RNN: an LSTM or GRU over the window with direct q05/q50/q95 heads fitted by pinball loss.

The heads are q50 and two softplus offsets (models/torch_base/heads.py), so q05 <= q50 <= q95 for
every input. Unidirectional, hence causal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Choice, Integer, Real
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    from torch import Tensor, nn

    class QuantileRNNBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            cell = nn.LSTM if p["cell"] == "lstm" else nn.GRU
            layers, hidden = p["num_layers"], p["hidden_size"]
            self.rnn = cell(
                features, hidden, layers, batch_first=True, dropout=p["dropout"] if layers > 1 else 0.0
            )
            self.drop = nn.Dropout(p["dropout"])
            self.out_features = hidden

        def steps(self, z: Tensor) -> Tensor:
            out: Tensor = self.rnn(z)[0]
            return out

        def forward(self, z: Tensor) -> Tensor:
            out: Tensor = self.drop(self.steps(z)[:, -1])
            return out

    return QuantileRNNBody()


FITTER = SequenceFitter(
    "quantile_rnn",
    outputs=("q05", "q50", "q95"),
    params={
        "cell": Choice(options=("lstm", "gru"), default="lstm"),
        "hidden_size": Integer(default=64, low=1, high=4096),
        "num_layers": Integer(default=1, low=1, high=16),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
    steps=True,
)
