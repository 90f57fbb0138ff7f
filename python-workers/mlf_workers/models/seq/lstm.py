"""LSTM: a unidirectional stacked LSTM over the window; the state at the last bar feeds the heads.

Causal by construction: the recurrent state at step t has read steps <= t only (bidirectional=False).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer, Real
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    from torch import Tensor, nn

    class LSTMBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            layers, hidden = p["num_layers"], p["hidden_size"]
            self.rnn = nn.LSTM(
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

    return LSTMBody()


FITTER = SequenceFitter(
    "lstm",
    outputs=("p_up", "E_r"),
    params={
        "hidden_size": Integer(default=64, low=1, high=4096),
        "num_layers": Integer(default=2, low=1, high=16),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
    steps=True,
)
