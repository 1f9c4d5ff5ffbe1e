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

/** The FCS of `data`: ~crc32_le(~0, data), transmitted least significant byte first. */
export function crc32_le(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
