"""DeepAR: a unidirectional LSTM with a Gaussian likelihood head (Salinas et al., 2020).

The network reads the window step by step and emits the mean mu and scale sigma of the standardized
forward return at the window's last bar, fitted by the Gaussian negative log-likelihood; E_r = mu and
q05/q50/q95 = mu + z_p · sigma (monotone since sigma > 0). DeepAR feeds the previous target back as an
input; here the target is a forward return that is not known at the bar it belongs to until the
horizon has passed, so feeding it back would leak. The autoregressive input is the window's own past
returns, which the feature columns carry (lagged log returns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Integer, Real
from mlf_workers.models.torch_base import SequenceFitter


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    from torch import Tensor, nn

    class DeepARBody(nn.Module):
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

    return DeepARBody()


FITTER = SequenceFitter(
    "deepar",
    outputs=("E_r", "q05", "q50", "q95"),
    params={
        "hidden_size": Integer(default=64, low=1, high=4096),
        "num_layers": Integer(default=2, low=1, high=16),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
    },
    build=build,
    head="gaussian",
    steps=True,
)
