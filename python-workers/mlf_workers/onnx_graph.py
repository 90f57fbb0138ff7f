"""ONNX graph helpers shared by fitters: the serving contract is float32 features in, float64 p_up out.

Converters such as skl2onnx emit a `label` output and an (n, 2) `probabilities` output. The TypeScript
side wants one named output per prediction (p_up, e_r, q05...), and parity with native predictions
within 1e-6, so `classifier_p_up` wraps a converter graph built for *double* input: the float32
features are cast to float64 at the graph input, every op then computes in float64 exactly like
scikit-learn's predict_proba on the same float32 values, and column 1 of the probabilities becomes p_up.
"""

from __future__ import annotations

import onnx
from onnx import TensorProto, helper

#: Default ONNX opset of the graphs we emit (onnxruntime-node 1.30 and onnxruntime 1.2x run it).
OPSET = 17
#: IR version matching OPSET, pinned so older runtimes accept the file.
IR_VERSION = 8
INPUT_NAME = "features"


def _prune(graph: onnx.GraphProto, outputs: set[str]) -> tuple[list[onnx.NodeProto], set[str]]:
    """Nodes needed to compute `outputs` (in topological order) and the names they read."""
    needed = set(outputs)
    kept: list[onnx.NodeProto] = []
    for node in reversed(graph.node):
        if any(name in needed for name in node.output):
            kept.append(node)
            needed.update(node.input)
    kept.reverse()
    return kept, needed


def finish_model(
    graph: onnx.GraphProto, domains: set[str], ml_opset: int = 3, ir_version: int = IR_VERSION
) -> onnx.ModelProto:
    """Attaches opsets (the default domain plus any other domain a kept node uses) and checks the model.

    Tree ensembles use ai.onnx.ml opset 5 (TreeEnsemble), which comes with IR version 10."""
    opsets = [helper.make_opsetid("", OPSET)]
    if "ai.onnx.ml" in domains:
        opsets.append(helper.make_opsetid("ai.onnx.ml", ml_opset))
    model = helper.make_model(graph, opset_imports=opsets, producer_name="mlf_workers")
    model.ir_version = ir_version
    onnx.checker.check_model(model, full_check=True)
    return model


def classifier_p_up(
    name: str,
    inner: onnx.ModelProto,
    inner_input: str,
    probabilities: str,
    n_features: int,
    positive_class: int = 1,
) -> onnx.ModelProto:
    """float32 `features` [n, f] → Cast(double) → inner graph → probabilities[:, positive_class] → p_up."""
    graph = inner.graph
    kept, needed = _prune(graph, {probabilities})
    initializers = [init for init in graph.initializer if init.name in needed]
    index = helper.make_tensor("p_up_class_index", TensorProto.INT64, dims=[], vals=[positive_class])
    nodes = [
        helper.make_node("Cast", [INPUT_NAME], [inner_input], to=TensorProto.DOUBLE, name="features_to_f64"),
        *kept,
        helper.make_node("Gather", [probabilities, index.name], ["p_up"], axis=1, name="p_up_column"),
    ]
    wrapped = helper.make_graph(
        nodes,
        name,  # converters name graphs with random uuids; a fixed name keeps the bytes reproducible
        inputs=[helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, n_features])],
        outputs=[helper.make_tensor_value_info("p_up", TensorProto.DOUBLE, [None])],
        initializer=[*initializers, index],
    )
    return finish_model(wrapped, {node.domain for node in kept})
