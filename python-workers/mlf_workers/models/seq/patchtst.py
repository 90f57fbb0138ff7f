"""PatchTST (Nie et al., 2023): patches, channel independence, a transformer over patches.

Each feature's series is cut into patches of `patch_length` bars every `stride` bars, the last patch ending
at the window's last bar (the front is padded by repeating the first bar); every channel is embedded
and encoded by the same transformer, independently of the others. Attention carries a causal mask over
patches (causal=true, the default), so a patch's state reads patches that end no later than it does;
with causal=false patches attend to each other both ways (the window still holds bars <= t only).
The last patch's state of every channel, concatenated, feeds the heads. Works on window_tensor and
multires_concat input alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf_workers.models.params import Flag, Integer, Real
from mlf_workers.models.torch_base import SequenceFitter


def patch_starts(window: int, patch_length: int, stride: int) -> tuple[int, list[int]]:
    """(left padding, start of each patch in the padded series); the last patch ends at the last bar."""
    length = max(window, patch_length)
    count = (length - patch_length + stride - 1) // stride + 1
    pad = (count - 1) * stride + patch_length - window
    return pad, [s * stride for s in range(count)]


def build(window: int, features: int, p: Mapping[str, Any]) -> Any:
    import torch
    from torch import Tensor, nn

    from mlf_workers.models.torch_base.layers import EncoderLayer, causal_mask

    patch_length, d = p["patch_length"], p["d_model"]
    pad, starts = patch_starts(window, patch_length, p["stride"])
    index = torch.tensor([[max(0, s + j - pad) for j in range(patch_length)] for s in starts])

    class PatchTSTBody(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.index: Tensor
            self.register_buffer("index", index)
            self.embed = nn.Linear(patch_length, d)
            self.position = nn.Parameter(torch.randn(len(starts), d) * 0.02)
            mask = causal_mask(len(starts)) if p["causal"] else None
            self.layers = nn.Sequential(
                *(EncoderLayer(d, p["n_heads"], p["d_ff"], p["dropout"], mask) for _ in range(p["n_layers"]))
            )
            self.norm = nn.LayerNorm(d)
            self.out_features = features * d

        def tokens(self, z: Tensor) -> Tensor:
            series = z.transpose(1, 2).reshape(-1, window)  # (B·f, L): channel independence
            patches = series[:, self.index]  # (B·f, P, patch_length)
            out: Tensor = self.norm(self.layers(self.embed(patches) + self.position))
            return out

        def steps(self, z: Tensor) -> Tensor:
            """Per patch, every channel's state: (B, P, f·d)."""
            t = self.tokens(z)
            return (
                t.reshape(-1, features, len(starts), d).transpose(1, 2).reshape(-1, len(starts), features * d)
            )

        def step_ends(self) -> list[int]:
            return [s + patch_length - 1 - pad for s in starts]

        def forward(self, z: Tensor) -> Tensor:
            return self.tokens(z)[:, -1].reshape(-1, features * d)

    return PatchTSTBody()


FITTER = SequenceFitter(
    "patchtst",
    outputs=("p_up", "E_r", "q05", "q50", "q95"),
    params={
        "patch_length": Integer(default=16, low=1, high=1024),
        "stride": Integer(default=8, low=1, high=1024),
        "d_model": Integer(default=64, low=1, high=2048),
        "n_heads": Integer(default=4, low=1, high=64),
        "n_layers": Integer(default=2, low=1, high=24),
        "d_ff": Integer(default=128, low=1, high=8192),
        "dropout": Real(default=0.1, low=0.0, high=1.0, high_inclusive=False),
        "causal": Flag(default=True),
    },
    build=build,
    steps=True,
)
