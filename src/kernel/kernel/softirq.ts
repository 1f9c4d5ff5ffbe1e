/**
 * kernel/softirq.c: pending softirq vectors and handle_softirqs(), which runs them on the way out
 * of an interrupt (irq_exit) or when bottom halves are re-enabled. The handlers are registered by
 * the subsystems (open_softirq): NET_RX_SOFTIRQ -> net_rx_action, TIMER_SOFTIRQ ->
 * run_timer_softirq. Like the kernel, it restarts up to MAX_SOFTIRQ_RESTART (10) times while
 * vectors are raised again, then leaves the rest for ksoftirqd (here: the next run).
 */
import { kfunc } from '../../trace/kfunc.js';
import type { Net } from '../include/net/net_namespace.js';

/** Softirq vectors (include/linux/interrupt.h). */
export const TIMER_SOFTIRQ = 1;
export const NET_TX_SOFTIRQ = 2;
export const NET_RX_SOFTIRQ = 3;

type SoftirqAction = (net: Net) => void;
/** NR_SOFTIRQS (10) vectors, as the kernel's softirq_vec array. */
const NR_SOFTIRQS = 10;
const softirq_vec: (SoftirqAction | null)[] = new Array<SoftirqAction | null>(NR_SOFTIRQS).fill(null);

export function open_softirq(nr: number, action: SoftirqAction): void {
  softirq_vec[nr] = action;
}

export function raise_softirq_irqoff(net: Net, nr: number): void {
  net.softirq_pending |= 1 << nr;
}

const MAX_SOFTIRQ_RESTART = 10;

export const handle_softirqs = kfunc('kernel/softirq.c', function handle_softirqs(net: Net): void {
  let restart = MAX_SOFTIRQ_RESTART;
  while (net.softirq_pending && restart-- > 0) {
    const pending = net.softirq_pending;
    net.softirq_pending = 0;
    for (let nr = 0; nr < NR_SOFTIRQS; nr++) {
      if (pending & (1 << nr)) softirq_vec[nr]?.(net);
    }
  }
});
