"""Gradient-boosted trees → one ONNX graph that computes exactly what the library computes, in float64.

Fitters read their booster's own dump (every split threshold and leaf value, exact) into FlatTrees and
hand one HeadTrees per requested output to `tree_ensemble_model`. The graph:

    features float32 [N, f] → Cast(double) → ai.onnx.ml TreeEnsemble (opset 5, T = double) per head
      → + base margin → Sigmoid (p_up only) → + row_nan → output [N] float64, named like the head

- Thresholds and leaf values are double tensors (`nodes_splits`, `leaf_weights`), so a float32 feature
  compared with a LightGBM threshold that float32 cannot represent (bin boundaries are doubles) goes the
  same way as inside LightGBM: both compare float64(x) with the same double. XGBoost's thresholds are
  float32 values and compare the same in double. The float32 → float64 cast of the input is exact.
- `mode` is the library's comparison: "BRANCH_LEQ" (LightGBM: x <= t goes left) or "BRANCH_LT" (XGBoost:
  x < t goes left); the true branch is always the left child.
- `row_nan` is 0 for rows whose features are all finite and NaN otherwise (sum over x * 0), so a row
  with a non-finite feature has no prediction, as the fitters' native predictions say too (same
  contract as logistic). Missing-value routing is still emitted faithfully for completeness.
- `sorted_heads` (the quantile heads, by ascending level) are put in order per row by a compare-exchange
  network of Min/Max (bubble order), so q05 <= q50 <= q95 holds in every served row. Min and Max pick
  one of their inputs, so the sorted values are the unsorted ones exactly (the fitters sort their
  native predictions the same way, and parity stays exact).
- ai.onnx.ml TreeEnsemble opset 5 (onnxruntime >= 1.18; onnxruntime-node 1.30 runs it) keeps the
  input type end to end, so scores are summed in double; the older TreeEnsembleRegressor always
  outputs float32, which would cost ~1e-7 of parity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from mlf_workers.onnx_graph import INPUT_NAME, finish_model

#: ai.onnx.ml opset of TreeEnsemble, and the IR version that goes with it (onnx 1.16).
ML_OPSET = 5
IR_VERSION = 10
MODES = {"BRANCH_LEQ": 0, "BRANCH_LT": 1}


@dataclass(frozen=True)
class FlatTree:
    """One tree as parallel per-node lists; node 0 is the root. A node with left == -1 is a leaf."""

    left: Sequence[int]
    right: Sequence[int]
    feature: Sequence[int]
    threshold: Sequence[float]
    #: Where a missing (NaN) value goes at a split: True = left.
    missing_left: Sequence[bool]
    #: Leaf value of a leaf node (ignored for splits).
    value: Sequence[float]


@dataclass(frozen=True)
class HeadTrees:
    """One output head: raw score = base + sum of the trees' leaf values; p_up applies the sigmoid."""

    name: str
    trees: Sequence[FlatTree]
    mode: str
    base: float = 0.0
    logistic: bool = False


def tree_ensemble_node(head: HeadTrees, input_name: str, output_name: str) -> onnx.NodeProto:
    """A TreeEnsemble node (one target, SUM) over float64 input: output [N, 1] double."""
    features: list[int] = []
    splits: list[float] = []
    missing: list[int] = []
    true_ids: list[int] = []
    true_leaf: list[int] = []
    false_ids: list[int] = []
    false_leaf: list[int] = []
    leaf_weights: list[float] = []
    roots: list[int] = []

    for tree in head.trees:
        if tree.left[0] == -1:  # a constant tree: one split whose both branches reach the leaf
            roots.append(len(features))
            features.append(0)
            splits.append(0.0)
            missing.append(0)
            true_ids.append(len(leaf_weights))
            true_leaf.append(1)
            false_ids.append(len(leaf_weights))
            false_leaf.append(1)
            leaf_weights.append(float(tree.value[0]))
            continue
        # Global ids: splits numbered in node order, leaves in node order, both within the ensemble.
        split_id: dict[int, int] = {}
        leaf_id: dict[int, int] = {}
        for node in range(len(tree.left)):
            if tree.left[node] == -1:
                leaf_id[node] = len(leaf_weights)
                leaf_weights.append(float(tree.value[node]))
            else:
                split_id[node] = len(features) + len(split_id)
        roots.append(split_id[0])
        for node in sorted(split_id):
            features.append(int(tree.feature[node]))
            splits.append(float(tree.threshold[node]))
            missing.append(1 if tree.missing_left[node] else 0)
            for child, ids, is_leaf in (
                (tree.left[node], true_ids, true_leaf),
                (tree.right[node], false_ids, false_leaf),
            ):
                if child in leaf_id:
                    ids.append(leaf_id[child])
                    is_leaf.append(1)
                else:
                    ids.append(split_id[child])
                    is_leaf.append(0)

    return helper.make_node(
        "TreeEnsemble",
        [input_name],
        [output_name],
        name=f"{head.name}_trees",
        domain="ai.onnx.ml",
        aggregate_function=1,  # SUM
        post_transform=0,  # NONE: the sigmoid is a separate, standard op
        n_targets=1,
        tree_roots=roots,
        nodes_featureids=features,
        nodes_modes=numpy_helper.from_array(
            np.full(len(features), MODES[head.mode], dtype=np.uint8), f"{head.name}_modes"
        ),
        nodes_splits=numpy_helper.from_array(np.asarray(splits, dtype=np.float64), f"{head.name}_splits"),
        nodes_missing_value_tracks_true=missing,
        nodes_truenodeids=true_ids,
        nodes_trueleafs=true_leaf,
        nodes_falsenodeids=false_ids,
        nodes_falseleafs=false_leaf,
        leaf_targetids=[0] * len(leaf_weights),
        leaf_weights=numpy_helper.from_array(
            np.asarray(leaf_weights, dtype=np.float64), f"{head.name}_leaf_weights"
        ),
    )


def sort_network(names: Sequence[str], suffix: str) -> list[onnx.NodeProto]:
    """Nodes reading `<name><suffix>` for each name and writing `<name>` in ascending order per row:
    bubble-order compare-exchanges (Min to the lower slot, Max to the upper), then Identity."""
    current = [f"{n}{suffix}" for n in names]
    nodes: list[onnx.NodeProto] = []
    step = 0
    for i in range(len(names) - 1):
        for j in range(len(names) - 1 - i):
            low, high = f"sort{step}_min", f"sort{step}_max"
            nodes.append(helper.make_node("Min", [current[j], current[j + 1]], [low], name=low))
            nodes.append(helper.make_node("Max", [current[j], current[j + 1]], [high], name=high))
            current[j], current[j + 1] = low, high
            step += 1
    nodes += [
        helper.make_node("Identity", [c], [n], name=f"{n}_sorted")
        for c, n in zip(current, names, strict=True)
    ]
    return nodes


def tree_ensemble_model(
    graph_name: str,
    n_features: int,
    heads: Sequence[HeadTrees],
    zero_band: float = 0.0,
    sorted_heads: Sequence[str] = (),
) -> onnx.ModelProto:
    """float32 `features` [N, f] → one float64 [N] output per head, named like the head.

    `zero_band` > 0: inputs with |x| <= zero_band are read as 0.0 before the trees, as LightGBM does
    (it drops such values from a row, and a dropped value is 0). `sorted_heads`: heads whose values are
    put in that order per row (quantile heads, by ascending level)."""
    head_names = {h.name for h in heads}
    if not set(sorted_heads) <= head_names:
        raise ValueError(
            f"tree_onnx: sorted_heads {list(sorted_heads)} are not all heads of {sorted(head_names)}"
        )
    sort = len(sorted_heads) >= 2
    x64 = "features_f64"
    nodes = [
        helper.make_node("Cast", [INPUT_NAME], [x64], to=TensorProto.DOUBLE, name="features_to_f64"),
        helper.make_node("Mul", [x64, "zero"], ["features_times_zero"], name="non_finite_probe"),
        helper.make_node("ReduceSum", ["features_times_zero", "feature_axis"], ["row_nan"], keepdims=0),
    ]
    initializers = [
        numpy_helper.from_array(np.zeros((), dtype=np.float64), "zero"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "feature_axis"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat_shape"),
    ]
    tree_input = x64
    if zero_band > 0.0:
        initializers.append(numpy_helper.from_array(np.array(zero_band, dtype=np.float64), "zero_band"))
        nodes += [
            helper.make_node("Abs", [x64], ["features_abs"]),
            helper.make_node("LessOrEqual", ["features_abs", "zero_band"], ["in_zero_band"]),
            helper.make_node("Where", ["in_zero_band", "zero", x64], ["features_zero_banded"]),
        ]
        tree_input = "features_zero_banded"
    outputs = []
    for head in heads:
        name = head.name
        nodes.append(tree_ensemble_node(head, tree_input, f"{name}_sum"))
        nodes.append(helper.make_node("Reshape", [f"{name}_sum", "flat_shape"], [f"{name}_margin0"]))
        margin = f"{name}_margin0"
        if head.base != 0.0:
            initializers.append(
                numpy_helper.from_array(np.array(head.base, dtype=np.float64), f"{name}_base")
            )
            nodes.append(helper.make_node("Add", [margin, f"{name}_base"], [f"{name}_margin"]))
            margin = f"{name}_margin"
        if head.logistic:
            nodes.append(helper.make_node("Sigmoid", [margin], [f"{name}_value"]))
            margin = f"{name}_value"
        out = f"{name}_unsorted" if sort and name in sorted_heads else name
        nodes.append(helper.make_node("Add", [margin, "row_nan"], [out], name=f"{name}_output"))
        outputs.append(helper.make_tensor_value_info(name, TensorProto.DOUBLE, [None]))
    if sort:
        nodes += sort_network(sorted_heads, "_unsorted")
    graph = helper.make_graph(
        nodes,
        graph_name,
        inputs=[helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, n_features])],
        outputs=outputs,
        initializer=initializers,
    )
    return finish_model(graph, {"", "ai.onnx.ml"}, ml_opset=ML_OPSET, ir_version=IR_VERSION)
