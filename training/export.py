"""Exports a training checkpoint as the two ONNX graphs SeqCoder ships, and measures them.

    /usr/bin/python3 training/export.py --checkpoint training/runs/cpu/checkpoint.pt \
        --out packages/models/models/seqcoder-p4k1280

Writes encoder.onnx (bases (batch, 1, 1280) -> latents (batch, 4, 80)), decoder.onnx (latents ->
reconstruction (batch, 1, 1280) in (0, 1)), both with a dynamic batch axis and opset 17, and
metrics.json: parameter counts and the base-level reconstruction accuracy on every DNAcorpus file,
measured as the codec sees it (latents quantised to int8 per channel, symbol = round(4 * y), at most 3)
on --sample-windows evenly spaced windows per file (the bench measures every window through the codec).
"""
import argparse
import json
import os

import numpy as np
import onnx
import torch

from seqcoder_model import K, P, PAD, ConvolutionalAutoEncoder1D
from train import load_codes

FILES = ("AeCa", "HaHi", "EsCo", "HePy", "YeMi", "BuEb")


def windows(codes: np.ndarray) -> torch.Tensor:
    n = -(-len(codes) // K)
    padded = np.full(n * K, PAD, dtype=np.uint8)
    padded[: len(codes)] = codes
    return torch.from_numpy(padded.reshape(n, 1, K)).float().div_(4)


def quantise(z: torch.Tensor) -> torch.Tensor:
    """int8 symmetric per channel over the whole file, as @seqcoder/quantiser does."""
    scale = z.abs().amax(dim=(0, 2), keepdim=True).float() / 127
    q = torch.where(scale > 0, z / torch.where(scale > 0, scale, torch.ones_like(scale)), torch.zeros_like(z))
    q = torch.sign(q) * torch.floor(q.abs() + 0.5)
    return q.clamp(-127, 127) * scale


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--graphs-only", action="store_true", help="write the ONNX graphs, skip the measurements")
    ap.add_argument("--sample-windows", type=int, default=256, help="windows per file for the accuracy check (0: all)")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "dnacorpus"))
    args = ap.parse_args()

    saved = torch.load(args.checkpoint)
    model = ConvolutionalAutoEncoder1D()
    model.load_state_dict(saved["model"])
    model.eval()
    os.makedirs(args.out, exist_ok=True)

    example = torch.zeros(2, 1, K)
    for name, net, inputs, input_name, output_name in (
        ("encoder", model.encoder, example, "bases", "latents"),
        ("decoder", model.decoder, model.encoder(example).detach(), "latents", "reconstruction"),
    ):
        path = os.path.join(args.out, f"{name}.onnx")
        torch.onnx.export(
            net, inputs, path, opset_version=17, input_names=[input_name], output_names=[output_name],
            dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}}, do_constant_folding=True,
        )
        onnx.checker.check_model(onnx.load(path))

    if args.graphs_only:
        return
    accuracy = {}
    with torch.no_grad():
        for name in FILES:
            codes = load_codes(os.path.join(args.data, name))
            x = windows(codes)
            if args.sample_windows and len(x) > args.sample_windows:
                # Evenly spaced windows; quantisation scales then come from the sample, close to the whole file's.
                x = x[np.linspace(0, len(x) - 1, args.sample_windows).astype(np.int64)]
            hits = 0
            total = 0
            z_all = torch.cat([model.encoder(x[i : i + 64]) for i in range(0, len(x), 64)])
            z_all = quantise(z_all)
            for i in range(0, len(x), 64):
                y = model.decoder(z_all[i : i + 64])
                symbols = torch.round(y * 4).clamp(0, 3).to(torch.uint8).flatten()
                truth = (x[i : i + 64] * 4).to(torch.uint8).flatten()
                real = truth != PAD
                hits += int((symbols[real] == truth[real]).sum())
                total += int(real.sum())
            accuracy[name] = round(hits / total, 4)
            print(f"{name}: {total:,} bases measured, accuracy {accuracy[name]:.4f}", flush=True)

    metrics = {
        "step": saved["step"],
        # Paths relative to the repository root, so the metrics do not name this machine's folders.
        "training": {**saved["args"], "data": os.path.relpath(saved["args"]["data"], os.path.join(os.path.dirname(__file__), ".."))},
        "parameters": {
            "encoder": sum(p.numel() for p in model.encoder.parameters()),
            "decoder": sum(p.numel() for p in model.decoder.parameters()),
        },
        "K": K,
        "P": P,
        "accuracy": accuracy,
        "accuracy_sample_windows": args.sample_windows,
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
