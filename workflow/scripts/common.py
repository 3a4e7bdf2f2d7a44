"""What several of the workflow's scripts share."""


def stored_name(genome):
    """The name an archive keeps a genome under: its path relative to input, without .gz (the
    archive holds the FASTA, as `seqcoder compress` stores a gzipped input)."""
    return genome[:-3] if genome.lower().endswith(".gz") else genome
