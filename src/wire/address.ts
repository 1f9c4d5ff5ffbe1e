/**
 * Address representations and their text forms.
 *
 * - IPv4 addresses are unsigned 32-bit numbers holding the address in network order, so
 *   192.0.2.1 is 0xc0000201 (what ntohl(iph->saddr) gives in the kernel). Numbers compare with ===,
 *   mask with & and serialise to JSON.
 * - MAC (and other link-layer) addresses and IPv6 addresses are byte arrays.
 */
import { get32 } from './bytes.js';

export const ETH_ALEN = 6;

/** "02:00:00:00:00:01" (lowercase, colon separated: the form `ip link` and tshark -n print). */
export function macToString(mac: Uint8Array, off = 0, len = ETH_ALEN): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const v = mac[off + i]!;
    s += (i ? ':' : '') + (v < 16 ? '0' : '') + v.toString(16);
  }
  return s;
}

/** Parse "aa:bb:cc:dd:ee:ff" (or with '-') into 6 bytes; null if it is not one. */
export function parseMac(text: string): Uint8Array | null {
  const parts = text.split(/[:-]/);
  if (parts.length !== ETH_ALEN) return null;
  const out = new Uint8Array(ETH_ALEN);
  for (let i = 0; i < ETH_ALEN; i++) {
    const p = parts[i]!;
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return null;
    out[i] = parseInt(p, 16);
  }
  return out;
}

/** is_broadcast_ether_addr() */
export function isBroadcastEther(mac: Uint8Array, off = 0): boolean {
  return (mac[off]! & mac[off + 1]! & mac[off + 2]! & mac[off + 3]! & mac[off + 4]! & mac[off + 5]!) === 0xff;
}

/** is_multicast_ether_addr(): the I/G bit of the first octet. */
export function isMulticastEther(mac: Uint8Array, off = 0): boolean {
  return (mac[off]! & 0x01) !== 0;
}

/** "192.0.2.1" from a 32-bit number. */
export function ipv4ToString(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

/** Read 4 bytes at `off` as an IPv4 address number. */
export function readIpv4(b: Uint8Array, off: number): number {
  return get32(b, off);
}

/** Parse a dotted quad into a 32-bit number; null if it is not one. */
export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return v;
}

/**
 * IPv6 text form per RFC 5952: lowercase hex, no leading zeros, the longest run of two or more
 * zero groups (the first one on a tie) replaced by "::". Embedded IPv4 is written in dotted form
 * for IPv4-mapped addresses (::ffff:a.b.c.d, RFC 5952 section 5), as inet_ntop does.
 */
export function ipv6ToString(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      parts.push(i === 0 ? ':' : '');
      i += bestLen - 1;
      if (i === 7) parts.push('');
      continue;
    }
    parts.push(g[i]!.toString(16));
  }
  return parts.join(':');
}

/** Parse an IPv6 address (at most one "::", optional trailing dotted IPv4); null if invalid. */
export function parseIpv6(text: string): Uint8Array | null {
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const p of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === null || rest === null) return null;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((v, i) => {
    out[2 * i] = v >>> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}
