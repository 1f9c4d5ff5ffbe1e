/**
 * The TUI's view models: pure functions from PacketTraces and rows to styled lines. Snapshots hold
 * the plain text (what a terminal shows); a few tests check styles where they carry meaning.
 */
import { describe, expect, it } from 'vitest';
import { plain, plainLines, type Line } from '../../src/tui/model/line.js';
import { fateLabel, fateOf } from '../../src/tui/model/fate.js';
import { columns, headerLine, rowLine } from '../../src/tui/model/packetlist.js';
import { allParents, buildTree, nodeLine, subtreeMarks, treeLines, visibleNodes } from '../../src/tui/model/calltree.js';
import { opListLines, skbLines } from '../../src/tui/model/skbruler.js';
import { callers, memoryLines } from '../../src/tui/model/memory.js';
import { findRequest, replyLines, replySummary, sameFrame } from '../../src/tui/model/replies.js';
import { asciiOf, hexLines, layersOf } from '../../src/tui/model/hex.js';
import { verdictLines } from '../../src/tui/model/verdict.js';
import { dropTrace, echoTrace, hex, observedTrace, REPLY_HEX, REQUEST_HEX, rows, skippedTrace, udpTrace } from './canned.js';
import { StatsAccumulator } from '../../src/tui/model/stats.js';

const W = 150;

describe('packet list', () => {
  const fates = [fateOf(dropTrace), fateOf(echoTrace), fateOf(observedTrace), { kind: 'pending' as const }];
  for (const width of [W, 100, 60]) {
    it(`header and rows at ${width} columns`, () => {
      const lines: Line[] = [headerLine(width), ...rows.map((r, i) => rowLine(i, r, fates[i]!, width))];
      for (const l of lines) expect(plain(l).length).toBeLessThanOrEqual(width);
      expect(plainLines(lines)).toMatchSnapshot();
    });
  }

  it('a row whose summary is being recomputed shows its number only', () => {
    expect(plain(rowLine(41, undefined, { kind: 'pending' }, W)).trim()).toMatch(/^42 +…$/);
  });

  it('colours: protocol on the Protocol column, fate on the Fate column, drops on the whole row', () => {
    const drop = rowLine(0, rows[0], fates[0]!, W);
    expect(drop.find((s) => s.text.trim() === 'ARP')?.style).toBe('proto.arp');
    expect(drop.find((s) => s.text.startsWith('DROP'))?.style).toBe('fate.dropped');
    expect(drop.filter((s) => s.style === 'fate.dropped').length).toBeGreaterThan(1);
    const ok = rowLine(1, rows[1], fates[1]!, W);
    expect(ok.find((s) => s.text.startsWith('replied'))?.style).toBe('fate.replied');
  });

  it('capture text cannot reach the terminal as control characters', () => {
    const evil = { ...rows[3]!, info: 'x\x1b[2J\x1b]0;pwned\x07\u202eevil\r\n', src: '\x9b31m' };
    const text = plain(rowLine(3, evil, { kind: 'pending' }, 200));
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
    expect(text).toContain('\\x1b[2J');
  });

  it('columns fill the width', () => {
    const c = columns(W);
    expect(c.no + c.time + c.src + c.dst + c.proto + c.len + c.fate + c.info + 7).toBe(W);
  });
});

describe('fate', () => {
  it.each([
    ['dropped', dropTrace, 'DROP UNHANDLED_PROTO'],
    ['replied', echoTrace, 'replied'],
    ['observed', observedTrace, 'observed (host sent)'],
    ['skipped', skippedTrace, 'not simulated'],
    ['delivered', { ...echoTrace, replies: [] }, 'delivered'],
    ['dropped by the NIC', { ...echoTrace, path: [], replies: [], counters: { 'eth0.rx_missed_errors': 1 } }, 'DROP RX ring full (rx_missed_errors)'],
  ])('%s', (_name, t, label) => {
    expect(fateLabel(fateOf(t))).toBe(label);
  });
});

describe('call tree', () => {
  it('subtree ends follow the preorder depths', () => {
    const tree = buildTree(echoTrace);
    expect(tree[0]!.end).toBe(2); // e1000_intr: __napi_schedule
    expect(tree[2]!.end).toBe(echoTrace.path.length); // handle_softirqs: everything after
    expect(tree[7]!.end).toBe(10); // e1000_copybreak: napi_alloc_skb, __alloc_skb
  });

  it('expanded, with marks and files', () => {
    expect(plainLines(treeLines(echoTrace, new Set(), 110))).toMatchSnapshot();
  });

  it('folded nodes show the drops inside them and count the rest', () => {
    const tree = buildTree(dropTrace);
    const collapsed = new Set([15]); // kfree_skb_reason
    const vis = visibleNodes(tree, collapsed);
    expect(vis).not.toContain(16);
    const line = plain(nodeLine(tree[15]!, true, false, 120, subtreeMarks(tree, 15)));
    expect(line).toContain('kfree_skb_reason (inline) [+4] DROP UNHANDLED_PROTO');
    expect(plainLines(treeLines(dropTrace, collapsed, 110, 11))).toMatchSnapshot();
  });

  it('collapse all leaves the roots', () => {
    const tree = buildTree(echoTrace);
    expect(visibleNodes(tree, allParents(tree)).map((i) => tree[i]!.fn)).toEqual(['e1000_intr', 'handle_softirqs']);
  });
});

describe('skb ruler', () => {
  it.each(echoTrace.skbOps.map((o, i) => [i, o.op] as const))('op %i (%s)', (i) => {
    const lines = skbLines(echoTrace, i, 70);
    for (const l of lines) expect(plain(l).length).toBeLessThanOrEqual(70);
    expect(plainLines(lines)).toMatchSnapshot();
  });

  it('headroom, tailroom and header offsets at the step', () => {
    const text = plainLines(skbLines(echoTrace, 5, 70));
    expect(text).toContain('headroom 98  len 64  tailroom 158');
    expect(text).toContain('mac_header +64 (data-34)');
    expect(text).toContain('network_header +78 (data-20)');
    expect(text).toContain('transport_header +98 (data)');
    expect(plainLines(skbLines(echoTrace, 5, 120))).toContain('mac_header +64 (data-34)  network_header +78 (data-20)  transport_header +98 (data)');
  });

  it('steps are clamped; the op list marks the current op', () => {
    expect(plainLines(skbLines(echoTrace, 99, 70))).toBe(plainLines(skbLines(echoTrace, 5, 70)));
    expect(plainLines(opListLines(echoTrace.skbOps, 2))).toMatchSnapshot();
  });

  it('a frame without skb ops says so', () => {
    expect(plainLines(skbLines(observedTrace, 0, 70))).toBe("No skb pointer operations in this frame's window.");
  });
});

describe('alloc/free timeline', () => {
  it('in the order things happened, with callers and reasons', () => {
    expect(plainLines(memoryLines(echoTrace))).toMatchSnapshot();
    expect(plainLines(memoryLines(dropTrace))).toMatchSnapshot();
  });

  it('callers walk up the depths', () => {
    expect(callers(echoTrace.path, 9)).toBe('__alloc_skb ← napi_alloc_skb ← e1000_copybreak');
  });
});

describe('replies', () => {
  it('each reply with its own summary, and the request', () => {
    expect(replySummary(echoTrace.replies[0]!)).toBe('192.0.2.10 → 192.0.2.1 ICMP 98 Echo (ping) reply    id=0x4242, seq=1/256, ttl=64');
    expect(plainLines(replyLines(echoTrace, [2]))).toMatchSnapshot();
    expect(plainLines(replyLines(dropTrace))).toMatchSnapshot();
    expect(plainLines(replyLines(observedTrace, [], 1))).toMatchSnapshot();
    expect(plainLines(replyLines(observedTrace, [], null))).toMatchSnapshot();
  });

  it('finds the request of an observed reply: exact bytes first, then the same summary', () => {
    expect(findRequest(hex(REPLY_HEX), [dropTrace, echoTrace])).toBe(1);
    const otherId = hex(REPLY_HEX);
    otherId[18] ^= 1; // IP ID differs: the summary does not show it
    expect(sameFrame(otherId, hex(REPLY_HEX))).toBe('similar');
    expect(findRequest(otherId, [echoTrace])).toBe(1);
    expect(findRequest(hex(REQUEST_HEX), [echoTrace, dropTrace])).toBeNull();
  });
});

describe('hex', () => {
  it('hex and ASCII, 16 bytes a line', () => {
    expect(plainLines(hexLines(hex(REQUEST_HEX)))).toMatchSnapshot();
  });

  it('headers are tinted by layer', () => {
    expect(layersOf(1, hex(REQUEST_HEX))).toEqual({ l3: 14, l4: 34, payload: 42 });
    const l = hexLines(hex(REQUEST_HEX))[0]!;
    expect(l.filter((s) => s.style === 'hex.l2').length).toBe(14);
    expect(l.filter((s) => s.style === 'hex.l3').length).toBe(2);
  });

  it('every byte that is not printable ASCII is a dot', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    // eslint-disable-next-line no-control-regex
    for (const l of hexLines(all, 0)) expect(plain(l)).not.toMatch(/[\x00-\x1f\x7f-\uffff]/);
    for (let b = 0; b < 256; b++) expect(asciiOf(b)).toBe(b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
  });
});

describe('verdict', () => {
  it.each([
    ['dropped', 0, dropTrace],
    ['replied', 1, echoTrace],
    ['observed', 2, observedTrace],
    ['skipped', 3, skippedTrace],
    ['pending', 3, undefined],
  ] as const)('%s', (_name, i, t) => {
    expect(plainLines(verdictLines(i, rows[i], t, 'simulating 3/10'))).toMatchSnapshot();
  });

  it('names the file of the function that dropped, not of the freeing primitive', () => {
    expect(plain(verdictLines(0, rows[0], dropTrace)[0]!)).toContain('in __netif_receive_skb_core (net/core/dev.c)');
  });
});

describe('sockets', () => {
  it('a datagram queued to a socket: the verdict, the path mark and the timeline say so', () => {
    expect(plain(verdictLines(3, rows[3], udpTrace)[0]!)).toContain('DELIVERED, queued to udp 0.0.0.0:53');
    expect(plainLines(treeLines(udpTrace, new Set(), 120))).toContain('__udp_enqueue_schedule_skb queued to udp 0.0.0.0:53 (rmem 768/212992)');
    expect(plainLines(memoryLines(udpTrace))).toMatchSnapshot();
  });

  it('receive queues over time come from the traces\' socket snapshots', () => {
    const acc = new StatsAccumulator();
    acc.add(dropTrace);
    acc.add(echoTrace);
    acc.add(udpTrace);
    expect(acc.snapshot().sockets).toEqual([{ title: 'udp 0.0.0.0:53', x: [1, 2, 4], y: [0, 0, 1] }]);
  });
});
