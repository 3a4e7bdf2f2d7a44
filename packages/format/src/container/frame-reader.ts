/**
 * The frames of a file after its header, in order, read the same way from a random-access source
 * (`openArchive`: only what is asked for) and from a forward-only stream (`decompressStream`: every
 * byte once). Beside walker.ts, which checks the order of the frames, this checks what every frame
 * must pass whatever its type: a header that fits the file, skippable frames passed over, unknown
 * types refused, an END frame before the input ends, and nothing after it.
 */
import { FRAME_HEADER_SIZE, FrameType } from '../constants.js';
import { CorruptError, TruncatedError, UnsupportedFeatureError } from '../errors.js';
import type { ForwardReader, RandomAccessSource } from '../source.js';
import { checkFrame, decodeFrameHeader, isSkippable, type FrameHeader } from './frames.js';

/** Payload bytes read with every header: enough for a sequence frame's codec and base count. */
const PEEK_BYTES = 24;

/** One frame of a known type. */
export interface Frame {
  header: FrameHeader;
  /** One of FrameType's Chunk, Sequence, Generic, File or End (other types never reach the caller). */
  type: number;
  /** Where its payload starts in the file. */
  payloadAt: number;
  /** Up to the first 24 bytes of the payload, not yet checked against the frame's CRC. */
  peek: Uint8Array;
  /** The whole payload, checked against the frame's CRC. */
  payload(): Promise<Uint8Array>;
}

/** Where frames come from: the next header and its payload, and whether bytes are left. */
interface FrameInput {
  /** The file offset of the next frame. */
  readonly offset: number;
  atEnd(): Promise<boolean>;
  next(): Promise<Omit<Frame, 'type'>>;
}

const KNOWN = new Set<number>([FrameType.Chunk, FrameType.Sequence, FrameType.Generic, FrameType.File, FrameType.End]);

async function* readFrames(input: FrameInput): AsyncGenerator<Frame> {
  for (;;) {
    if (await input.atEnd()) throw new TruncatedError('file ends before its end frame', input.offset);
    const frame = await input.next();
    const type = frame.header.type;
    if (isSkippable(type)) continue;
    if (!KNOWN.has(type)) throw new UnsupportedFeatureError(`frame type 0x${type.toString(16)} is not supported by this reader`, frame.header.offset);
    yield { ...frame, type };
    if (type === FrameType.End) {
      if (!(await input.atEnd())) throw new CorruptError('bytes after the end frame', input.offset);
      return;
    }
  }
}

/** The frames of a file from a random-access source, from `start` (after the file header). */
export function framesOf(source: RandomAccessSource, start: number): AsyncGenerator<Frame> {
  let offset = start;
  return readFrames({
    get offset() {
      return offset;
    },
    atEnd: async () => offset >= source.size,
    async next() {
      const peek = await source.read(offset, Math.min(FRAME_HEADER_SIZE + PEEK_BYTES, source.size - offset));
      const header = decodeFrameHeader(peek, offset, source.size - offset);
      const payloadAt = offset + FRAME_HEADER_SIZE;
      offset = payloadAt + header.length;
      return {
        header,
        payloadAt,
        peek: peek.subarray(FRAME_HEADER_SIZE),
        async payload() {
          const bytes = await source.read(payloadAt, header.length);
          checkFrame(header, bytes);
          return bytes;
        },
      };
    },
  });
}

/** The frames of a file read front to back (after the file header); each payload is read once, as its frame comes. */
export function framesFrom(reader: ForwardReader): AsyncGenerator<Frame> {
  return readFrames({
    get offset() {
      return reader.offset;
    },
    atEnd: () => reader.atEnd(),
    async next() {
      const header = decodeFrameHeader(await reader.readAtMost(FRAME_HEADER_SIZE), reader.offset - FRAME_HEADER_SIZE, undefined);
      const payloadAt = reader.offset;
      const bytes = await reader.read(header.length);
      let checked = false;
      return {
        header,
        payloadAt,
        peek: bytes.subarray(0, PEEK_BYTES),
        async payload() {
          if (!checked) checkFrame(header, bytes);
          checked = true;
          return bytes;
        },
      };
    },
  });
}
