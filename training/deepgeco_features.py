"""Derives `warmstart-features.onnx` from a Warm-Start graph: the same network, the same weights, whose
one output `logits_features` [N, 64 + features] is the logits followed by the input of the output
layer (the Dense layer's ReLU outputs, 128, then the flattened GRU outputs: 64 at GRUs of 32). DeepGeCo's ULTRA mode
fine-tunes that output layer on the record it codes, so it needs the features as well as the
logits; one output keeps the runtime contract (one input, one output) as it is.

    /usr/bin/python3 training/deepgeco_features.py packages/models/models/deepgeco-warmstart-h32c16

Deterministic: the same warmstart.onnx gives the same bytes. deepgeco_warmstart.py runs it after
every export; run record_hashes.py afterwards.
"""
import os
import sys

import onnx
import onnx.helper as helper

# the output layer: the nodes torch.onnx.export names for WarmStart.forward's
# `self.from_dense(torch.relu(self.dense(flat)))` and `self.from_gru(flat)`; their inputs are the features
FROM_DENSE, FROM_GRU = "/from_dense/Gemm", "/from_gru/Gemm"


def derive(folder: str) -> str:
    model = onnx.load(os.path.join(folder, "warmstart.onnx"))
    graph = model.graph
    nodes = {node.name: node for node in graph.node}
    if FROM_DENSE not in nodes or FROM_GRU not in nodes:
        sys.exit(f"{folder}/warmstart.onnx has no {FROM_DENSE} or {FROM_GRU}: not a Warm-Start graph of deepgeco_warmstart.py")
    relu, flat = nodes[FROM_DENSE].input[0], nodes[FROM_GRU].input[0]
    # the output layer's weights are [64, width] (Gemm with transB): the widths of the features
    shapes = {t.name: list(t.dims) for t in graph.initializer}
    width = shapes[nodes[FROM_DENSE].input[1]][1] + shapes[nodes[FROM_GRU].input[1]][1]
    graph.node.append(helper.make_node("Concat", ["logits", relu, flat], ["logits_features"], name="/logits_features/Concat", axis=1))
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info("logits_features", onnx.TensorProto.FLOAT, ["batch", 64 + width]))
    onnx.checker.check_model(model)
    path = os.path.join(folder, "warmstart-features.onnx")
    onnx.save(model, path)
    return path


if __name__ == "__main__":
    print(derive(sys.argv[1]))
