"""Trains the genome VAE generator of the "Genome VAE Generator" project and exports its decoder.

    /usr/bin/python3 training/genome_vae.py --out packages/models/models/genome-vae-chlamydia

As the project describes it: chunks of 1,000 bases every 500 bases of a collection's genomes,
tokenised into 6-mers (a vocabulary of 4,096); an encoder (embedding of 64, a GRU of 128) to the
mean and log-variance of a 32-dimensional latent; the reparameterisation z = mu + sigma * eps; a
decoder (a GRU of 128 fed z at every position, then a linear layer to the 4,096 tokens); the loss is
the tokens' cross-entropy plus the KL divergence from N(0, I); Adam.

What the project leaves open, and what we chose:
- whether its 6-mers overlap: here they do not (a chunk is 166 tokens and its last 4 bases are
  dropped), so that any sequence of generated tokens spells a genome without conflicts;
- the network's layers beyond their sizes: GRUs, because the project's sizes are those of a
  recurrent sequence VAE; the decoder sees z at every step and no earlier output, so one run of
  the graph generates a whole chunk;
- its learning rate: 3e-3, for the few steps a CPU can afford.

What differs, and why: the project ran 10 epochs over all its chunks in batches of 64. One step of
64 chunks takes about 9 s on this project's 2-core machine (the 4,096-way output over 166 positions
dominates), so here `steps` batches of 16 are drawn at random chunk offsets (the seed fixes which):
400 steps, 6,400 chunks, about 18 minutes; the curve shows what more would give. The data: the
first `--train` genomes of a collection in name order; the others are held back for the
evaluation (`pnpm bench:generate`).

Writes `decoder.onnx` (input `z` [N, 32] float32, output `logits` [N, 166, 4096]; opset 17, dynamic
batch), `curve.csv` and `metrics.json` (with the held-back genomes' names).
"""
import argparse
import csv
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

from genomes import load_codes

CHUNK = 1000
STRIDE = 500
K = 6
TOKENS = CHUNK // K  # 166
VOCAB = 4 ** K
LATENT = 32
EMBED = 64
HIDDEN = 128


class GenomeVAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, EMBED)
        self.encoder = nn.GRU(EMBED, HIDDEN, batch_first=True)
        self.mu = nn.Linear(HIDDEN, LATENT)
        self.logvar = nn.Linear(HIDDEN, LATENT)
        self.decoder = Decoder()

    def forward(self, tokens):
        _, h = self.encoder(self.embed(tokens))
        mu, logvar = self.mu(h[-1]), self.logvar(h[-1])
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.decoder(z), mu, logvar


class Decoder(nn.Module):
    """z → token logits for every position of a chunk: a GRU fed z at each step (its first state from z)."""

    def __init__(self):
        super().__init__()
        self.start = nn.Linear(LATENT, HIDDEN)
        self.gru = nn.GRU(LATENT, HIDDEN, batch_first=True)
        self.out = nn.Linear(HIDDEN, VOCAB)

    def forward(self, z):
        steps = z.unsqueeze(1).expand(-1, TOKENS, -1).contiguous()
        h0 = torch.tanh(self.start(z)).unsqueeze(0)
        y, _ = self.gru(steps, h0)
        return self.out(y)


def tokens_of(chunks: np.ndarray) -> np.ndarray:
    """[N, CHUNK] codes → [N, TOKENS] non-overlapping 6-mer tokens (first base most significant)."""
    t = chunks[:, : TOKENS * K].reshape(len(chunks), TOKENS, K).astype(np.int64)
    value = np.zeros((len(chunks), TOKENS), dtype=np.int64)
    for i in range(K):
        value = value * 4 + t[:, :, i]
    return value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--collection", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "collections", "Chlamydia_trachomatis"))
    ap.add_argument("--train", type=int, default=45, help="genomes trained on (the first, by name); the rest are held back")
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--every", type=int, default=20, help="steps between curve rows")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    files = sorted(f for f in os.listdir(args.collection) if f.endswith((".fa", ".fasta", ".fna")))
    train_files, held_back = files[: args.train], files[args.train :]
    genomes = [load_codes(os.path.join(args.collection, f)) for f in train_files]
    # every chunk start (a multiple of STRIDE) of every training genome, drawn from uniformly
    starts = [(g, s) for g, codes in enumerate(genomes) for s in range(0, len(codes) - CHUNK + 1, STRIDE)]

    model = GenomeVAE()
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    ce = nn.CrossEntropyLoss()
    os.makedirs(args.out, exist_ok=True)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"parameters: {parameters:,} (decoder {sum(p.numel() for p in model.decoder.parameters()):,}); chunks {len(starts):,}", flush=True)

    started = time.time()
    rows = []
    recon_sum = kl_sum = acc_sum = 0.0
    for step in range(1, args.steps + 1):
        pick = rng.integers(0, len(starts), size=args.batch)
        chunks = np.stack([genomes[starts[i][0]][starts[i][1] : starts[i][1] + CHUNK] for i in pick])
        target = torch.from_numpy(tokens_of(chunks))
        model.train()
        optimiser.zero_grad()
        logits, mu, logvar = model(target)
        recon = ce(logits.reshape(-1, VOCAB), target.reshape(-1))
        kl = -0.5 * torch.mean(torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
        loss = recon + kl / TOKENS  # both per token
        loss.backward()
        optimiser.step()
        recon_sum += recon.item()
        kl_sum += kl.item()
        acc_sum += (logits.argmax(dim=2) == target).float().mean().item()
        if step % args.every == 0:
            row = [step, recon_sum / args.every, kl_sum / args.every, acc_sum / args.every, time.time() - started]
            rows.append(row)
            recon_sum = kl_sum = acc_sum = 0.0
            print("step %d: reconstruction %.4f nats/token, KL %.3f nats/chunk, token accuracy %.4f, %.0f s" % tuple(row), flush=True)

    with open(os.path.join(args.out, "curve.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "reconstruction_nats_per_token", "kl_nats_per_chunk", "token_accuracy", "seconds"])
        w.writerows([[r[0], f"{r[1]:.5f}", f"{r[2]:.4f}", f"{r[3]:.5f}", f"{r[4]:.1f}"] for r in rows])

    model.eval()
    torch.onnx.export(
        model.decoder,
        torch.zeros(1, LATENT),
        os.path.join(args.out, "decoder.onnx"),
        input_names=["z"],
        output_names=["logits"],
        dynamic_axes={"z": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=17,
    )
    metrics = {
        "chunk": CHUNK,
        "stride": STRIDE,
        "k": K,
        "tokens": TOKENS,
        "latent": LATENT,
        "parameters": parameters,
        "decoder_parameters": sum(p.numel() for p in model.decoder.parameters()),
        "collection": os.path.basename(os.path.normpath(args.collection)),
        "train_genomes": train_files,
        "held_back_genomes": held_back,
        "steps": args.steps,
        "batch": args.batch,
        "lr": args.lr,
        "seed": args.seed,
        "seconds": round(time.time() - started, 1),
        "final_reconstruction_nats_per_token": rows[-1][1] if rows else None,
        "final_token_accuracy": rows[-1][3] if rows else None,
        "torch": torch.__version__,
        "command": "/usr/bin/python3 training/genome_vae.py " + " ".join(
            f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k not in ("collection", "out", "threads", "every")
        ) + " --out " + os.path.relpath(args.out, os.path.join(os.path.dirname(__file__), "..")),
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    print(json.dumps({k: v for k, v in metrics.items() if k not in ("train_genomes",)}, indent=1))


if __name__ == "__main__":
    main()
