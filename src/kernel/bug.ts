/**
 * `BUG()` for the simulated kernel. Linux prints an oops and kills the context; the simulator throws
 * `KernelBug`, which is a simulator (or input-handling) bug, never a packet outcome: drops are
 * `kfree_skb_reason()`, not exceptions (ARCHITECTURE.md, "Drops are outcomes").
 *
 * Messages follow the kernel's own text, with the `pr_fmt` prefix of the file that printed it, e.g.
 * `skbuff: skb_over_panic: text:ip_rcv len:120 put:100 head:0xffff888100004000 data:0x... ...`
 * (net/core/skbuff.c skb_panic()).
 */
export class KernelBug extends Error {
  override readonly name = 'KernelBug';
}

/** `BUG()` with the message the kernel would print just before it. */
export function BUG(message: string): never {
  throw new KernelBug(message);
}
