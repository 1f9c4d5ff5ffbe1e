#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import { setFlagsFromString } from 'node:v8';

// V8 tuning, set before any of skbtrace is loaded (and so before the -T worker threads, which take
// the process's flags when they start). Allocation-site pretenuring: when the young generation
// first reaches its full size, V8 throws away the optimised code of every function that allocates
// from an object literal it has marked "maybe tenure". Here those are the per-packet records (skb
// pointer snapshots, trace records), which die young, so all it does is deoptimise ~100 functions
// of the kernel model at once, ~2 s into a run, in each thread (`--trace-deopt`: "marking
// dependent code ... reason: code dependencies"). Measured on the 1,000,000-frame benchmark:
// -T ndjson ~4% faster without it.
setFlagsFromString('--no-allocation-site-pretenuring');

const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`skbtrace: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
