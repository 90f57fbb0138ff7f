"""Cutting window samples from fit frames: the bar layout (window_end marks) and the flattened layout
give the same windows; non-finite windows are flagged; malformed frames are refused naming the row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from mlf_workers.frames import FrameError
from mlf_workers.models.torch_base.windows import WINDOW_END, sample_targets, standardizer, window_set

L, F = 4, 2


def bar_table(rows: int = 12, marked_from: int = L - 1) -> pa.Table:
    x = np.arange(rows * F, dtype=np.float32).reshape(rows, F)
    marks = np.zeros(rows, np.float32)
    marks[marked_from:] = 1
    return pa.table({"a": x[:, 0], "b": x[:, 1], WINDOW_END: marks, "y": np.arange(rows, dtype=np.float32)})


def test_bar_layout_windows_end_at_marked_rows_oldest_first() -> None:
    table = bar_table()
    samples = window_set(table, ["a", "b"], (L, F), "train")
    assert samples.ends.tolist() == list(range(L - 1, 12)) == samples.frame_rows.tolist()
    windows = samples.gather(np.arange(samples.ends.size))
    assert windows.shape == (12 - L + 1, L, F)
    np.testing.assert_array_equal(windows[0], np.arange(L * F, dtype=np.float32).reshape(L, F))
    np.testing.assert_array_equal(windows[-1][-1], [22, 23])
    assert sample_targets(table, "y", samples, "train").tolist() == list(range(L - 1, 12))


def test_flattened_layout_gives_the_same_windows() -> None:
    bars = window_set(bar_table(), ["a", "b"], (L, F), "train")
    windows = bars.gather(np.arange(bars.ends.size))
    flat = windows.reshape(windows.shape[0], L * F)
    table = pa.table({f"x{k}": flat[:, k] for k in range(L * F)})
    samples = window_set(table, [f"x{k}" for k in range(L * F)], (L, F), "predict")
    np.testing.assert_array_equal(samples.gather(np.arange(samples.ends.size)), windows)
    assert samples.frame_rows.tolist() == list(range(windows.shape[0]))


def test_windows_holding_non_finite_values_are_flagged() -> None:
    table = bar_table()
    a = table.column("a").to_numpy().copy()
    a[6] = np.nan
    samples = window_set(table.set_column(0, "a", pa.array(a)), ["a", "b"], (L, F), "train")
    bad = {int(e) for e, ok in zip(samples.ends, samples.finite, strict=True) if not ok}
    assert bad == {6, 7, 8, 9}  # every window that contains row 6


def test_refusals_name_the_problem() -> None:
    with pytest.raises(FrameError, match="row 1 is marked window_end but has only 1 bars before it"):
        window_set(bar_table(marked_from=1), ["a", "b"], (L, F), "train")
    with pytest.raises(FrameError, match="input_shape says 3 features per bar but the frame has 2"):
        window_set(bar_table(), ["a", "b"], (L, 3), "train")
    with pytest.raises(FrameError, match="flattened window of 4x2 = 8 columns"):
        window_set(pa.table({"a": [1.0], "b": [2.0]}), ["a", "b"], (L, F), "predict")
    marks = bar_table().column(WINDOW_END).to_numpy().copy()
    marks[5] = 0.5
    with pytest.raises(FrameError, match=r"window_end must be 0 or 1, row 5 holds 0\.5"):
        window_set(bar_table().set_column(2, WINDOW_END, pa.array(marks)), ["a", "b"], (L, F), "train")
    with pytest.raises(FrameError, match="input_shape"):
        window_set(bar_table(), ["a", "b"], (L * F,), "train")


def test_standardizer_uses_finite_train_values_and_guards_constant_columns() -> None:
    table = pa.table(
        {
            "a": np.array([1, 2, 3, np.nan], np.float32),
            "b": np.full(4, 5, np.float32),
            WINDOW_END: np.array([0, 1, 1, 1], np.float32),
        }
    )
    samples = window_set(table, ["a", "b"], (2, 2), "train")
    center, scale = standardizer(samples, True)
    np.testing.assert_allclose(center, [2, 5])
    np.testing.assert_allclose(scale, [float(np.std([1, 2, 3])), 1.0])
    assert standardizer(samples, False)[1].tolist() == [1, 1]
