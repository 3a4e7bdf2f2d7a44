"""Trains the SeqCoder autoencoder on AeCa, HaHi and EsCo (../shared/data/dnacorpus), as the paper did.

    /usr/bin/python3 training/train.py --steps 1500 --batch 32 --out training/runs/cpu

Each step draws `batch` chunks of K bases at random offsets of the three training genomes (the seed
fixes which), and minimises MSE between the input values (code / 4) and the sigmoid output with
NAdam (lr 5e-4). The paper ran 20,000 steps per genome at batch 128 on two GPUs with fp16 autocast;
on a CPU we run fewer, in float32, and record the curve (curve.csv: step, loss, base accuracy of the
batch, seconds). The checkpoint is what export.py turns into the shipped ONNX graphs.
"""
import argparse
import csv
import os
import time

import numpy as np
import torch

from seqcoder_model import CODE, K, ConvolutionalAutoEncoder1D

TRAIN_FILES = ("AeCa", "HaHi", "EsCo")


def load_codes(path: str) -> np.ndarray:
    """A raw DNAcorpus file as codes 0..3 (A, T, C, G); any other letter is dropped."""
    raw = np.frombuffer(open(path, "rb").read().upper(), dtype=np.uint8)
    table = np.full(256, 255, dtype=np.uint8)
    for letter, code in CODE.items():
        table[letter] = code
    codes = table[raw]
    return codes[codes != 255]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "dnacorpus"))
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=1280)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "runs", "cpu"))
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    genomes = [load_codes(os.path.join(args.data, name)) for name in TRAIN_FILES]
    weights = np.array([len(g) for g in genomes], dtype=np.float64)
    weights /= weights.sum()

    model = ConvolutionalAutoEncoder1D()
    optimiser = torch.optim.NAdam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.MSELoss()
    os.makedirs(args.out, exist_ok=True)
    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}", flush=True)

    started = time.time()
    with open(os.path.join(args.out, "curve.csv"), "w", newline="") as curve_file:
        curve = csv.writer(curve_file)
        curve.writerow(["step", "loss", "accuracy", "seconds"])
        for step in range(1, args.steps + 1):
            batch = np.empty((args.batch, K), dtype=np.uint8)
            for row in range(args.batch):
                genome = genomes[rng.choice(len(genomes), p=weights)]
                offset = rng.integers(0, len(genome) - K + 1)
                batch[row] = genome[offset : offset + K]
            x = torch.from_numpy(batch).float().div_(4).unsqueeze(1)
            y = model(x)
            loss = loss_fn(y, x)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            if step % 10 == 0 or step == 1:
                accuracy = (torch.round(y.detach() * 4).clamp_(0, 3) == x * 4).float().mean().item()
                seconds = time.time() - started
                curve.writerow([step, f"{loss.item():.6f}", f"{accuracy:.4f}", f"{seconds:.1f}"])
                curve_file.flush()
                print(f"step {step}/{args.steps} loss {loss.item():.5f} accuracy {accuracy:.4f} {seconds:.0f} s", flush=True)
            if step % 100 == 0 or step == args.steps:
                torch.save({"model": model.state_dict(), "step": step, "args": vars(args)}, os.path.join(args.out, "checkpoint.pt"))


if __name__ == "__main__":
    main()
