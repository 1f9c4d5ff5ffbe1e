/**
 * net/core/sock.c: the generic socket code the simulated sockets use: the default callbacks that
 * wake a socket's waiters (sock_def_readable behind sk_data_ready, sock_def_error_report behind
 * sk_error_report), socket options of level SOL_SOCKET (sk_setsockopt: SO_RCVBUF, SO_SNDBUF,
 * SO_REUSEADDR, SO_REUSEPORT, SO_BROADCAST, SO_NO_CHECK), send buffer accounting
 * (sock_alloc_send_pskb charges an skb to sk_wmem_alloc with skb_set_owner_w; sock_wfree gives it
 * back when the skb is freed) and the protocol memory pool a receive queue draws from
 * (__sk_mem_schedule / __sk_mem_reduce_allocated).
 *
 * Simplified: a send that finds the send buffer full fails with -EAGAIN (a blocked sender is not
 * modelled); no memory cgroups, no memory pressure (UDP has none), no per-cpu reserve of
 * sk_memory_allocated; alloc_skb_with_frags is alloc_skb (no paged data). See net/core/sock.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import {
  type Sock,
  SK_MEM_RECV,
  SOCK_BROADCAST,
  SOCK_MIN_RCVBUF,
  SOCK_MIN_SNDBUF,
  SOCK_RCVBUF_LOCK,
  SOCK_SNDBUF_LOCK,
  SK_RMEM_DEFAULT,
  SK_WMEM_DEFAULT,
  sock_reset_flag,
  sock_set_flag,
} from '../../include/net/sock.js';
import { type SkBuff, alloc_skb, skb_orphan } from './skbuff.js';
import { PAGE_SHIFT, PAGE_SIZE } from '../../mm/slab.js';
import { rec } from '../../trace_hooks.js';

const F = 'net/core/sock.c';

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_NO_CHECK = 11;
export const SO_REUSEPORT = 15;

export const EAGAIN = 11;
export const EPIPE = 32;
export const ENOPROTOOPT = 92;

const INT_MAX = 0x7fffffff;

// --- waking the application --------------------------------------------------------------------

/**
 * sock_def_readable(): sk_data_ready of every socket that does not override it: wake the tasks
 * sleeping in recvmsg/poll on the socket (EPOLLIN). The `sk_data_ready` tracepoint fires here.
 * See net/core/sock.c.
 */
export const sock_def_readable = kfunc(F, function sock_def_readable(sk: Sock): void {
  const wq = sk.sk_wq;
  for (let i = 0; i < wq.length; i++) wq[i]!.func(sk, 'readable');
});

/** sock_def_error_report(): wake the waiters with EPOLLERR. See net/core/sock.c. */
export const sock_def_error_report = kfunc(F, function sock_def_error_report(sk: Sock): void {
  const wq = sk.sk_wq;
  for (let i = 0; i < wq.length; i++) wq[i]!.func(sk, 'error');
});

/**
 * sk_error_report(): sk->sk_error_report(sk) after sk_err was set; the inet_sk_error_report
 * tracepoint fires here for AF_INET sockets. See net/core/sock.c.
 */
export const sk_error_report = kfunc(F, function sk_error_report(sk: Sock): void {
  sk.sk_error_report(sk);
  rec()?.sockEvent(sk.id, 'error', null, sk.sk_err, sk.sk_rmem_alloc, sk.sk_rcvbuf);
});

/** sock_init_data(): the default callbacks (the rest is set by sk_alloc in include/net/sock.ts). */
export function sock_init_data(sk: Sock): void {
  sk.sk_data_ready = sock_def_readable;
  sk.sk_error_report = sock_def_error_report;
}

/** sock_error(): the pending error, as -errno, cleared (xchg). Inline in include/net/sock.h. */
export function sock_error(sk: Sock): number {
  if (sk.sk_err === 0) return 0;
  const err = sk.sk_err;
  sk.sk_err = 0;
  return -err;
}

// --- socket options ------------------------------------------------------------------------------

/** __sock_set_rcvbuf(): twice what the application asks (for the skb overhead), at least SOCK_MIN_RCVBUF. */
function __sock_set_rcvbuf(sk: Sock, val: number): void {
  val = Math.min(val, INT_MAX >> 1);
  sk.sk_userlocks |= SOCK_RCVBUF_LOCK;
  sk.sk_rcvbuf = Math.max(val * 2, SOCK_MIN_RCVBUF);
}

/**
 * sk_setsockopt(): options of level SOL_SOCKET. SO_RCVBUF / SO_SNDBUF are capped by
 * net.core.rmem_max / wmem_max and doubled; the others are flags. 0 or -errno.
 * See net/core/sock.c.
 */
export const sk_setsockopt = kfunc(F, function sk_setsockopt(sk: Sock, optname: number, val: number): number {
  const net: Net = sk.net;
  switch (optname) {
    case SO_REUSEADDR:
      sk.sk_reuse = val ? 1 : 0;
      return 0;
    case SO_REUSEPORT:
      sk.sk_reuseport = val ? 1 : 0;
      return 0;
    case SO_BROADCAST:
      if (val) sock_set_flag(sk, SOCK_BROADCAST);
      else sock_reset_flag(sk, SOCK_BROADCAST);
      return 0;
    case SO_RCVBUF:
      __sock_set_rcvbuf(sk, Math.min(val >>> 0, net.sysctlInt('net.core.rmem_max', SK_RMEM_DEFAULT)));
      return 0;
    case SO_SNDBUF:
      val = Math.min(val >>> 0, net.sysctlInt('net.core.wmem_max', SK_WMEM_DEFAULT));
      sk.sk_userlocks |= SOCK_SNDBUF_LOCK;
      sk.sk_sndbuf = Math.max(Math.min(val, INT_MAX >> 1) * 2, SOCK_MIN_SNDBUF);
      return 0;
    case SO_NO_CHECK:
      sk.sk_no_check_tx = val !== 0;
      return 0;
    default:
      return -ENOPROTOOPT;
  }
});

// --- send buffer ---------------------------------------------------------------------------------

/**
 * sock_wfree(): the destructor of an skb charged to a socket's send buffer: give its truesize
 * back to sk_wmem_alloc. See net/core/sock.c.
 */
export const sock_wfree = kfunc(F, function sock_wfree(skb: SkBuff): void {
  const sk = skb.sk as Sock;
  sk.sk_wmem_alloc -= skb.truesize;
});

/** skb_set_owner_w(): charge the skb to the socket's send buffer (destructor sock_wfree). */
export function skb_set_owner_w(skb: SkBuff, sk: Sock): void {
  skb_orphan(skb);
  skb.sk = sk;
  skb.destructor = sock_wfree;
  sk.sk_wmem_alloc += skb.truesize;
}

/**
 * sock_alloc_send_pskb(): an skb for a socket's send path, charged to its send buffer: fails
 * with the socket's pending error (sock_error, which clears it), or -EAGAIN while sk_wmem_alloc
 * is at sk_sndbuf. The allocation is alloc_skb_with_frags (linear here). Returns the skb or
 * -errno. See net/core/sock.c.
 */
export const sock_alloc_send_pskb = kfunc(F, function sock_alloc_send_pskb(sk: Sock, header_len: number, _data_len: number, _noblock: boolean): SkBuff | number {
  const err = sock_error(sk);
  if (err !== 0) return err;
  if (sk.sk_wmem_alloc - 1 >= sk.sk_sndbuf) return -EAGAIN;
  const skb = alloc_skb(header_len);
  skb_set_owner_w(skb, sk);
  return skb;
});

/** sock_alloc_send_skb(): sock_alloc_send_pskb with no paged part. Inline in include/net/sock.h. */
export const sock_alloc_send_skb = kfunc(
  'include/net/sock.h',
  function sock_alloc_send_skb(sk: Sock, size: number, noblock: boolean): SkBuff | number {
    return sock_alloc_send_pskb(sk, size, 0, noblock);
  },
  { inline: true },
);

// --- protocol memory -------------------------------------------------------------------------------

/** sk_mem_pages(): pages needed for `amt` bytes. */
export function sk_mem_pages(amt: number): number {
  return (amt + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

export function sk_forward_alloc_add(sk: Sock, val: number): void {
  sk.sk_forward_alloc += val;
}

/**
 * __sk_mem_raise_allocated(): take `amt` pages from the protocol's pool (net.ipv4.udp_mem for
 * UDP). Below the first limit it is granted; above the hard limit refused; between, a receive is
 * granted while the socket holds less than the protocol's minimum (udp_rmem_min).
 * See net/core/sock.c.
 */
export const __sk_mem_raise_allocated = kfunc(F, function __sk_mem_raise_allocated(sk: Sock, _size: number, amt: number, kind: number): number {
  const prot = sk.sk_prot!;
  prot.memory_allocated += amt;
  const allocated = prot.memory_allocated;
  const limits = prot.sysctl_mem();
  if (allocated <= limits[0]) return 1;
  // Above limits[1] the protocol would enter memory pressure: UDP has no pressure flag.
  if (allocated <= limits[2]) {
    // Guarantee a minimum receive buffer (sk_get_rmem0: udp_rmem_min).
    if (kind === SK_MEM_RECV && sk.sk_rmem_alloc < sk.net.sysctlInt('net.ipv4.udp_rmem_min', PAGE_SIZE)) return 1;
    // sk_has_memory_pressure() is false for UDP: nothing more is granted above limits[0].
  }
  // suppress_allocation:
  prot.memory_allocated -= amt;
  return 0;
});

/**
 * __sk_mem_schedule(): make `size` bytes available in sk_forward_alloc, in whole pages.
 * 1 when granted. See net/core/sock.c.
 */
export const __sk_mem_schedule = kfunc(F, function __sk_mem_schedule(sk: Sock, size: number, kind: number): number {
  const amt = sk_mem_pages(size);
  sk_forward_alloc_add(sk, amt << PAGE_SHIFT);
  const ret = __sk_mem_raise_allocated(sk, size, amt, kind);
  if (!ret) sk_forward_alloc_add(sk, -(amt << PAGE_SHIFT));
  return ret;
});

/** __sk_mem_reduce_allocated(): give `amount` pages back to the protocol's pool. */
export function __sk_mem_reduce_allocated(sk: Sock, amount: number): void {
  sk.sk_prot!.memory_allocated -= amount;
}
