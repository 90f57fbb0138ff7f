"""The output heads every sequence model shares, and the mixed loss that fits them.

A model body maps standardized windows to a vector h (B, d); `SequenceModel` adds the input
standardization (train statistics, inside the graph), one linear layer to the raw head values, and the
decoding to the served outputs:

- "direct" heads: p_up = sigmoid(logit) fitted by BCE on target_label > 0; E_r fitted by Huber or MSE
  on the standardized target_ret; q50 fitted by pinball loss and q05 = q50 - softplus(a),
  q95 = q50 + softplus(b), so q05 <= q50 <= q95 for every input (monotone by construction).
- "gaussian" heads (DeepAR): mean mu and scale sigma = softplus(s) + 1e-4 of a normal distribution of
  the standardized return, fitted by its negative log-likelihood; E_r = mu, q_p = mu + z_p · sigma.

Returns are standardized with the train mean and std of target_ret before fitting and mapped back in
the graph, so losses are O(1) whatever the bar size. Every output is float64 of shape [batch].
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F  # noqa: N812 (the usual alias)
from torch import Tensor, nn

QUANTILES = {"q05": 0.05, "q50": 0.5, "q95": 0.95}
#: Standard normal quantiles z_p of the gaussian head.
Z = {"q05": -1.6448536269514722, "q50": 0.0, "q95": 1.6448536269514722}
RET_HEADS = ("E_r", "q05", "q50", "q95")


class SequenceModel(nn.Module):
    """Standardize → body → raw heads → served outputs (a tuple in `outputs` order, float64 [batch])."""

    def __init__(
        self,
        body: nn.Module,
        outputs: Sequence[str],
        head: str,
        x_center: Tensor,
        x_scale: Tensor,
        y_center: float,
        y_scale: float,
    ) -> None:
        super().__init__()
        self.body = body
        self.outputs = tuple(outputs)
        self.head_kind = head
        self.x_center: Tensor
        self.x_scale: Tensor
        self.register_buffer("x_center", x_center.reshape(1, 1, -1))
        self.register_buffer("x_scale", x_scale.reshape(1, 1, -1))
        self.y_center = float(y_center)
        self.y_scale = float(y_scale)
        width = int(getattr(body, "out_features"))  # noqa: B009 (every body declares it)
        self.head = nn.Linear(width, 2 if head == "gaussian" else 5)

    def standardize(self, x: Tensor) -> Tensor:
        return (x - self.x_center) / self.x_scale

    def raw(self, x: Tensor) -> Tensor:
        """Raw head values (B, 5) or (B, 2) in standardized units."""
        out: Tensor = self.head(self.body(self.standardize(x)))
        return out

    def decode(self, raw: Tensor) -> dict[str, Tensor]:
        """Served values in standardized units (p_up as a probability)."""
        if self.head_kind == "gaussian":
            mu, sigma = raw[:, 0], F.softplus(raw[:, 1]) + 1e-4
            return {"E_r": mu, **{q: mu + Z[q] * sigma for q in QUANTILES}}
        q50 = raw[:, 2]
        return {
            "p_up": torch.sigmoid(raw[:, 0]),
            "E_r": raw[:, 1],
            "q05": q50 - F.softplus(raw[:, 3]),
            "q50": q50,
            "q95": q50 + F.softplus(raw[:, 4]),
        }

    def forward(self, windows: Tensor) -> tuple[Tensor, ...]:
        decoded = self.decode(self.raw(windows))
        served = []
        for name in self.outputs:
            value = decoded[name]
            if name in RET_HEADS:
                value = value * self.y_scale + self.y_center
            served.append(value.to(torch.float64))
        return tuple(served)


def masked_mean(values: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
    """(sum over the mask, count): summing per batch keeps the epoch mean exact."""
    count = mask.sum()
    return torch.where(mask, values, torch.zeros_like(values)).sum(), count


def head_losses(
    model: SequenceModel,
    raw: Tensor,
    targets: Mapping[str, Tensor],
    e_r_loss: str,
    huber_delta: float,
) -> dict[str, tuple[Tensor, Tensor]]:
    """Per requested head: (sum of losses, number of rows with a finite target) for this batch.

    `targets` holds, per output name, its standardized target (p_up: 1.0 up / 0.0 not up), NaN where
    unknown."""
    losses: dict[str, tuple[Tensor, Tensor]] = {}
    if model.head_kind == "gaussian":
        y = next(targets[name] for name in model.outputs)  # every gaussian head shares target_ret
        mask = torch.isfinite(y)
        y = torch.where(mask, y, torch.zeros_like(y))
        mu, sigma = raw[:, 0], F.softplus(raw[:, 1]) + 1e-4
        nll = torch.log(sigma) + 0.5 * ((y - mu) / sigma) ** 2 + 0.5 * math.log(2 * math.pi)
        losses["nll"] = masked_mean(nll, mask)
        return losses
    decoded: dict[str, Tensor] | None = None
    for name in model.outputs:
        y = targets[name]
        mask = torch.isfinite(y)
        y = torch.where(mask, y, torch.zeros_like(y))
        if name == "p_up":
            loss = F.binary_cross_entropy_with_logits(raw[:, 0], y, reduction="none")
        elif name == "E_r":
            if e_r_loss == "mse":
                loss = (raw[:, 1] - y) ** 2
            else:
                loss = F.huber_loss(raw[:, 1], y, reduction="none", delta=huber_delta)
        else:
            decoded = decoded if decoded is not None else model.decode(raw)
            diff = y - decoded[name]
            tau = QUANTILES[name]
            loss = torch.maximum(tau * diff, (tau - 1.0) * diff)
        losses[name] = masked_mean(loss, mask)
    return losses
