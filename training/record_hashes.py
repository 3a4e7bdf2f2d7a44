"""Writes the SHA-256 of a model's ONNX graphs into packages/models/src/index.ts (the MODELS table).

    /usr/bin/python3 training/record_hashes.py seqcoder-p4k1280

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
for graph in ("decoder", "encoder"):
    digest = hashlib.sha256(open(os.path.join(root, "models", name, f"{graph}.onnx"), "rb").read()).hexdigest()
    pattern = re.compile(r"(name: '" + re.escape(name) + r"'.*?" + graph + r"Sha256: ')([^']*)(')", re.S)
    source, n = pattern.subn(lambda m: m.group(1) + digest + m.group(3), source, count=1)
    if n != 1:
        sys.exit(f"no {graph}Sha256 for {name} in {source_path}")
    print(f"{name} {graph}.onnx sha256 {digest}")
open(source_path, "w").write(source)
