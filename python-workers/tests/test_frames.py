"""Arrow IPC frames ↔ numpy: property-based round trips, zero-copy views, nulls, errors."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from fit_data import arrow_bytes
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlf_workers.frames import FrameError, column_to_numpy, feature_matrix, read_arrow, reencode, write_arrow

float32s = st.floats(width=32, allow_nan=True, allow_infinity=True)


@st.composite
def tables(draw: st.DrawFn, dtypes: tuple[type, ...] = (np.float32, np.float64)) -> dict[str, np.ndarray]:
    rows = draw(st.integers(0, 300))
    cols = draw(st.integers(1, 8))
    dtype = draw(st.sampled_from(dtypes))
    elements = float32s if dtype == np.float32 else st.floats(allow_nan=True, allow_infinity=True)
    return {f"c{j}": draw(hnp.arrays(dtype, rows, elements=elements)) for j in range(cols)}


@settings(max_examples=60, deadline=None)
@given(tables())
def test_write_then_read_round_trips_bit_for_bit(columns: dict[str, np.ndarray]) -> None:
    table = read_arrow(bytes(write_arrow(columns)))
    assert table.column_names == list(columns)
    for name, values in columns.items():
        back = column_to_numpy(table.column(name))
        assert back.dtype == values.dtype
        assert back.tobytes() == values.tobytes()  # NaN payloads and signed zeros included


@settings(max_examples=40, deadline=None)
@given(tables(dtypes=(np.float32,)))
def test_feature_matrix_equals_column_stack(columns: dict[str, np.ndarray]) -> None:
    table = read_arrow(bytes(write_arrow(columns)))
    matrix = feature_matrix(table, list(columns))
    expected = np.column_stack(list(columns.values())).reshape(matrix.shape)
    assert matrix.dtype == np.float32
    assert matrix.tobytes() == expected.tobytes()


@settings(max_examples=30, deadline=None)
@given(tables())
def test_reencode_preserves_the_table(columns: dict[str, np.ndarray]) -> None:
    again = read_arrow(reencode(write_arrow(columns)))
    assert again.schema.names == list(columns)
    for name, values in columns.items():
        assert column_to_numpy(again.column(name)).tobytes() == values.tobytes()


def test_single_batch_columns_are_views_of_the_received_frame() -> None:
    frame = bytearray(arrow_bytes(pa.table({"a": np.arange(1000, dtype=np.float32)})))
    column = column_to_numpy(read_arrow(frame).column("a"))
    assert not column.flags.owndata
    # Mutating the frame's memory shows through: no copy was made.
    address = column.__array_interface__["data"][0]
    frame_address = np.frombuffer(frame, dtype=np.uint8).__array_interface__["data"][0]
    assert frame_address <= address < frame_address + len(frame)


def test_nulls_become_nan_and_multi_batch_columns_concatenate() -> None:
    batch1 = pa.record_batch({"a": pa.array([1.0, None, 3.0], pa.float32())})
    batch2 = pa.record_batch({"a": pa.array([4.0, 5.0], pa.float32())})
    table = pa.Table.from_batches([batch1, batch2])
    values = column_to_numpy(read_arrow(arrow_bytes(table)).column("a"))
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, np.array([1, np.nan, 3, 4, 5], dtype=np.float32))


def test_errors() -> None:
    with pytest.raises(FrameError, match="not an Arrow IPC stream"):
        read_arrow(b"\x00\x01 definitely not arrow")
    table = read_arrow(arrow_bytes(pa.table({"a": pa.array([1.0], pa.float32()), "s": ["x"]})))
    with pytest.raises(FrameError, match="lacks feature column"):
        feature_matrix(table, ["a", "b"])
    with pytest.raises(FrameError, match="expected float32"):
        feature_matrix(table, ["s"])
    with pytest.raises(FrameError, match="differ in length"):
        write_arrow({"a": np.zeros(2), "b": np.zeros(3)})
