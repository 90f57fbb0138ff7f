"""Window samples cut from a fit's Arrow frames (layouts: proto/README.md, "Window frames").

Two layouts carry [L, f] windows; no torch here, so the cutting is testable on its own.

- Bar layout (a `window_end` column is present): the frame holds consecutive bars, one row per bar,
  f float32 feature columns, and `window_end` (1 = the window of L bars ending at this row is a sample,
  0 = context only). The sample at frame row r is rows r-L+1 ... r, oldest first, so the sender puts
  L-1 context rows before every sample; a marked row with fewer predecessors is refused.
- Flattened layout (no `window_end`): one row per sample, L·f feature columns in time-major order
  (column k = step k // f, feature k % f), for views that are not cut from one bar series
  (multires_concat).

Either way the bars end up as one row-major (rows, f) float32 matrix plus the row index where each
sample's window ends, and batches are gathered on demand: memory is O(frame + batch), never O(n·L·f).
Windows holding a non-finite value are marked and never fitted; their predictions are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from mlf_workers.frames import FrameError, column_to_numpy, feature_matrix

WINDOW_END = "window_end"
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WindowSet:
    """The samples of one frame: bars (rows, f), the bar row each window ends at, and where it came from."""

    bars: F32
    window: int
    #: Bar row of each sample's last step (window = ends[k]-L+1 ... ends[k]).
    ends: I64
    #: Frame row of each sample (its prediction goes there); equals `ends` in the bar layout.
    frame_rows: I64
    frame_length: int
    #: True where the sample's window holds only finite values.
    finite: npt.NDArray[np.bool_]

    @property
    def features(self) -> int:
        return int(self.bars.shape[1])

    def gather(self, samples: I64) -> F32:
        """Windows of the given samples (indices into `ends`) as one (b, L, f) float32 array."""
        steps = np.arange(-self.window + 1, 1, dtype=np.int64)
        rows = self.ends[samples][:, None] + steps[None, :]
        out: F32 = self.bars[rows]
        return out


def window_feature_names(train: pa.Table, targets: set[str]) -> list[str]:
    """Feature columns of a window frame: every train column that is neither a target nor window_end."""
    return [name for name in train.column_names if name not in targets and name != WINDOW_END]


def window_set(table: pa.Table, names: list[str], shape: tuple[int, ...], frame: str) -> WindowSet:
    """Cuts the samples of one frame; `shape` is the fit message's input_shape [L, f]."""
    if len(shape) != 2:
        raise FrameError(f"{frame!r} frame: window models need input_shape [L, f], got {list(shape)}")
    window, features = shape
    if WINDOW_END in table.column_names:
        if len(names) != features:
            raise FrameError(
                f"{frame!r} frame: input_shape says {features} features per bar but the frame has "
                f"{len(names)} feature columns ({names[:8]}...)"
            )
        bars = np.ascontiguousarray(feature_matrix(table, names))
        marks = np.asarray(column_to_numpy(table.column(WINDOW_END)), dtype=np.float64)
        if not np.isin(marks, (0.0, 1.0)).all():
            bad = int(np.flatnonzero(~np.isin(marks, (0.0, 1.0)))[0])
            raise FrameError(f"{frame!r} frame: {WINDOW_END} must be 0 or 1, row {bad} holds {marks[bad]}")
        ends = np.flatnonzero(marks == 1.0).astype(np.int64)
        if ends.size and ends[0] < window - 1:
            raise FrameError(
                f"{frame!r} frame: row {int(ends[0])} is marked {WINDOW_END} but has only {int(ends[0])} "
                f"bars before it; a window of {window} bars needs {window - 1} (send context rows first)"
            )
        frame_rows = ends
    else:
        if len(names) != window * features:
            raise FrameError(
                f"{frame!r} frame: without a {WINDOW_END} column every row is one flattened window of "
                f"{window}x{features} = {window * features} columns, but the frame has {len(names)}"
            )
        flat = np.ascontiguousarray(feature_matrix(table, names))
        bars = flat.reshape(table.num_rows * window, features)
        frame_rows = np.arange(table.num_rows, dtype=np.int64)
        ends = frame_rows * window + (window - 1)
    bad_rows = ~np.isfinite(bars).all(axis=1)
    before = np.concatenate([[0], np.cumsum(bad_rows, dtype=np.int64)])
    finite = (before[ends + 1] - before[ends + 1 - window]) == 0
    return WindowSet(bars, window, ends, frame_rows, table.num_rows, finite)


def sample_targets(table: pa.Table, column: str, samples: WindowSet, frame: str) -> F64:
    """The target column's value at each sample's frame row (float64, NaN = unknown)."""
    if column not in table.column_names:
        raise FrameError(f"{frame!r} frame lacks the target column {column!r}")
    values = np.asarray(column_to_numpy(table.column(column)), dtype=np.float64)
    out: F64 = values[samples.frame_rows]
    return out


def standardizer(samples: WindowSet, enabled: bool) -> tuple[F32, F32]:
    """Per-feature center and scale over the finite train bars (1 and 0 when disabled or degenerate)."""
    f = samples.features
    if not enabled:
        return np.zeros(f, dtype=np.float32), np.ones(f, dtype=np.float32)
    bars = samples.bars.astype(np.float64)
    finite = np.isfinite(bars)
    counts = finite.sum(axis=0)
    safe = np.where(finite, bars, 0.0)
    mean = np.divide(safe.sum(axis=0), counts, out=np.zeros(f), where=counts > 0)
    var = np.divide(
        (np.where(finite, bars - mean, 0.0) ** 2).sum(axis=0), counts, out=np.ones(f), where=counts > 0
    )
    std = np.sqrt(var)
    std[~(std > 1e-12)] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)
