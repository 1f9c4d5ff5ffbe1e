import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DROP_REASON_NAMES,
  SKB_CONSUMED,
  SKB_DROP_REASON,
  SKB_DROP_REASON_MAX,
  SKB_NOT_DROPPED_YET,
  dropReasonName,
  dropReasonValue,
} from '../../src/kernel/include/net/dropreason.js';

describe('enum skb_drop_reason (6.18)', () => {
  it('SKB_NOT_DROPPED_YET and SKB_CONSUMED come first', () => {
    expect(SKB_NOT_DROPPED_YET).toBe(0);
    expect(SKB_CONSUMED).toBe(1);
    expect(dropReasonName(0)).toBe('SKB_NOT_DROPPED_YET');
    expect(dropReasonName(1)).toBe('SKB_CONSUMED');
  });

  // Values of the 6.18 enum (include/net/dropreason-core.h): the index in DEFINE_DROP_REASON + 2.
  const values: [string, number][] = [
    ['NOT_SPECIFIED', 2],
    ['NO_SOCKET', 3],
    ['SOCKET_CLOSE', 4],
    ['SOCKET_FILTER', 5],
    ['SOCKET_RCVBUFF', 6],
    ['PKT_TOO_SMALL', 9],
    ['TCP_CSUM', 10],
    ['UDP_CSUM', 11],
    ['NETFILTER_DROP', 12],
    ['OTHERHOST', 13],
    ['IP_CSUM', 14],
    ['IP_INHDR', 15],
    ['IP_RPFILTER', 16],
    ['UNICAST_IN_L2_MULTICAST', 17],
    ['XFRM_POLICY', 18],
    ['IP_NOPROTO', 19],
    ['TCP_FLAGS', 30],
    ['TCP_INVALID_SEQUENCE', 42],
    ['TCP_RESET', 45],
    ['TCP_CLOSE', 47],
    ['NEIGH_FAILED', 58],
    ['NEIGH_QUEUEFULL', 59],
    ['QDISC_DROP', 64], // line 69 of the header
    ['CPU_BACKLOG', 71],
    ['UNHANDLED_PROTO', 74],
    ['NOMEM', 81],
    ['HDR_TRUNC', 82],
    ['ICMP_CSUM', 85],
    ['IP_INADDRERRORS', 87],
    ['IP_INNOROUTES', 88],
    ['PKT_TOO_BIG', 93],
    ['DUP_FRAG', 94],
    ['FRAG_REASM_TIMEOUT', 95],
    ['FRAG_TOO_FAR', 96],
    ['DUALPI2_STEP_DROP', 124], // line 129 of the header
    ['PSP_INPUT', 125],
    ['PSP_OUTPUT', 126],
  ];
  for (const [name, v] of values) {
    it(`SKB_DROP_REASON_${name} = ${v}`, () => {
      expect(SKB_DROP_REASON[name as keyof typeof SKB_DROP_REASON]).toBe(v);
      expect(dropReasonName(v)).toBe(`SKB_DROP_REASON_${name}`);
      expect(dropReasonValue(name)).toBe(v);
      expect(dropReasonValue(`SKB_DROP_REASON_${name}`)).toBe(v);
    });
  }

  it('the brief order holds where 6.18 keeps it, and names are unique', () => {
    const order = ['NOT_SPECIFIED', 'NO_SOCKET', 'SOCKET_FILTER', 'PKT_TOO_SMALL', 'TCP_CSUM', 'UDP_CSUM', 'NETFILTER_DROP', 'OTHERHOST', 'IP_CSUM', 'IP_INHDR', 'IP_RPFILTER', 'UNICAST_IN_L2_MULTICAST', 'UNHANDLED_PROTO'];
    const v = order.map((n) => SKB_DROP_REASON[n as keyof typeof SKB_DROP_REASON]);
    expect([...v].sort((a, b) => a - b)).toEqual(v);
    expect(new Set(DROP_REASON_NAMES).size).toBe(DROP_REASON_NAMES.length);
    expect(SKB_DROP_REASON_MAX).toBe(127);
    expect(DROP_REASON_NAMES.length).toBe(125);
  });

  it('unknown values still get a name', () => {
    expect(dropReasonName(999)).toBe('SKB_DROP_REASON_999');
    expect(dropReasonValue('NO_SUCH_REASON')).toBeUndefined();
  });

  it('every reason seen in the kernel fixtures exists', () => {
    const root = join(__dirname, '..', '..', '..', 'shared', 'fixtures');
    const seen = new Set<string>();
    for (const kind of ['kernel', 'kernel-backlog']) {
      const dir = join(root, kind);
      if (!existsSync(dir)) continue;
      for (const fx of readdirSync(dir)) {
        const f = join(dir, fx, 'trace.json');
        if (!existsSync(f)) continue;
        for (const m of readFileSync(f, 'utf8').matchAll(/"reason":\s*"([A-Z0-9_]+)"/g)) seen.add(m[1]!);
      }
    }
    if (seen.size === 0) return; // shared/ not beside this checkout
    for (const r of seen) expect(dropReasonValue(r), r).toBeDefined();
    expect(seen).toContain('OTHERHOST');
  });
});
