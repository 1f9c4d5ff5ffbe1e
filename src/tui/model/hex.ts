/**
 * Hex and ASCII of a frame, 16 bytes a line, with the link, network and transport headers
 * tinted. The ASCII column shows printable ASCII (0x20-0x7e) and a dot for anything else, so no
 * byte of a capture reaches the terminal as a control character or escape sequence.
 */
import { decodeLink } from '../../wire/link.js';
import { seg, type Line, type Style } from './line.js';

export interface Layers {
  /** Start of the network header (end of the link header). */
  l3: number;
  /** Start of the transport header, or -1. */
  l4: number;
  /** Start of the transport payload, or -1. */
  payload: number;
}

/** Where the headers are, as far as the bytes tell (IPv4 and IPv6 with no extension headers). */
export function layersOf(linkType: number, data: Uint8Array): Layers {
  const l = decodeLink(linkType, data);
  if (!l.supported) return { l3: 0, l4: -1, payload: -1 };
  const l3 = Math.min(l.networkOffset, data.length);
  let l4 = -1;
  let proto = -1;
  if (l.ethertype === 0x0800 && data.length >= l3 + 20) {
    l4 = l3 + (data[l3]! & 0x0f) * 4;
    proto = data[l3 + 9]!;
    // A non-first fragment carries no transport header.
    if (((data[l3 + 6]! & 0x1f) << 8) | data[l3 + 7]!) proto = -1;
  } else if (l.ethertype === 0x86dd && data.length >= l3 + 40) {
    l4 = l3 + 40;
    proto = data[l3 + 6]!;
  }
  let payload = -1;
  if (l4 >= 0 && proto === 6 && data.length >= l4 + 13) payload = l4 + (data[l4 + 12]! >> 4) * 4;
  else if (l4 >= 0 && proto === 17) payload = l4 + 8;
  else if (l4 >= 0 && (proto === 1 || proto === 58)) payload = l4 + 8;
  else if (l4 >= 0 && proto < 0) payload = l4;
  if (l4 > data.length) l4 = -1;
  if (payload > data.length) payload = -1;
  return { l3, l4, payload };
}

function styleAt(i: number, ly: Layers): Style {
  if (i < ly.l3) return 'hex.l2';
  if (ly.l4 < 0 || i < ly.l4) return 'hex.l3';
  if (ly.payload < 0 || i < ly.payload) return 'hex.l4';
  return 'hex.payload';
}

export function asciiOf(b: number): string {
  return b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.';
}

export function hexLines(data: Uint8Array, linkType = 1): Line[] {
  const ly = layersOf(linkType, data);
  const lines: Line[] = [];
  for (let off = 0; off < data.length; off += 16) {
    const l: Line = [seg(off.toString(16).padStart(4, '0') + '  ', 'hex.offset')];
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const at = off + i;
      const sep = i === 7 ? '  ' : ' ';
      if (at < data.length) {
        const b = data[at]!;
        l.push(seg(b.toString(16).padStart(2, '0'), styleAt(at, ly)), seg(sep));
        ascii += asciiOf(b);
      } else {
        l.push(seg('  ' + sep));
      }
    }
    l.push(seg(' ' + ascii, 'dim'));
    lines.push(l);
  }
  if (lines.length === 0) lines.push([seg('(no captured bytes)', 'dim')]);
  return lines;
}
