// `crc-32` ships types for its CRC32 entry only; its CRC32C entry has the same shape.
declare module 'crc-32/crc32c.js' {
  export function buf(data: Uint8Array | number[], seed?: number): number;
  const CRC32C: { buf: typeof buf };
  export default CRC32C;
}
