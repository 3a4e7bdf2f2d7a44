"""Writes the SHA-256 of a model's ONNX graphs into packages/models/src/index.ts (the MODELS table,
or, for a model of one graph, the DENOISERS table (denoiser.onnx), GENERATORS (a decoder.onnx
alone) or WARM_STARTS (warmstart.onnx, its twin warmstart-features.onnx, and warmstart.weights)).

    /usr/bin/python3 training/record_hashes.py seqcoder-p4k1280
    /usr/bin/python3 training/record_hashes.py kmer-denoiser-k31
    /usr/bin/python3 training/record_hashes.py genome-vae-chlamydia
    /usr/bin/python3 training/record_hashes.py deepgeco-warmstart-h32c16

Run after export.py: files name their model by the decoder's hash, so the table must match the
shipped graphs (packages/models/test checks that it does).
"""
import hashlib
import os
import re
import sys

root = os.path.join(os.path.dirname(__file__), "..", "packages", "models")
name = sys.argv[1] if len(sys.argv) > 1 else "seqcoder-p4k1280"
source_path = os.path.join(root, "src", "index.ts")
source = open(source_path).read()
folder = os.path.join(root, "models", name)
# a k-mer denoiser, a generator (a decoder.onnx alone) or a warm-start model: one graph, one `sha256` field
single = [g for g in ("denoiser.onnx", "decoder.onnx", "warmstart.onnx") if os.path.exists(os.path.join(folder, g))]
if single and not os.path.exists(os.path.join(folder, "encoder.onnx")):
    digest = hashlib.sha256(open(os.path.join(folder, single[0]), "rb").read()).hexdigest()
    pattern = re.compile(r"(name: '" + re.escape(name) + r"',\s[^}]*?sha256: ')([^']*)(')")
    source, n = pattern.subn(lambda m: m.group(1) + digest + m.group(3), source, count=1)
    if n != 1:
        sys.exit(f"no DENOISERS, GENERATORS or WARM_STARTS entry for {name} in {source_path}")
    print(f"{name} {single[0]} sha256 {digest}")
    if single[0] == "warmstart.onnx":
        # a warm-start model's other files: its ULTRA graph (deepgeco_features.py) and its weights
        # for SeqCoder's kernel (deepgeco_weights.py), each with a field of its own
        for file, field in (("warmstart-features.onnx", "featuresSha256"), ("warmstart.weights", "weightsSha256")):
            if not os.path.exists(os.path.join(folder, file)):
                continue
            digest = hashlib.sha256(open(os.path.join(folder, file), "rb").read()).hexdigest()
            pattern = re.compile(r"(name: '" + re.escape(name) + r"',\s[^}]*?" + field + r": ')([^']*)(')")
            source, n = pattern.subn(lambda m: m.group(1) + digest + m.group(3), source, count=1)
            if n != 1:
                sys.exit(f"no {field} in the WARM_STARTS entry for {name} in {source_path}")
            print(f"{name} {file} sha256 {digest}")
    open(source_path, "w").write(source)
    sys.exit(0)
for graph in ("decoder", "encoder"):
    digest = hashlib.sha256(open(os.path.join(root, "models", name, f"{graph}.onnx"), "rb").read()).hexdigest()
    pattern = re.compile(r"(name: '" + re.escape(name) + r"'.*?" + graph + r"Sha256: ')([^']*)(')", re.S)
    source, n = pattern.subn(lambda m: m.group(1) + digest + m.group(3), source, count=1)
    if n != 1:
        sys.exit(f"no {graph}Sha256 for {name} in {source_path}")
    print(f"{name} {graph}.onnx sha256 {digest}")
open(source_path, "w").write(source)
