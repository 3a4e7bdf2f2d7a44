"""Trains the SeqCoder autoencoder on AeCa, HaHi and EsCo (../shared/data/dnacorpus), as the paper did.

    /usr/bin/python3 training/train.py --steps 1500 --batch 32 --out training/runs/cpu
    python3 training/train.py --device cuda --amp fp16 --sampler batch --steps 60000 --batch 128 \
        --max-seconds 470 --log-every 100 --checkpoint-every 2000 --out training/runs/gpu

Each step draws `batch` chunks of K bases at random offsets of the three training genomes (the seed
fixes which), and minimises MSE between the input values (code / 4) and the sigmoid output with
NAdam (lr 5e-4). The paper ran 20,000 steps per genome at batch 128 on two GPUs with fp16 autocast;
on a CPU we run fewer, in float32, and record the curve (curve.csv: step, loss, base accuracy of the
batch, seconds). The checkpoint (its weights always on the CPU) is what export.py turns into the
shipped ONNX graphs.

On a GPU the per-row drawing of windows would take longer than the step itself, so `--sampler
batch` draws a whole batch with one call of each generator function: other windows than `row`
draws from the same seed, which is why `row` stays the default (it reproduces the CPU model).
`--max-seconds` ends the run early, with a checkpoint, when a lent machine has only so long.
"""
import argparse
import contextlib
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
    ap.add_argument("--device", default="cpu", help="cpu, or cuda where PyTorch sees a GPU")
    ap.add_argument("--amp", choices=("off", "fp16"), default="off", help="fp16 autocast with loss scaling, as the paper trained (GPU only)")
    ap.add_argument("--sampler", choices=("row", "batch"), default="row", help="how windows are drawn (see above)")
    ap.add_argument("--max-seconds", type=float, default=0, help="stop after this long, with a checkpoint (0: run every step)")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--checkpoint-every", type=int, default=100)
    args = ap.parse_args()
    if args.device != "cpu" and not torch.cuda.is_available():
        raise SystemExit(f"--device {args.device}: PyTorch sees no GPU here")
    if args.amp != "off" and args.device == "cpu":
        raise SystemExit("--amp needs a GPU")
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # every batch has the same shape

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    genomes = [load_codes(os.path.join(args.data, name)) for name in TRAIN_FILES]
    weights = np.array([len(g) for g in genomes], dtype=np.float64)
    weights /= weights.sum()
    offsets_end = np.array([len(g) - K + 1 for g in genomes])

    def draw() -> np.ndarray:
        if args.sampler == "row":
            # a genome, then an offset, row by row: the order the CPU model's windows were drawn in
            draws = []
            for _ in range(args.batch):
                g = rng.choice(len(genomes), p=weights)
                draws.append((g, rng.integers(0, offsets_end[g])))
        else:
            which = rng.choice(len(genomes), size=args.batch, p=weights)
            draws = zip(which, rng.integers(0, offsets_end[which]))
        batch = np.empty((args.batch, K), dtype=np.uint8)
        for row, (g, offset) in enumerate(draws):
            batch[row] = genomes[g][offset : offset + K]
        return batch

    model = ConvolutionalAutoEncoder1D().to(device)
    optimiser = torch.optim.NAdam(model.parameters(), lr=args.lr)
    fp16 = args.amp == "fp16"
    # torch.amp.GradScaler is the newer name; Debian's PyTorch 1.13 has only torch.cuda.amp's.
    scaler = torch.amp.GradScaler("cuda", enabled=fp16) if hasattr(torch.amp, "GradScaler") else torch.cuda.amp.GradScaler(enabled=fp16)
    loss_fn = torch.nn.MSELoss()
    os.makedirs(args.out, exist_ok=True)
    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}", flush=True)
    hardware = torch.cuda.get_device_name(device) if device.type == "cuda" else f"{args.threads} CPU thread(s)"
    print(f"training on {hardware}, PyTorch {torch.__version__}", flush=True)

    def save(step: int, seconds: float) -> None:
        weights_on_cpu = {name: value.detach().cpu() for name, value in model.state_dict().items()}
        # plain types only (str of the version), so that PyTorch 2.6+ loads it with weights_only
        record = {**vars(args), "hardware": hardware, "torch": str(torch.__version__), "seconds": round(seconds, 1)}
        torch.save({"model": weights_on_cpu, "step": step, "args": record}, os.path.join(args.out, "checkpoint.pt"))

    started = time.time()
    with open(os.path.join(args.out, "curve.csv"), "w", newline="") as curve_file:
        curve = csv.writer(curve_file)
        curve.writerow(["step", "loss", "accuracy", "seconds"])
        for step in range(1, args.steps + 1):
            x = torch.from_numpy(draw()).to(device).float().div_(4).unsqueeze(1)
            with torch.autocast(device.type, dtype=torch.float16) if fp16 else contextlib.nullcontext():
                y = model(x)
                loss = loss_fn(y.float(), x)
            optimiser.zero_grad()
            scaler.scale(loss).backward()
            scaler.step(optimiser)
            scaler.update()
            seconds = time.time() - started
            out_of_time = args.max_seconds > 0 and seconds >= args.max_seconds
            if step % args.log_every == 0 or step == 1 or out_of_time:
                accuracy = (torch.round(y.detach().float() * 4).clamp_(0, 3) == x * 4).float().mean().item()
                curve.writerow([step, f"{loss.item():.6f}", f"{accuracy:.4f}", f"{seconds:.1f}"])
                curve_file.flush()
                print(f"step {step}/{args.steps} loss {loss.item():.5f} accuracy {accuracy:.4f} {seconds:.0f} s", flush=True)
            if step % args.checkpoint_every == 0 or step == args.steps or out_of_time:
                save(step, seconds)
            if out_of_time:
                print(f"stopped after {seconds:.0f} s (--max-seconds) at step {step}", flush=True)
                break


if __name__ == "__main__":
    main()
