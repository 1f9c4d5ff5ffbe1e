/**
 * fs/select.c: select(2)/pselect6(2), as the oracle's listener process (python select.select)
 * waits for its sockets: do_pselect -> core_sys_select -> do_select polls every descriptor of
 * the read set (the file's poll: sock_poll -> udp_poll for a UDP socket) and returns the ready
 * ones. Polling is not free of side effects: udp_poll verifies the checksum of the first queued
 * datagram and drops a bad one (first_packet_length), so a select shows in real stacks.
 *
 * Simplified: only the read set; no timeout; a select that finds nothing ready returns 0 here
 * (the caller goes to sleep on the sockets' wait queues) instead of sleeping inside do_select:
 * when woken, the caller polls again, which is what do_select's loop does after the wake-up.
 */
import { kfunc } from '../../trace/kfunc.js';
import { type Socket, sock_poll } from '../net/socket.js';

const F = 'fs/select.c';

/** EPOLL* bits (include/uapi/linux/eventpoll.h) and the read set of select. */
export const EPOLLIN = 0x001;
export const EPOLLPRI = 0x002;
export const EPOLLOUT = 0x004;
export const EPOLLERR = 0x008;
export const EPOLLHUP = 0x010;
export const EPOLLRDNORM = 0x040;
export const EPOLLRDBAND = 0x080;
export const EPOLLWRNORM = 0x100;
export const EPOLLRDHUP = 0x2000;
export const POLLIN_SET = EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR;

/** do_select(): poll each descriptor of the read set once; the ready ones go to `ready`. */
export const do_select = kfunc(F, function do_select(fds: readonly Socket[], ready: Socket[]): number {
  ready.length = 0;
  for (let i = 0; i < fds.length; i++) {
    const s = fds[i]!;
    if (sock_poll(s) & POLLIN_SET) ready.push(s);
  }
  return ready.length;
});

/** core_sys_select(): copy the fd sets in and out around do_select. */
export const core_sys_select = kfunc(F, function core_sys_select(fds: readonly Socket[], ready: Socket[]): number {
  return do_select(fds, ready);
});

/** do_pselect(): select(2) on glibc (pselect6 underneath): the syscall's entry here, a root of the path. */
export const do_pselect = kfunc(F, function do_pselect(fds: readonly Socket[], ready: Socket[]): number {
  return core_sys_select(fds, ready);
});
