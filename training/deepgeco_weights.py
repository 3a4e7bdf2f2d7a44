"""Writes `warmstart.weights` from a Warm-Start graph: its weights as one flat little-endian file
that SeqCoder's own Warm-Start kernel (packages/neural/assembly/warmstart.ts, ADR 0030) reads, so
that the network runs without onnxruntime. The numbers are the graph's float32 initializers,
copied, not recomputed: the file and the graph are one trained model.

    /usr/bin/python3 training/deepgeco_weights.py packages/models/models/deepgeco-warmstart-h16c8

Deterministic: the same warmstart.onnx gives the same bytes. deepgeco_warmstart.py's graphs come in
two shapes, both read here: the full two-layer bidirectional GRU, and the trimmed graph whose second
layer runs each direction as its own GRU node. Run record_hashes.py afterwards.

Layout (every number little-endian; the header's eight u32, then float32 arrays, each row-major
[rows][columns], gates in ONNX's order z (update), r (reset), n (candidate)):

    "SQWS", version 1, k, context, embedding E, hidden H, dense D, vocabulary V
    embedding                       [V][E]
    four GRU directions, in order: first layer forward, first layer backward,
    second layer forward, second layer backward; each:
        W  (input weights)          [3H][E for the first layer, 2H for the second]
        R  (recurrent weights)      [3H][H]
        Wb, Rb (their biases)       [3H], [3H]
    dense          W [D][2H], b [D]      (its input: the second layer's two directions at the newest token)
    from_dense     W [V][D],  b [V]
    from_gru       W [V][2H], b [V]
"""
import os
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper

MAGIC, VERSION = b"SQWS", 1


def directions(graph: onnx.GraphProto, values: dict) -> list:
    """The (W, R, B) of each GRU direction, in graph order; a bidirectional node gives forward then backward."""
    found = []
    for node in graph.node:
        if node.op_type != "GRU":
            continue
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if attributes.get("linear_before_reset") != 1:
            sys.exit(f"GRU node {node.name} does not apply the reset after its linear map (PyTorch's GRU does)")
        w, r, b = (values[name] for name in node.input[1:4])
        found += [(w[d], r[d], b[d]) for d in range(w.shape[0])]
    return found


def main(folder: str) -> None:
    model = onnx.load(os.path.join(folder, "warmstart.onnx"))
    graph = model.graph
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    grus = directions(graph, values)
    if len(grus) != 4:
        sys.exit(f"{folder}/warmstart.onnx has {len(grus)} GRU directions, not the Warm-Start's four")
    embedding = values["embedding.weight"]
    vocabulary, width = embedding.shape
    hidden = grus[0][1].shape[1]
    dense = values["dense.weight"].shape[0]
    context = graph.input[0].type.tensor_type.shape.dim[1].dim_value
    k = round(np.log(vocabulary) / np.log(4))
    if values["dense.weight"].shape[1] != 2 * hidden:
        sys.exit("the Dense layer reads more than the newest token's GRU outputs: not a graph of jump >= context")
    arrays = [embedding]
    for w, r, b in grus:
        arrays += [w, r, b[: 3 * hidden], b[3 * hidden :]]
    for layer in ("dense", "from_dense", "from_gru"):
        arrays += [values[f"{layer}.weight"], values[f"{layer}.bias"]]
    path = os.path.join(folder, "warmstart.weights")
    with open(path, "wb") as out:
        out.write(MAGIC + struct.pack("<7I", VERSION, k, context, width, hidden, dense, vocabulary))
        for array in arrays:
            out.write(np.ascontiguousarray(array, dtype="<f4").tobytes())
    print(f"wrote {path}: k {k}, context {context}, embedding {width}, GRUs of {hidden}, dense {dense}, {sum(a.size for a in arrays)} weights")


if __name__ == "__main__":
    main(sys.argv[1])
