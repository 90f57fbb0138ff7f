"""Arrow IPC stream frames ↔ numpy, without copies where Arrow's layout allows it.

A received zmq frame is wrapped as a pyarrow buffer (no copy), read as an IPC stream, and each
single-chunk, null-free numeric column is exposed as a numpy view of the frame's memory. Copies happen
only where they cannot be avoided: a column split over several record batches is concatenated, a
column with a validity bitmap is materialised with NaN for nulls, and the 2-D matrix a fitter asks for
is assembled column by column (Arrow is columnar, a row-major matrix is not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.ipc as ipc

AnyArray = npt.NDArray[Any]
F32Matrix = npt.NDArray[np.float32]


class FrameError(ValueError):
    """An Arrow payload that cannot be used as announced (not an IPC stream, missing column...)."""


def as_buffer(frame: Any) -> pa.Buffer:
    """A zmq.Frame, bytes or memoryview → pyarrow Buffer sharing the same memory."""
    data = frame.buffer if hasattr(frame, "buffer") else frame
    return pa.py_buffer(data)


def read_arrow(frame: Any) -> pa.Table:
    """Reads one Arrow IPC *stream* (schema + record batches) from a payload frame."""
    try:
        with ipc.open_stream(as_buffer(frame)) as reader:
            return reader.read_all()
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        raise FrameError(f"payload is not an Arrow IPC stream: {exc}") from exc


def column_to_numpy(column: pa.ChunkedArray) -> AnyArray:
    """One column as numpy: a zero-copy view when possible, NaN where Arrow has nulls."""
    if column.num_chunks == 0:
        return np.empty(0, dtype=column.type.to_pandas_dtype())
    chunk = column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)
    if chunk.null_count == 0:
        try:
            view: AnyArray = chunk.to_numpy(zero_copy_only=True)
            return view
        except pa.ArrowInvalid:
            pass  # e.g. booleans are bit-packed: fall through to a copying conversion
    if pa.types.is_floating(chunk.type) or pa.types.is_integer(chunk.type):
        dtype = np.float32 if chunk.type == pa.float32() else np.float64
        filled = chunk.cast(pa.from_numpy_dtype(dtype)).fill_null(np.nan)
        copied: AnyArray = filled.to_numpy(zero_copy_only=False)
        return copied
    converted: AnyArray = chunk.to_numpy(zero_copy_only=False)
    return converted


def table_columns(table: pa.Table) -> dict[str, AnyArray]:
    return {name: column_to_numpy(table.column(name)) for name in table.column_names}


def feature_matrix(table: pa.Table, features: Sequence[str]) -> F32Matrix:
    """The named columns stacked into an (n, f) float32 matrix (Fortran order: one copy per column)."""
    missing = [name for name in features if name not in table.column_names]
    if missing:
        raise FrameError(f"frame lacks feature column(s) {missing}; it has {table.column_names}")
    out = np.empty((table.num_rows, len(features)), dtype=np.float32, order="F")
    for j, name in enumerate(features):
        column = table.column(name)
        if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
            raise FrameError(f"feature column {name!r} has type {column.type}, expected float32")
        out[:, j] = column_to_numpy(column)
    return out


def write_arrow(columns: Mapping[str, AnyArray]) -> pa.Buffer:
    """Columns (equal lengths, 1-D) → one Arrow IPC stream; the result can be sent with copy=False."""
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        raise FrameError(f"columns differ in length: {lengths}")
    table = pa.table({name: pa.array(np.ascontiguousarray(values)) for name, values in columns.items()})
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def reencode(frame: Any) -> pa.Buffer:
    """Decode an Arrow frame to numpy and encode it again (the `echo` decode=true cost measurement)."""
    return write_arrow(table_columns(read_arrow(frame)))
