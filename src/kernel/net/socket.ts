/**
 * net/socket.c: the system calls a simulated application makes on its sockets. Each is a root of
 * the call path (depth 0), as the syscall entry is in a real stack, so an application's work shows
 * in the trace of the frame being handled when it runs (kernel-oracle's windows):
 * `__sys_recvfrom > sock_recvmsg > inet_recvmsg > udp_recvmsg ...`,
 * `__sys_sendto > inet_sendmsg > udp_sendmsg > ...`.
 *
 * Simplified: no file descriptors or struct file, no LSM hooks, no cgroup BPF, one iovec; the
 * socket and its data buffers belong to the caller. See net/socket.c.
 */
import { kfunc } from '../../trace/kfunc.js';
import type { Net } from '../include/net/net_namespace.js';
import type { MsgHdr, Sock } from '../include/net/sock.js';
import { type ProtoOps, inet_create } from './ipv4/af_inet.js';

const F = 'net/socket.c';

/** struct socket: the ops of its family and type, and its sock. */
export interface Socket {
  sk: Sock;
  ops: ProtoOps;
}

export const AF_INET = 2;
export const SOCK_DGRAM = 2;

/** __sys_socket(): socket(family, type, protocol); the socket or -errno. */
export const __sys_socket = kfunc(F, function __sys_socket(net: Net, family: number, type: number, protocol: number, name: string): Socket | number {
  if (family !== AF_INET) return -97; // -EAFNOSUPPORT
  const r = inet_create(net, type, protocol, name);
  if (typeof r === 'number') return r;
  return { sk: r.sk, ops: r.ops };
});

/** sock_poll(): the file's poll: sock->ops->poll (udp_poll for UDP). See net/socket.c. */
export const sock_poll = kfunc(F, function sock_poll(sock: Socket): number {
  return sock.ops.poll(sock.sk);
});

/** __sys_bind(): bind(fd, {addr, port}). */
export const __sys_bind = kfunc(F, function __sys_bind(sock: Socket, addr: number, port: number): number {
  return sock.ops.bind(sock.sk, addr, port);
});

/** __sys_setsockopt(): setsockopt(fd, level, optname, &val) with an int value. */
export const __sys_setsockopt = kfunc(F, function __sys_setsockopt(sock: Socket, level: number, optname: number, val: number): number {
  return sock.ops.setsockopt(sock.sk, level, optname, val);
});

/** sock_sendmsg_nosec(): sock->ops->sendmsg. Inline. */
const sock_sendmsg_nosec = kfunc(
  F,
  function sock_sendmsg_nosec(sock: Socket, msg: MsgHdr, len: number): number {
    return sock.ops.sendmsg(sock.sk, msg, len);
  },
  { inline: true },
);

/** __sock_sendmsg(): (LSM check) sock_sendmsg_nosec; the sock_send_length tracepoint fires after. Inline. */
const __sock_sendmsg = kfunc(
  F,
  function __sock_sendmsg(sock: Socket, msg: MsgHdr, len: number): number {
    return sock_sendmsg_nosec(sock, msg, len);
  },
  { inline: true },
);

/**
 * __sys_sendto(): sendto(fd, buf, len, flags, {addr, port}): msg.data[0..len) to msg.addr:port
 * (0: the connected peer), with msg.msg_flags. Returns len or -errno.
 */
export const __sys_sendto = kfunc(F, function __sys_sendto(sock: Socket, msg: MsgHdr, len: number): number {
  return __sock_sendmsg(sock, msg, len);
});

/** sock_recvmsg_nosec(): sock->ops->recvmsg. Inline. */
const sock_recvmsg_nosec = kfunc(
  F,
  function sock_recvmsg_nosec(sock: Socket, msg: MsgHdr, len: number, flags: number): number {
    return sock.ops.recvmsg(sock.sk, msg, len, flags);
  },
  { inline: true },
);

/** sock_recvmsg(): (LSM check) sock_recvmsg_nosec; the sock_recv_length tracepoint fires after. */
export const sock_recvmsg = kfunc(F, function sock_recvmsg(sock: Socket, msg: MsgHdr, len: number, flags: number): number {
  return sock_recvmsg_nosec(sock, msg, len, flags);
});

/**
 * __sys_recvfrom(): recvfrom(fd, buf, len, flags, &from): one datagram into msg.data (at most
 * `len` bytes), its source in msg.addr/port. Returns the bytes read or -errno (-EAGAIN: nothing
 * queued).
 */
export const __sys_recvfrom = kfunc(F, function __sys_recvfrom(sock: Socket, msg: MsgHdr, len: number, flags: number): number {
  return sock_recvmsg(sock, msg, len, flags);
});
