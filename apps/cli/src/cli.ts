/**
 * The `seqcoder` command. Each subcommand lives in commands/; this file wires them to the
 * command line, and turns every failure into one line on stderr and a documented exit code.
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CODEC, DEFAULT_COLLECTION_CODEC, FILE_EXTENSION, FORMAT_MAJOR, FORMAT_MINOR, FORMAT_REVISION, listCodecs } from '@seqcoder/format';
import { appendCommand } from './commands/append.js';
import { compressCommand, MODE_NAMES } from './commands/compress.js';
import { catCommand, decompressCommand } from './commands/decompress.js';
import { getCommand } from './commands/get.js';
import { infoCommand, listCommand } from './commands/info.js';
import { verifyCommand } from './commands/verify.js';
import { sketchCommand } from './commands/sketch.js';
import { MAX_KMER, MAX_SAMPLE } from './minhash.js';
import { describeError, Exit } from './errors.js';
import { removeTemporaries } from './io.js';
import { fitWasmCompiler } from './wasm-compiler.js';
import './neural.js'; // registers the neural codecs with @seqcoder/format (stand-ins that load them on first use)

const VERSION = '0.1.0';

const EXIT_CODES = `
Exit codes:
  0  success
  1  input or output problem (missing file, directory, empty input, output exists, disk full)
  2  bad command line
  3  input is not a SeqCoder file, or is damaged (truncated, corrupt, checksum mismatch)
  4  input needs a newer SeqCoder (future format version, unknown codec), or a network
     model this installation lacks or computes differently
  130/143  interrupted (SIGINT/SIGTERM); no partial output is left behind
`;

const EXAMPLES = `
Examples:
  seqcoder compress genome.fa           # writes genome.fa.seqc, keeps genome.fa
  seqcoder compress genome.fa.gz        # reads the FASTA inside the .gz, writes genome.fa.seqc
  seqcoder decompress genome.fa.seqc    # writes genome.fa, byte-identical to the original
  seqcoder cat genome.fa.seqc | head    # decode to stdout
  seqcoder info genome.fa.seqc          # records, lengths, codec, bits per base
  seqcoder verify *.seqc                # full decode and checksum check, nothing written
  seqcoder verify strains.seqc --against .   # and compare each file with the one its name names under .
  seqcoder compress -o strains.seqc strains/*.fa   # one archive, the genomes coded against each other
  seqcoder compress --verify -o strains.seqc strains/   # and check it restores every file before it is kept
  seqcoder list strains.seqc            # its files and records
  seqcoder decompress strains.seqc -C out/   # every file back, byte for byte, under its name
  seqcoder append strains.seqc new/*.fa       # more genomes, without coding the others again
  seqcoder cat strains.seqc --file strain7.fa   # one genome, decoding only what it needs
  seqcoder get genome.fa.seqc NC_000913.3:1000-2000   # a region, as samtools faidx prints it
  seqcoder sketch genomes/*.fa > sketches.jsonl   # MinHash sketches, to find which genomes are alike
  seqcoder decompress out/catalogue.tsv -C all/   # every genome of a scale-workflow run (workflow/)
  seqcoder compress --block-size 1M genome.fa   # cm in independent blocks: any region decodes at most one block
  seqcoder compress --codec seqcoder-classic genome.fa   # the SeqCoder paper's autoencoder method (slow)
  zcat big.fa.gz | seqcoder compress -c > big.fa.seqc`;

function parseSample(value: string): number {
  const n = parseInteger(value, 1, MAX_SAMPLE);
  if ((n & (n - 1)) !== 0) throw new InvalidArgumentError('must be a power of two');
  return n;
}

function parseLevel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

/** compress's `--level`: also DeepGeCo's mode names, which compress checks against the codec. */
function parseLevelOrMode(value: string): number | string {
  if (MODE_NAMES.includes(value.toLowerCase())) return value.toLowerCase();
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`must be an integer (or, for deepgeco, a mode: ${MODE_NAMES.join(', ')})`);
  return n;
}

/** A number of bases: an integer, or one with k or M (thousands, millions of bases), e.g. 1M. */
export function parseBases(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(value.trim());
  const n = m ? Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]!) ? 1e3 : 1e6) : NaN;
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number of bases, e.g. 500000, 500k or 1M');
  return n;
}

/** A genome length for `generate`: parseBases, from 1 base to 10^9. */
function parseGenomeLength(value: string): number {
  const n = parseBases(value);
  if (n < 1 || n > 1e9) throw new InvalidArgumentError('must be from 1 to 1G bases');
  return n;
}

function parseInteger(value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
  return n;
}

function parseLineWidth(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer, 0 or more');
  return n;
}

function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be an integer from 1 to 64');
  return n;
}

/** --threads, for compress, decompress and cat. */
function threadsOption(): Option {
  return new Option('--threads <n>', 'cm records (or blocks, with --block-size) coded at once, in worker threads (a record in one stream uses one core; the first 256 kb go without, as a worker takes 0.1 s to start; same output for any n)')
    .argParser(parseThreads)
    .default(availableParallelism(), 'the number of cores');
}

function outputOptions(cmd: Command): Command {
  return cmd
    .option('-c, --stdout', 'write to standard output, keep the input')
    .option('-o, --output <path>', 'write to this path; with several inputs, the one archive that holds them all')
    .option('-f, --force', 'overwrite an existing output file')
    .option('--rm', 'remove the input after the output is written and verified')
    .option('-q, --quiet', 'no progress bar and no summary');
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('seqcoder')
    .version(`${VERSION} (format ${FORMAT_MAJOR}.${FORMAT_MINOR} r${FORMAT_REVISION})`, '-V, --version')
    .description(
      'Lossless compression of genome FASTA files.\n\n' +
        'Every byte comes back: headers, line widths, CRLF, lower case, N runs and IUPAC letters.\n' +
        'Files that are not nucleotide FASTA are stored losslessly with zstd.',
    )
    .addHelpText('after', EXAMPLES + '\n' + EXIT_CODES)
    .showHelpAfterError('(run seqcoder --help for usage)')
    .exitOverride()
    // Before any network loads: a small input runs WebAssembly on baseline code (wasm-compiler.ts).
    .hook('preAction', async (_, command) => void (await fitWasmCompiler(command.name(), command.args, command.opts())));

  const codecNames = listCodecs().map((c) => c.name);
  outputOptions(
    program
      .command('compress')
      .alias('c')
      .description(
        `compress FASTA (plain or .gz) files to ${FILE_EXTENSION}; reads stdin when no file is given.\n` +
          `Several files with -o NAME${FILE_EXTENSION} (or -c), a folder, or --files-from make one archive that keeps ` +
          `every file's name and bytes, its genomes coded against each other (codec ${DEFAULT_COLLECTION_CODEC}).`,
      )
      .argument('[files...]', 'input files or folders (searched to the bottom, symbolic links followed); - for stdin'),
  )
    .option('--files-from <list>', 'also archive the files listed in this file, one path a line (- for stdin)')
    .addOption(
      new Option('--codec <name>', `sequence codec (default: ${DEFAULT_CODEC}; ${DEFAULT_COLLECTION_CODEC} for an archive of several files)`).choices(codecNames),
    )
    .addOption(
      new Option('--level <n>', 'codec level, see Codecs below (default: the codec\'s own); deepgeco also takes its mode names (mini = 1, plus = 2, ultra = 3, cm = 4)').argParser(parseLevelOrMode),
    )
    .addOption(
      new Option(
        '--block-size <bases>',
        'cm: code each record longer than this in independent blocks (e.g. 1M), so that a region query decodes only ' +
          'its blocks instead of the record up to it; costs size (about 1.8% at 1M, level 2; 0.4% at level 1). Readers before format revision 11 refuse such files',
      ).argParser(parseBases),
    )
    .addOption(
      new Option('--runtime <name>', 'neural codecs: where the encoder network runs (the decoder network always runs on wasm)')
        .choices(['wasm', 'onnx'])
        .default('wasm'),
    )
    .option(
      '--verify',
      'before a new file takes its name, decode it completely and compare it with its inputs, read again, byte for byte ' +
        '(as `verify --against` does); if anything differs nothing is written and the exit code is 3',
    )
    .option('--json', "with --verify: print each file's size, SHA-256 and records as JSON on stdout, as `verify --json` does")
    .addOption(threadsOption())
    .addOption(new Option('--device <name>', 'neural codecs with --runtime onnx: cpu, or cuda (falls back to cpu with a message); cuda implies --runtime onnx').choices(['cpu', 'cuda']).default('cpu'))
    .addHelpText(
      'after',
      '\nCodecs:\n' +
        listCodecs()
          .map((c) => `  ${c.name.padEnd(16)} ${c.description}\n                   levels ${c.levels.min}-${c.levels.max}, default ${c.levels.default} — ${c.levels.meaning}`)
          .join('\n'),
    )
    .action(async (files, flags) => setExit(await compressCommand(files, flags)));

  outputOptions(
    program
      .command('decompress')
      .alias('d')
      .description(
        `restore the original file from ${FILE_EXTENSION}, verifying every checksum; an archive of several ` +
          `files is extracted into a folder (-C, default: its name without ${FILE_EXTENSION}); a catalogue of the ` +
          `scale workflow (catalogue.tsv or .json) restores every genome of its archives into the folder -C names`,
      )
      .argument('[files...]', 'input files; - for stdin'),
  )
    .option('-C, --directory <dir>', 'extract the files of a multi-file archive into this folder (names never lead outside it)')
    .addOption(threadsOption())
    .action(async (files, flags) => setExit(await decompressCommand(files, flags)));

  program
    .command('cat')
    .description('decode to standard output (verified), like zcat; or one file or record of an archive')
    .argument('[files...]', 'input files; - for stdin')
    .option('--file <name>', 'only this file of a multi-file archive (its name as `seqcoder list` shows it)')
    .option('--record <name>', 'only this record: its index, full header or first word (e.g. NC_000913.3)')
    .addOption(threadsOption())
    .action(async (files, flags) =>
      setExit(await catCommand(files, { ...flags, record: flags.record !== undefined && /^\d+$/.test(flags.record) ? Number(flags.record) : flags.record })),
    );

  program
    .command('get')
    .description('regions of records, as `samtools faidx` prints them from the original FASTA')
    .argument('<archive>', `a ${FILE_EXTENSION} file, or a catalogue of the scale workflow (catalogue.tsv or .json)`)
    .argument('[regions...]', 'NAME, NAME:START, NAME:START-END or NAME:-END (1-based, both ends included; commas allowed)')
    .option('--bed <file>', 'also the regions of a BED file (0-based, end excluded; - for stdin), printed as NAME:START+1-END')
    .addOption(new Option('-n, --line-width <n>', 'residues per output line (0: one line)').default(60).argParser(parseLineWidth))
    .option('--file <name>', 'look records up in this file of a multi-file archive only')
    .option('-q, --quiet', 'no progress bar (one is drawn on a terminal while a record decodes for more than a second)')
    .addHelpText(
      'after',
      `
NAME is a record's identifier (its header's first word) or whole header. An END past the record is
cut to it, with a warning on stderr. A region naming no record is reported, the others are printed,
and the exit code is 1. Each record is decoded once for all its regions. A FASTA stored as bytes
(protein, say: not modelled) has its records read from the file's start, as samtools reads them.

With a catalogue, GENOME (its path, or its file name with or without the extension) prints that
genome's file exactly as it was; GENOME:START-END (a genome of one record) or RECORD:START-END
prints a region, found in whichever archive holds it.

Examples:
  seqcoder get genome.fa.seqc NC_000913.3:1000-2000
  seqcoder get strains.seqc --file strains/st7.fa chr:1-100 chr:5,000-5,100
  seqcoder get genome.fa.seqc --bed genes.bed -n 0
  seqcoder get out/catalogue.tsv strains/st7.fa st7.1:1-100   # a whole genome, then a region`,
    )
    .action((archive, regions, flags) => getCommand(archive, regions, flags));

  program
    .command('append')
    .description('add files to an archive of several files, without coding again what it holds; the old archive stays intact until the new one is complete')
    .argument('<archive>', `a multi-file ${FILE_EXTENSION} archive`)
    .argument('[files...]', 'files or folders to add')
    .option('--files-from <list>', 'also add the files listed in this file, one path a line (- for stdin)')
    .addOption(new Option('--codec <name>', `sequence codec of the new files (default: ${DEFAULT_COLLECTION_CODEC})`).choices(codecNames))
    .addOption(new Option('--level <n>', 'codec level').argParser(parseLevel))
    .option(
      '--new-group',
      'code the new files apart from the archive\'s last group (by default they continue it, coded against the genomes there: ' +
        'about 10x smaller for genomes of one species; reading them then rebuilds that group first)',
    )
    .option('-q, --quiet', 'no progress bar and no summary')
    .option(
      '--verify',
      'before the new archive replaces the old one, decode it completely: the files added are compared with their inputs, ' +
        'byte for byte, the ones it held have their checksums checked; if anything differs the old archive stays and the exit code is 3',
    )
    .option('--json', "with --verify: print each file's size, SHA-256 and records as JSON on stdout, as `verify --json` does")
    .action((archive, files, flags) => appendCommand(archive, files, flags));

  program
    .command('list')
    .description('show the files of an archive, their records, lengths and codecs')
    .argument('[files...]', 'input files; - for stdin')
    .option('--json', 'machine-readable output')
    .action(async (files, flags) => setExit(await listCommand(files, flags)));

  program
    .command('info')
    .description('show records, lengths, codec, sizes and bits per base')
    .argument('[files...]', 'input files; - for stdin')
    .option('--json', 'machine-readable output')
    .action(async (files, flags) => setExit(await infoCommand(files, flags)));

  program
    .command('verify')
    .description('decode completely and check every checksum; writes nothing')
    .argument('[files...]', 'input files; - for stdin')
    .option('-q, --quiet', 'print only failures')
    .option(
      '--against <path>',
      'also compare the decoded bytes with the originals, byte for byte: the original file of an archive ' +
        'of one input, or the folder the files of a multi-file archive are named from (each file there by ' +
        'its stored name, or that name plus .gz, whose content is compared)',
    )
    .option('--json', "each file's size, SHA-256 and records as JSON on stdout")
    .action(async (files, flags) => setExit(await verifyCommand(files, flags)));

  const kmers = program.command('kmers').description('k-mer tools: denoise reads with the k-mer denoising autoencoder (see its model card)');
  kmers
    .command('denoise')
    .description('reads (FASTA or FASTQ, plain or .gz) through the k-mer denoising autoencoder, written back in the same format')
    .argument('[reads]', 'the reads; - or none for stdin')
    .option('-o, --output <path>', 'write the corrected reads here instead of standard output')
    .option('--kmers <path>', 'also write the distinct k-mers of the corrected reads, one a line, sorted (held in memory)')
    .option('-f, --force', 'overwrite existing output files')
    .option('-q, --quiet', 'no summary')
    .addOption(new Option('-k, --kmer <k>', "k: must be the model's (31 for the shipped one)").argParser((v) => parseInteger(v, 1, 64)))
    .option('--model <name>', 'the denoiser of @seqcoder/models to use', 'kmer-denoiser-k31')
    .addOption(new Option('--runtime <name>', 'where the network runs: wasm (any machine) or onnx (native, faster)').choices(['wasm', 'onnx']).default('wasm'))
    .addOption(new Option('--device <name>', 'with --runtime onnx: cpu, or cuda (falls back to cpu with a message); cuda implies --runtime onnx').choices(['cpu', 'cuda']).default('cpu'))
    .addHelpText(
      'after',
      `
Every k-mer of a read that holds only A, C, G and T goes through the network, which gives a
probability for each of its bases; each base of the read becomes the base whose probabilities,
summed over the k-mers that cover it, are highest. N runs, other IUPAC letters, letter case and
reads shorter than k stay as they are. FASTA reads are written one sequence line each.

The shipped model is the notebook's, trained as it was (k = 31, 10% substitution noise, two E. coli
genomes). On reads of genomes it never saw it does not remove errors; it adds them. Its model card
and \`pnpm bench:denoise\` give the figures, beside Lighter, a k-mer spectrum corrector.

Examples:
  seqcoder kmers denoise reads.fq.gz -o corrected.fq
  seqcoder kmers denoise reads.fa --kmers corrected-kmers.txt > corrected.fa`,
    )
    // loaded on use: the network runtime costs every other command nothing
    .action(async (reads, flags) => setExit(await (await import('./commands/kmers.js')).denoiseCommand(reads, flags)));

  program
    .command('generate')
    .description('synthetic genomes from the genome VAE generator (see its model card), as FASTA')
    .addOption(new Option('-n, --count <n>', 'genomes to write').default(1).argParser((v) => parseInteger(v, 1, 1_000_000)))
    .addOption(new Option('--length <bases>', 'bases per genome, 1 to 1G (k and M suffixes: 500k, 2M)').makeOptionMandatory().argParser(parseGenomeLength))
    .addOption(new Option('--seed <n>', 'the same seed, model, count and length give the same file on any machine (--runtime wasm)').default(1).argParser((v) => parseInteger(v, 0, 2 ** 32 - 1)))
    .option('--model <name>', 'the generator of @seqcoder/models to use', 'genome-vae-chlamydia')
    .addOption(new Option('--line-width <n>', 'bases per FASTA line').default(80).argParser((v) => parseInteger(v, 1, 1 << 20)))
    .option('-o, --output <path>', 'write here instead of standard output')
    .option('-f, --force', 'overwrite an existing output file')
    .option('-q, --quiet', 'no summary')
    .addOption(new Option('--runtime <name>', 'where the network runs: wasm (the same bases on every machine) or onnx (native, faster)').choices(['wasm', 'onnx']).default('wasm'))
    .addOption(new Option('--device <name>', 'with --runtime onnx: cpu, or cuda (falls back to cpu with a message); cuda implies --runtime onnx').choices(['cpu', 'cuda']).default('cpu'))
    .addHelpText(
      'after',
      `
Each genome is made of chunks of 996 bases: a latent drawn from N(0, I) goes through the decoder of
a variational autoencoder trained on 45 Chlamydia trachomatis genomes, and each of the chunk's
166 6-mers is drawn from the decoder's probabilities. Against held-back real genomes
(\`pnpm bench:generate\`), an order-5 Markov chain of the same genomes is closer on every measure
(k-mer spectra, codon usage, ORFs); the model card gives the figures.

Examples:
  seqcoder generate --length 1M --seed 7 > synthetic.fa
  seqcoder generate -n 10 --length 200k -o ten.fa`,
    )
    // loaded on use: the network runtime costs every other command nothing
    .action(async (flags) => setExit(await (await import('./commands/generate.js')).generateCommand(flags)));

  program
    .command('sketch')
    .description('MinHash sketches of FASTA files (plain or .gz), one JSON line each, to find which genomes are alike')
    .argument('[files...]', 'FASTA files')
    .option('--files-from <list>', 'also sketch the files listed in this file, one path a line (- for stdin)')
    .addOption(new Option('-k, --kmer <k>', 'k-mer length').default(21).argParser((v) => parseInteger(v, 1, MAX_KMER)))
    .addOption(new Option('-s, --size <n>', 'hashes kept per file').default(1000).argParser((v) => parseInteger(v, 1, 1 << 20)))
    .addOption(
      new Option('--sample <n>', 'sketch one k-mer in n, the same ones in every file (a power of two): at 32 a sketch takes about 60% of the time, for genomes of many times n x size k-mers')
        .default(1)
        .argParser((v) => parseSample(v)),
    )
    .option('--stamps', 'begin each line with the file\'s size and modification time ("bytes", "mtimeNs"), to tell later whether it changed')
    .option('-o, --output <path>', 'write the lines to this file instead of standard output')
    .option('-f, --force', 'overwrite an existing output file')
    .option('-q, --quiet', 'no summary')
    .addHelpText(
      'after',
      `
Each line is {"name", "bases", "kmer", "size", "hashes"}: the file's path as given, its A/C/G/T
count, and the smallest 31-bit hashes of its canonical k-mers, ascending (Mash's method; any other
letter breaks the k-mers across it). Two sketches of one k and size estimate the Jaccard index J
of the files' k-mer sets (the share of both among the smallest hashes of their union), and the
Mash distance -ln(2J/(1+J))/k, about 1 - identity for close genomes. With --sample n the line
also holds "sample": n, and the hashes are those of the k-mers in one fixed n-th of all k-mers
(both strands alike), which estimates the same J; compare only sketches of one k, size and sample.
With --stamps each line begins with "bytes" and "mtimeNs", the file's size and modification time
(nanoseconds) when it was read: what a cache of sketches needs to tell a changed file.

Examples:
  seqcoder sketch genomes/*.fa > sketches.jsonl
  seqcoder sketch --files-from list.txt -k 21 -s 1000 -o shard1.jsonl`,
    )
    .action((files, flags) => sketchCommand(files, flags));

  return program;
}

function installSignalHandlers(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      removeTemporaries();
      // An output renamed into place just before the signal is complete and stays; only unfinished
      // temporary files are removed.
      process.stderr.write(`\nseqcoder: interrupted; unfinished output removed\n`);
      process.exit(code);
    });
  }
}

async function main(argv: string[]): Promise<number> {
  installSignalHandlers();
  // A closed pipe (`seqcoder cat x | head`) is not an error; a full disk behind stdout is one.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(Exit.ok);
    removeTemporaries();
    process.stderr.write(`seqcoder: standard output: ${describeError(e).message}\n`);
    process.exit(Exit.io);
  });
  let exitCode: number = Exit.ok;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every parsing error is a usage error.
      return e.exitCode === 0 ? Exit.ok : Exit.usage;
    }
    const { code, message } = describeError(e);
    process.stderr.write(`seqcoder: ${message}\n`);
    if (process.env.SEQCODER_DEBUG) console.error(e);
    return code;
  } finally {
    removeTemporaries();
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
