"""Trains DeepGeCo's Warm-Start model (the frozen, pre-trained half of its predictor) and exports it.

    /usr/bin/python3 training/deepgeco_warmstart.py --out packages/models/models/deepgeco-warmstart-h32c16

The model, as the DeepGeCo paper sets it (after DZIP's bootstrap model, which it follows): the
sequence as (3, 3)-mer tokens (three bases each, no overlap: 64 symbols); the last `c` tokens
embedded in 16 dimensions; two bidirectional GRU layers; the outputs at every `jump`-th step
counted back from the newest, flattened; a Dense layer of 128 with ReLU; the logits of the next
token are a linear map of that plus a linear map of the flattened GRU outputs.

What the paper leaves open, chosen here by measured cost (see the model card): the GRU width
(`hidden`, 32) and the context (`c`, 16 tokens = 48 bases). DZIP's own sizes for a 64-symbol
alphabet (GRUs of 128, 64 tokens) cost 7.5 s per training step of 256 windows on this project's
2-core machine against 0.15 s, and 26 million multiply-adds per predicted token against 0.46
million: that size can neither be trained nor run on one CPU core at useful speed.

Data: the genomes of ../shared/data/genomes except E. coli K-12 MG1655 (DNAcorpus's EsCo is that
genome) and its derivative BW25113, and except Salmonella LT2, held back for validation; plus the
nine Blochmannia genomes and the first genome of each other collection. Never a DNAcorpus file.
Each batch draws windows at random offsets of random genomes (weighted by length), on a random
strand, so the token frame relative to a record's start does not matter.

Writes `warmstart.onnx` (input `tokens` [N, c] float32 token ids 0..63, output `logits` [N, 64];
opset 17, dynamic batch), its twin `warmstart-features.onnx` (deepgeco_features.py), the weights
for SeqCoder's kernel `warmstart.weights` (deepgeco_weights.py), `curve.csv` and `metrics.json`
into --out.
"""
import argparse
import csv
import glob
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn

from deepgeco_features import derive as derive_features
from deepgeco_weights import main as write_weights
from genomes import load_codes

HELD_OUT = "Salmonella_enterica_Typhimurium_LT2_GCF_000006945.1.fa"
EXCLUDED = (
    "Escherichia_coli_K-12_MG1655_NC_000913.3.fa",  # DNAcorpus EsCo
    "Escherichia_coli_BW25113_CP009273.1.fa",  # a K-12 derivative: nearly the same genome
    HELD_OUT,
)
K = 3  # bases per token
VOCAB = 4**K


class WarmStart(nn.Module):
    """Embedding 16 → 2 × BiGRU(hidden) → every jump-th output from the newest → Dense 128 (ReLU) → logits."""

    def __init__(self, hidden: int, context: int, jump: int):
        super().__init__()
        self.context = context
        self.picked = list(range(context - 1, -1, -jump))[::-1]
        width = 2 * hidden * len(self.picked)
        self.embedding = nn.Embedding(VOCAB, 16)
        self.gru = nn.GRU(16, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.dense = nn.Linear(width, 128)
        self.from_dense = nn.Linear(128, VOCAB)
        self.from_gru = nn.Linear(width, VOCAB)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        # float token ids in (the runtime contract passes float32), cast inside the graph
        out, _ = self.gru(self.embedding(tokens.long()))
        flat = out[:, self.picked, :].flatten(1)
        return self.from_dense(torch.relu(self.dense(flat))) + self.from_gru(flat)


class TrimmedWarmStart(nn.Module):
    """A trained WarmStart as a cheaper graph that computes the same function, for export.

    The last GRU layer's backward direction feeds only the output at the newest step, where it has
    read that one step: running it over the whole context, as a two-layer bidirectional nn.GRU
    does, is wasted work (a quarter of the multiply-adds at GRUs of 16 over 8 tokens). Here that
    direction runs on the newest step alone. The weights are the trained model's, and the export
    checks that PyTorch gives the same logits to the bit on 2,000 held-out windows; onnxruntime-web
    runs the graph about 1.5 times as fast. Only for models whose one picked output is the newest
    step (jump >= context).
    """

    def __init__(self, model: WarmStart):
        super().__init__()
        gru = model.gru
        if model.picked != [model.context - 1]:
            raise ValueError("a trimmed graph needs jump >= context (the newest output alone)")
        hidden = gru.hidden_size
        weights = gru.state_dict()
        self.embedding = model.embedding
        self.first = nn.GRU(gru.input_size, hidden, bidirectional=True, batch_first=True)
        self.first.load_state_dict({k: v for k, v in weights.items() if k.endswith("_l0") or k.endswith("_l0_reverse")})
        self.second_forward = nn.GRU(2 * hidden, hidden, batch_first=True)
        self.second_forward.load_state_dict({k[: -len("_l1")] + "_l0": v for k, v in weights.items() if k.endswith("_l1")})
        self.second_backward = nn.GRU(2 * hidden, hidden, batch_first=True)
        self.second_backward.load_state_dict({k[: -len("_l1_reverse")] + "_l0": v for k, v in weights.items() if k.endswith("_l1_reverse")})
        self.dense, self.from_dense, self.from_gru = model.dense, model.from_dense, model.from_gru

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        first, _ = self.first(self.embedding(tokens.long()))
        forward, _ = self.second_forward(first)
        backward, _ = self.second_backward(first[:, -1:, :])
        flat = torch.cat([forward[:, -1, :], backward[:, 0, :]], dim=1)
        return self.from_dense(torch.relu(self.dense(flat))) + self.from_gru(flat)


def training_genomes(data: str) -> list[str]:
    paths = [p for p in sorted(glob.glob(os.path.join(data, "genomes", "*.fa"))) if os.path.basename(p) not in EXCLUDED]
    paths += sorted(glob.glob(os.path.join(data, "collections", "Blochmannia", "*")))
    for name in ("Chlamydia_trachomatis", "Listeria_monocytogenes_drafts", "Enterococcus_faecalis_drafts"):
        paths.append(sorted(glob.glob(os.path.join(data, "collections", name, "*")))[0])
    return paths


class Windows:
    """Random windows of (c + 1) tokens from a set of genomes, both strands."""

    def __init__(self, paths: list[str], context: int, rng: np.random.Generator):
        forward = [load_codes(p) for p in paths]
        self.strands = forward + [(3 - g)[::-1].copy() for g in forward]
        self.lengths = np.array([len(g) for g in self.strands], dtype=np.float64)
        self.span = K * (context + 1)
        self.rng = rng

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        which = self.rng.choice(len(self.strands), size=n, p=self.lengths / self.lengths.sum())
        rows = np.empty((n, self.span), dtype=np.int64)
        for i, g in enumerate(which):
            seq = self.strands[g]
            start = self.rng.integers(0, len(seq) - self.span)
            rows[i] = seq[start : start + self.span]
        tokens = torch.from_numpy(rows.reshape(n, -1, K) @ np.array([16, 4, 1]))
        return tokens[:, :-1], tokens[:, -1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--context", type=int, default=16, help="tokens of context (c)")
    ap.add_argument("--jump", type=int, default=16)
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--graph",
        choices=("full", "trimmed"),
        default="full",
        help="exported graph: the model as trained (full), or TrimmedWarmStart, the same function at less cost "
        "(deepgeco-warmstart-h32c16 shipped full; h16c8 trimmed)",
    )
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)

    paths = training_genomes(args.data)
    train = Windows(paths, args.context, np.random.default_rng(args.seed))
    held = Windows([os.path.join(args.data, "genomes", HELD_OUT)], args.context, np.random.default_rng(args.seed + 1))
    val_x, val_y = held.batch(20000)

    model = WarmStart(args.hidden, args.context, args.jump)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    # cosine decay to 5% of the rate over the run
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * s / args.steps)))
    loss_fn = nn.CrossEntropyLoss()
    to_bits_per_base = 1 / (math.log(2) * K)

    def validate() -> float:
        model.eval()
        with torch.no_grad():
            loss = sum(loss_fn(model(val_x[i : i + 2000].float()), val_y[i : i + 2000]).item() for i in range(0, 20000, 2000)) / 10
        model.train()
        return loss * to_bits_per_base

    curve = [("step", "train_bits_per_base", "validation_bits_per_base", "lr", "seconds")]
    started = time.time()
    running = 0.0
    for step in range(1, args.steps + 1):
        x, y = train.batch(args.batch)
        loss = loss_fn(model(x.float()), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item()
        if step % 250 == 0 or step == args.steps:
            n = 250 if step % 250 == 0 else step % 250
            row = (step, round(running / n * to_bits_per_base, 4), round(validate(), 4), round(sched.get_last_lr()[0], 6), round(time.time() - started, 1))
            running = 0.0
            curve.append(row)
            print(*row, flush=True)
    seconds = time.time() - started

    with open(os.path.join(args.out, "curve.csv"), "w", newline="") as f:
        csv.writer(f).writerows(curve)
    model.eval()
    exported = model
    if args.graph == "trimmed":
        exported = TrimmedWarmStart(model).eval()
        with torch.no_grad():
            check = val_x[:2000].float()
            if not torch.equal(model(check), exported(check)):
                raise SystemExit("the trimmed graph does not compute the model's logits")
    torch.onnx.export(
        exported,
        torch.zeros(2, args.context),
        os.path.join(args.out, "warmstart.onnx"),
        input_names=["tokens"],
        output_names=["logits"],
        dynamic_axes={"tokens": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=17,
        do_constant_folding=True,
    )
    derive_features(args.out)  # the same graph with the output layer's input as a second output (ULTRA)
    write_weights(args.out)  # its weights for SeqCoder's own kernel (ADR 0030)
    metrics = {
        "tokenBases": K,
        "context": args.context,
        "hidden": args.hidden,
        "jump": args.jump,
        "parameters": params,
        "steps": args.steps,
        "batch": args.batch,
        "lr": args.lr,
        "seed": args.seed,
        "threads": args.threads,
        "seconds": round(seconds, 1),
        "trainedOn": [os.path.relpath(p, args.data) for p in paths],
        "heldOut": HELD_OUT,
        "heldOutBitsPerBase": curve[-1][2],
        "command": "/usr/bin/python3 training/deepgeco_warmstart.py " + " ".join(
            f"--{k} {v}" for k, v in vars(args).items() if k not in ("data",)
        ),
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
