"""Building blocks shared by the sequence bodies; every one is causal along time unless it says not.

Attention is written out (matmul + softmax with an additive mask) rather than nn.MultiheadAttention,
whose fused inference path the ONNX exporter handles less predictably.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F  # noqa: N812
from torch import Tensor, nn

#: Added to masked attention scores: large enough to zero the softmax, finite so no NaN appears.
MASKED = -1e9


class CausalConv1d(nn.Module):
    """Conv1d over (B, C, T) padded on the left only: output step t reads input steps <= t."""

    def __init__(self, cin: int, cout: int, kernel: int, dilation: int = 1) -> None:
        super().__init__()
        self.pad = (kernel - 1) * dilation
        self.conv = nn.Conv1d(cin, cout, kernel, dilation=dilation)

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.conv(F.pad(x, (self.pad, 0)))
        return out


class CausalMaxPool1d(nn.Module):
    """Max over the last `kernel` steps (stride 1), left-padded by repeating the first step."""

    def __init__(self, kernel: int) -> None:
        super().__init__()
        self.kernel = kernel

    def forward(self, x: Tensor) -> Tensor:
        first = x[:, :, :1].expand(-1, -1, self.kernel - 1)
        out: Tensor = F.max_pool1d(torch.cat([first, x], dim=2), self.kernel, stride=1)
        return out


def causal_mask(steps: int) -> Tensor:
    """(steps, steps) additive mask: query i may attend to keys j <= i only."""
    upper = torch.triu(torch.ones(steps, steps, dtype=torch.bool), diagonal=1)
    return torch.zeros(steps, steps).masked_fill(upper, MASKED)


class Attention(nn.Module):
    """Multi-head self-attention over (B, S, d) with an optional additive (S, S) mask buffer."""

    def __init__(self, d_model: int, heads: int, dropout: float, mask: Tensor | None) -> None:
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model {d_model} must be a multiple of n_heads {heads}")
        self.heads = heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)
        self.mask: Tensor | None
        self.register_buffer("mask", mask)

    def forward(self, x: Tensor) -> Tensor:
        b, s, d = x.shape
        q, k, v = self.qkv(x).reshape(b, s, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)
        if self.mask is not None:
            scores = scores + self.mask
        weights = self.drop(torch.softmax(scores, dim=-1))
        out: Tensor = self.out((weights @ v).transpose(1, 2).reshape(b, s, d))
        return out


class EncoderLayer(nn.Module):
    """Pre-norm transformer encoder layer (attention + GELU feed-forward, residual)."""

    def __init__(self, d_model: int, heads: int, d_ff: int, dropout: float, mask: Tensor | None) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.attn = Attention(d_model, heads, dropout, mask)
        self.norm2 = nn.LayerNorm(d_model)
        self.ff = nn.Sequential(
            nn.Linear(d_model, d_ff), nn.GELU(), nn.Dropout(dropout), nn.Linear(d_ff, d_model)
        )
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.drop(self.attn(self.norm1(x)))
        out: Tensor = x + self.drop(self.ff(self.norm2(x)))
        return out


class GatedResidual(nn.Module):
    """TFT's gated residual network: ELU MLP, GLU gate, residual, LayerNorm (per step: causal)."""

    def __init__(self, d_in: int, d_hidden: int, d_out: int, dropout: float) -> None:
        super().__init__()
        self.skip = nn.Linear(d_in, d_out) if d_in != d_out else nn.Identity()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)
        self.gate = nn.Linear(d_out, 2 * d_out)
        self.drop = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(d_out)

    def forward(self, x: Tensor) -> Tensor:
        hidden = self.drop(self.fc2(F.elu(self.fc1(x))))
        out: Tensor = self.norm(self.skip(x) + F.glu(self.gate(hidden), dim=-1))
        return out


class LastStep(nn.Module):
    """(B, T, d) → (B, d): the state at the window's last bar."""

    def forward(self, x: Tensor) -> Tensor:
        return x[:, -1]
