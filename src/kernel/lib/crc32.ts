/**
 * lib/crc32.c: the Ethernet CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), used here by the
 * simulated NIC to append a real FCS to received frames before the driver strips it.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Slicing-by-8 tables (lib/crc32.c's CRC_LE_BITS == 64 layout): T[k][n] is the CRC of byte n
 *  followed by k zero bytes, so eight input bytes cost eight lookups and no per-byte shifts. */
const T8 = (() => {
  const t = new Uint32Array(256 * 8);
  t.set(TABLE);
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = (TABLE[prev & 0xff]! ^ (prev >>> 8)) >>> 0;
    }
  }
  return t;
})();

/** The FCS of `data[start, end)`: ~crc32_le(~0, data), transmitted least significant byte first. */
export function crc32_le(data: Uint8Array, start = 0, end = data.length): number {
  let c = 0xffffffff | 0;
  const n = end;
  const t = T8;
  let i = start;
  for (const end8 = n - ((n - start) & 7); i < end8; i += 8) {
    const lo = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
