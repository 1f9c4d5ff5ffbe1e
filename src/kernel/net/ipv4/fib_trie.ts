/**
 * net/ipv4/fib_trie.c: the FIB table and fib_table_lookup, the longest-prefix match every IPv4
 * route lookup ends in (its `fib_table_lookup` tracepoint is in the kernel fixtures' stacks).
 *
 * Simplified: the LC-trie is a list kept in longest-prefix-first order (the result is the same
 * for the handful of routes a host has); one alias per prefix, no multipath, no route metrics.
 * As in the kernel without custom rules, the local table is merged into main, so every lookup is
 * one fib_table_lookup. See net/ipv4/fib_trie.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { FibAlias, FibResult, FibTable } from '../../include/net/netns_ipv4.js';
import type { Flowi4 } from '../../include/net/route.js';
import { RTN_BLACKHOLE, RTN_PROHIBIT, RTN_THROW, RTN_UNREACHABLE } from '../../include/net/route.js';

const F = 'net/ipv4/fib_trie.c';

export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;
export const ENETUNREACH = 101;
export const EAGAIN = 11;
const EHOSTUNREACH = 113;
const EACCES = 13;
const EINVAL = 22;

export function fib_trie_table(tb_id: number): FibTable {
  return { tb_id, aliases: [] };
}

export function fib_result_init(): FibResult {
  return { prefix: 0, prefixlen: 0, type: 0, scope: 0, fa: null, table: 0 };
}

/** fib_table_insert(): add a route (replacing one with the same prefix, type and table). */
export function fib_table_insert(tb: FibTable, fa: FibAlias): void {
  const l = tb.aliases;
  const i = l.findIndex((a) => a.dst === fa.dst && a.plen === fa.plen && a.type === fa.type && a.table === fa.table);
  if (i >= 0) l.splice(i, 1);
  let at = l.findIndex((a) => a.plen < fa.plen);
  if (at < 0) at = l.length;
  l.splice(at, 0, fa);
}

/** fib_props[type].error: route types that answer with an error instead of a route. */
function fib_type_error(type: number): number {
  switch (type) {
    case RTN_UNREACHABLE:
      return -EHOSTUNREACH;
    case RTN_BLACKHOLE:
      return -EINVAL;
    case RTN_PROHIBIT:
      return -EACCES;
    case RTN_THROW:
      return -EAGAIN;
    default:
      return 0;
  }
}

/**
 * fib_table_lookup(): the longest prefix that contains flp->daddr and whose scope is at least
 * the flow's (flowi4_scope), optionally bound to flowi4_oif. 0 with `res` filled, or -EAGAIN
 * (no route; fib_lookup turns it into -ENETUNREACH) or the route type's error. See
 * net/ipv4/fib_trie.c.
 */
export const fib_table_lookup = kfunc(F, function fib_table_lookup(tb: FibTable, flp: Flowi4, res: FibResult, _flags: number): number {
  const key = flp.daddr >>> 0;
  for (const fa of tb.aliases) {
    if (((key ^ fa.dst) & fa.mask) >>> 0 !== 0) continue;
    if (fa.scope < flp.flowi4_scope) continue;
    if (flp.flowi4_oif && flp.flowi4_oif !== fa.dev.ifindex) continue;
    const err = fib_type_error(fa.type);
    if (err) return err;
    res.prefix = fa.dst;
    res.prefixlen = fa.plen;
    res.type = fa.type;
    res.scope = fa.scope;
    res.fa = fa;
    res.table = fa.table;
    return 0;
  }
  return -EAGAIN;
});
