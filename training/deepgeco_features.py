"""Derives `warmstart-features.onnx` from a Warm-Start graph: the same network, the same weights, whose
one output `logits_features` [N, 64 + 192] is the logits followed by the input of the output layer
(the Dense layer's ReLU outputs, 128, then the flattened GRU outputs, 64). DeepGeCo's ULTRA mode
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

# the tensors torch.onnx.export names for WarmStart.forward's `torch.relu(self.dense(flat))` and `flat`
RELU, FLAT = "/Relu_output_0", "/Flatten_output_0"


def derive(folder: str) -> str:
    model = onnx.load(os.path.join(folder, "warmstart.onnx"))
    graph = model.graph
    produced = {out for node in graph.node for out in node.output}
    if RELU not in produced or FLAT not in produced:
        sys.exit(f"{folder}/warmstart.onnx has no {RELU} or {FLAT}: not a Warm-Start graph of deepgeco_warmstart.py")
    graph.node.append(helper.make_node("Concat", ["logits", RELU, FLAT], ["logits_features"], name="/logits_features/Concat", axis=1))
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info("logits_features", onnx.TensorProto.FLOAT, ["batch", 64 + 192]))
    onnx.checker.check_model(model)
    path = os.path.join(folder, "warmstart-features.onnx")
    onnx.save(model, path)
    return path


if __name__ == "__main__":
    print(derive(sys.argv[1]))
