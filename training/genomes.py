"""What the training scripts of the k-mer denoiser and the genome generator share: reading genomes."""
import numpy as np


def load_codes(path: str) -> np.ndarray:
    """The bases of a FASTA file as codes 0..3 (A, C, G, T), records joined; other letters dropped."""
    table = np.full(256, 255, dtype=np.uint8)
    for code, letters in enumerate(("Aa", "Cc", "Gg", "Tt")):
        for letter in letters:
            table[ord(letter)] = code
    parts = [np.frombuffer(line.strip(), dtype=np.uint8) for line in open(path, "rb") if not line.startswith(b">")]
    codes = table[np.concatenate(parts)]
    return codes[codes != 255]
