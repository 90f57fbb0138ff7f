"""python-workers/tools/bench_seq_fit.py, the device-side half of the sequence-model benchmark: it must
read the frames the Node benchmark writes, fit exactly the budget it is given and report what it
measured per model (no timing is asserted), and name an unknown model instead of fitting nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

# A script beside the package (run as a file on the GPU machine), not a module of it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import bench_seq_fit

from mlf_workers.models.torch_base.windows import WINDOW_END

SMALL = ["--epochs", "2", "--batch-size", "32", "--train", "96", "--valid", "32"]


def test_synthetic_frame_is_a_bar_layout_frame() -> None:
    table = bench_seq_fit.synthetic_frame(np.random.default_rng(0), samples=10, window=4, features=3)
    assert table.num_rows == 13
    assert table.column_names == ["f0", "f1", "f2", WINDOW_END, "target_ret", "target_label"]
    marks = table.column(WINDOW_END).to_numpy()
    assert marks.tolist() == [0.0] * 3 + [1.0] * 10
    ret = table.column("target_ret").to_numpy()
    assert np.isnan(ret[:3]).all() and np.isfinite(ret[3:]).all()
    label = table.column("target_label").to_numpy()
    assert np.array_equal(label[3:], np.sign(ret[3:]))


def test_fits_the_given_budget_from_frames_on_disk(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    for name, samples in (("train", 96), ("valid", 32)):
        table = bench_seq_fit.synthetic_frame(rng, samples, window=8, features=3)
        with ipc.new_stream(pa.OSFile(str(tmp_path / f"{name}.arrow"), "wb"), table.schema) as writer:
            writer.write_table(table)
    (tmp_path / "frames.json").write_text(json.dumps({"input_shape": [8, 3]}))
    out = tmp_path / "out.json"
    code = bench_seq_fit.main(
        ["--frames", str(tmp_path), "--models", "dlinear,quantile_rnn", "--json", str(out), *SMALL]
    )
    assert code == 0
    summary = json.loads(out.read_text())
    assert summary["input_shape"] == [8, 3]
    assert (summary["train_windows"], summary["valid_windows"]) == (96, 32)
    assert [r["model"] for r in summary["results"]] == ["dlinear", "quantile_rnn"]
    for row in summary["results"]:
        assert "error" not in row, row
        assert row["epochs"] == 2  # patience 0: the whole budget runs
        assert row["fit_s"] >= row["train_s"] > 0
        assert row["onnx_bytes"] > 0 and row["parameters"] > 0


def test_unknown_model_is_named() -> None:
    with pytest.raises(SystemExit):
        bench_seq_fit.main(["--models", "dlinear,transformerx", *SMALL])
