/**
 * net/core/sock.c as the simulated sockets use it (issue 5): SO_RCVBUF / SO_SNDBUF sizing, the
 * send buffer charge (sock_alloc_send_pskb, sock_wfree), the protocol memory pool
 * (__sk_mem_schedule with net.ipv4.udp_mem), binding (EADDRINUSE, SO_REUSEADDR, the ephemeral
 * port of an unbound sender), and the socket syscalls as roots of the call path.
 */
import { describe, expect, it } from 'vitest';
import { Net } from '../../src/kernel/include/net/net_namespace.js';
import { inet_init, inet_bind } from '../../src/kernel/net/ipv4/af_inet.js';
import { udp_sk_alloc } from '../../src/kernel/net/ipv4/udp.js';
import { SK_MEM_RECV, SOCK_MIN_RCVBUF } from '../../src/kernel/include/net/sock.js';
import { SO_RCVBUF, SO_REUSEADDR, SO_SNDBUF, __sk_mem_schedule, sk_setsockopt, sock_alloc_send_pskb, sock_error } from '../../src/kernel/net/core/sock.js';
import { consume_skb, skbuffReset } from '../../src/kernel/net/core/skbuff.js';
import { parseIp } from '../../src/kernel/include/net/ip.js';
import { Recorder } from '../../src/trace/recorder.js';
import { setCallSink } from '../../src/trace/kfunc.js';
import { __sys_recvfrom, __sys_socket, type Socket } from '../../src/kernel/net/socket.js';
import { hostWith } from './udp-helpers.js';
import { Session } from '../../src/replay/session.js';

function net(sysctls: Record<string, string | number> = {}): Net {
  skbuffReset();
  const n = new Net();
  for (const [k, v] of Object.entries(sysctls)) n.sysctl.set(k, v);
  inet_init(n);
  return n;
}

describe('socket options (sk_setsockopt)', () => {
  it('SO_RCVBUF is doubled for the skb overhead', () => {
    const sk = udp_sk_alloc(net(), 't');
    expect(sk.sk_rcvbuf).toBe(212992);
    sk_setsockopt(sk, SO_RCVBUF, 65536);
    expect(sk.sk_rcvbuf).toBe(131072);
  });
  it('SO_RCVBUF has a floor (SOCK_MIN_RCVBUF) and a ceiling (net.core.rmem_max, then doubled)', () => {
    const sk = udp_sk_alloc(net({ 'net.core.rmem_max': 4096 }), 't');
    sk_setsockopt(sk, SO_RCVBUF, 1);
    expect(sk.sk_rcvbuf).toBe(SOCK_MIN_RCVBUF);
    sk_setsockopt(sk, SO_RCVBUF, 1 << 20);
    expect(sk.sk_rcvbuf).toBe(8192);
  });
  it('SO_SNDBUF is doubled too', () => {
    const sk = udp_sk_alloc(net(), 't');
    sk_setsockopt(sk, SO_SNDBUF, 10000);
    expect(sk.sk_sndbuf).toBe(20000);
  });
});

describe('send buffer (sock_alloc_send_pskb)', () => {
  it('charges the skb to sk_wmem_alloc; freeing it (sock_wfree) gives it back', () => {
    const sk = udp_sk_alloc(net(), 't');
    const skb = sock_alloc_send_pskb(sk, 100, 0, true);
    if (typeof skb === 'number') throw new Error('alloc failed');
    expect(sk.sk_wmem_alloc).toBe(1 + skb.truesize);
    consume_skb(skb);
    expect(sk.sk_wmem_alloc).toBe(1);
  });
  it('-EAGAIN once sk_wmem_alloc reaches sk_sndbuf', () => {
    const sk = udp_sk_alloc(net(), 't');
    sk.sk_sndbuf = 1000;
    const a = sock_alloc_send_pskb(sk, 1000, 0, true);
    expect(typeof a).not.toBe('number');
    expect(sock_alloc_send_pskb(sk, 1000, 0, true)).toBe(-11);
  });
  it('a pending socket error is returned (and cleared) instead', () => {
    const sk = udp_sk_alloc(net(), 't');
    sk.sk_err = 111;
    expect(sock_alloc_send_pskb(sk, 10, 0, true)).toBe(-111);
    expect(sk.sk_err).toBe(0);
    expect(sock_error(sk)).toBe(0);
  });
});

describe('protocol memory (__sk_mem_schedule, net.ipv4.udp_mem)', () => {
  it('whole pages go to sk_forward_alloc and the protocol pool', () => {
    const sk = udp_sk_alloc(net(), 't');
    expect(__sk_mem_schedule(sk, 100, SK_MEM_RECV)).toBe(1);
    expect(sk.sk_forward_alloc).toBe(4096);
    expect(sk.sk_prot!.memory_allocated).toBe(1);
  });
  it('above the first limit, only a socket below udp_rmem_min gets more; never above the hard limit', () => {
    const sk = udp_sk_alloc(net({ 'net.ipv4.udp_mem': '0 1 2' }), 't');
    expect(__sk_mem_schedule(sk, 100, SK_MEM_RECV)).toBe(1);
    sk.sk_rmem_alloc = 5000;
    expect(__sk_mem_schedule(sk, 100, SK_MEM_RECV)).toBe(0);
    sk.sk_rmem_alloc = 0;
    expect(__sk_mem_schedule(sk, 100, SK_MEM_RECV)).toBe(1);
    expect(__sk_mem_schedule(sk, 100, SK_MEM_RECV)).toBe(0); // 3 pages > udp_mem[2]
    expect(sk.sk_prot!.memory_allocated).toBe(2);
  });
});

describe('bind (inet_bind -> udp_v4_get_port)', () => {
  it('a second socket on a port is refused (EADDRINUSE) unless both set SO_REUSEADDR', () => {
    const n = net();
    const a = udp_sk_alloc(n, 'a');
    const b = udp_sk_alloc(n, 'b');
    expect(inet_bind(a, 0, 53)).toBe(0);
    expect(inet_bind(b, 0, 53)).toBe(-98);
    const c = udp_sk_alloc(n, 'c');
    const d = udp_sk_alloc(n, 'd');
    sk_setsockopt(c, SO_REUSEADDR, 1);
    sk_setsockopt(d, SO_REUSEADDR, 1);
    expect(inet_bind(c, 0, 54)).toBe(0);
    expect(inet_bind(d, 0, 54)).toBe(0);
  });
  it('an address that is not ours: EADDRNOTAVAIL', () => {
    const n = net();
    const a = udp_sk_alloc(n, 'a');
    expect(inet_bind(a, parseIp('198.51.100.1'), 53)).toBe(-99);
  });
  it('an unbound socket that sends gets an ephemeral port from ip_local_port_range', () => {
    const s = new Session({ profile: hostWith([]), record: 'none' });
    const sock = __sys_socket(s.host.net, 2, 2, 0, 'client') as Socket;
    sock.ops.sendmsg(sock.sk, { addr: parseIp('192.0.2.1'), port: 9, data: new Uint8Array(4), msg_flags: 0 }, 4);
    expect(sock.sk.inet_num).toBeGreaterThanOrEqual(32768);
    expect(sock.sk.inet_num).toBeLessThanOrEqual(60999);
  });
});

describe('system calls are roots of the call path', () => {
  it('__sys_recvfrom runs at depth 0, down to udp_recvmsg; nothing queued: -EAGAIN', () => {
    const n = net();
    const r = new Recorder('full');
    const prev = setCallSink(r);
    try {
      r.begin({ index: 0, tsNs: '0', len: 0, caplen: 0, linkType: 1, role: 'rx' });
      const sock = __sys_socket(n, 2, 2, 0, 'x') as Socket;
      expect(__sys_recvfrom(sock, { addr: 0, port: 0, data: new Uint8Array(10), msg_flags: 0 }, 10, 0)).toBe(-11);
      const t = r.finish()!;
      const recv = t.path.findIndex((p) => p.fn === '__sys_recvfrom');
      expect(t.path[recv]!.depth).toBe(0);
      expect(t.path.slice(recv).map((p) => p.fn)).toEqual(expect.arrayContaining(['sock_recvmsg', 'inet_recvmsg', 'udp_recvmsg', '__skb_recv_udp']));
    } finally {
      setCallSink(prev);
    }
  });
});
