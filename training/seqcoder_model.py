"""The SeqCoder autoencoder, ConvolutionalAutoEncoder1D, as the SeqCoder paper describes it.

Input: chunks of K = 1280 bases, each base mapped A->0, T->1, C->2, G->3 (padding 4) and divided
by 4, one float channel. The encoder halves the length four times (L/16 = 80 positions) and ends in
P = 4 latent channels: 320 latent values per chunk, 0.25 per base. The decoder mirrors it and ends
in a sigmoid; the decoded symbol is round(4 * y).
"""
import math

import torch
from torch import nn

K = 1280  # bases per chunk
P = 4  # latent channels
# The paper's code order (A, T, C, G); SeqCoder's TypeScript side uses A0 C1 G2 T3 and converts.
CODE = {ord("A"): 0, ord("T"): 1, ord("C"): 2, ord("G"): 3}
PAD = 4


def sinusoidal_positions(length: int, channels: int) -> torch.Tensor:
    """The Transformer's fixed sin/cos position table, shape (channels, length)."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, channels, 2, dtype=torch.float32) * (-math.log(10000.0) / channels))
    table = torch.zeros(length, channels)
    table[:, 0::2] = torch.sin(position * freq)
    table[:, 1::2] = torch.cos(position * freq)
    return table.T.contiguous()


class SelfAttnBlock1D(nn.Module):
    """1x1 projection, sinusoidal positions, 4-head self-attention, LayerNorm, GELU FFN (x4), LayerNorm."""

    def __init__(self, channels: int, length: int, heads: int = 4):
        super().__init__()
        self.proj = nn.Conv1d(channels, channels, 1)
        self.register_buffer("pos", sinusoidal_positions(length, channels), persistent=False)
        self.attn = nn.MultiheadAttention(channels, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(channels)
        self.ffn = nn.Sequential(nn.Linear(channels, 4 * channels), nn.GELU(), nn.Linear(4 * channels, channels))
        self.norm2 = nn.LayerNorm(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (batch, channels, length)
        h = (self.proj(x) + self.pos).transpose(1, 2)  # (batch, length, channels)
        h = self.norm1(h + self.attn(h, h, h, need_weights=False)[0])
        h = self.norm2(h + self.ffn(h))
        return h.transpose(1, 2)


def down(cin: int, cout: int) -> nn.Module:
    return nn.Sequential(nn.Conv1d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm1d(cout), nn.ReLU())


def up(cin: int, cout: int) -> nn.Module:
    return nn.Sequential(
        nn.ConvTranspose1d(cin, cout, 3, stride=2, padding=1, output_padding=1), nn.BatchNorm1d(cout), nn.ReLU()
    )


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            down(1, 32), down(32, 64), down(64, 128), down(128, 128),  # 1280 -> 80
            SelfAttnBlock1D(128, K // 16),
            nn.Conv1d(128, 64, 1), nn.ReLU(), nn.Conv1d(64, 32, 1), nn.ReLU(), nn.Conv1d(32, P, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (batch, 1, K) -> (batch, P, K/16)
        return self.net(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(P, 32, 1),
            up(32, 128), SelfAttnBlock1D(128, K // 8),
            up(128, 64), SelfAttnBlock1D(64, K // 4),
            up(64, 32), SelfAttnBlock1D(32, K // 2),
            nn.ConvTranspose1d(32, 1, 3, stride=2, padding=1, output_padding=1),
            nn.Sigmoid(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:  # (batch, P, K/16) -> (batch, 1, K) in (0, 1)
        return self.net(z)


class ConvolutionalAutoEncoder1D(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))
