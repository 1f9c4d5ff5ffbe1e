/**
 * Running skbtrace over a capture: the host profile (given, or inferred from the capture), then
 * the run on worker threads (parallel.ts: -T on a big file) or on this one (serial.ts).
 */
import { readFileSync } from 'node:fs';
import { openCaptureFile, readCaptureBatches, type CapturedFrame } from '../capture/index.js';
import { parseProfile, defaultProfile, isIPv4, type HostProfile, ProfileError } from '../replay/profile.js';
import { inferHost } from '../replay/infer.js';
import { CliError, EXIT_USAGE } from './errors.js';
import { planThreads, runParallel } from './parallel.js';
import type { CliIo } from './main.js';

export interface RunOptions {
  file: string;
  print: boolean;
  verbose: boolean;
  format: 'json' | 'ndjson' | undefined;
  stats: boolean;
  write: string | undefined;
  merge: string | undefined;
  count: number | undefined;
  hostProfile: string | undefined;
  host: string | undefined;
  mac: string | undefined;
  color: boolean;
  drainMs: number;
  /** Worker threads for -T (see parallel.ts); undefined: chosen by the capture's size. */
  threads?: number;
  /** Frames per block for the threaded -T (tests use small blocks). */
  threadBlock?: number;
  /** Output slots per worker for the threaded -T (tests use few, to run out of them). */
  threadSlots?: number;
}

/** Frames the host is inferred from when no profile is given. */
export const INFER_FRAMES = 10_000;

export function loadProfile(opts: RunOptions): HostProfile | undefined {
  let p: HostProfile | undefined;
  if (opts.hostProfile) {
    let text: string;
    try {
      text = readFileSync(opts.hostProfile, 'utf8');
    } catch (e) {
      throw new CliError(`skbtrace: ${opts.hostProfile}: cannot read host profile: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, EXIT_USAGE);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new CliError(`skbtrace: ${opts.hostProfile}: not valid JSON: ${(e as Error).message}`, EXIT_USAGE);
    }
    try {
      p = parseProfile(json, opts.hostProfile);
    } catch (e) {
      if (e instanceof ProfileError) throw new CliError(`skbtrace: ${e.message}`, EXIT_USAGE);
      throw e;
    }
  }
  if (opts.host || opts.mac) {
    p = p ?? defaultProfile();
    if (opts.host) {
      const [ipPart, len] = opts.host.split('/');
      if (!isIPv4(ipPart ?? '') || (len !== undefined && !(/^\d+$/.test(len) && Number(len) <= 32))) {
        throw new CliError(`skbtrace: --host '${opts.host}' is not an IPv4 address (a.b.c.d or a.b.c.d/len)`, EXIT_USAGE);
      }
      p = { ...p, addresses: [`${ipPart}/${len ?? 24}`], name: `--host ${opts.host}` };
    }
    if (opts.mac) {
      if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(opts.mac)) throw new CliError(`skbtrace: --mac '${opts.mac}' is not a MAC address (xx:xx:xx:xx:xx:xx)`, EXIT_USAGE);
      p = { ...p, mac: opts.mac.toLowerCase() };
    }
  }
  return p;
}

/**
 * The host inferred from the first frames of a capture file, as the serial run infers it (the
 * message goes to stderr). Undefined if the file cannot be read that far: the serial run, which
 * reports it, takes over.
 */
async function inferFromFile(opts: RunOptions, io: CliIo): Promise<HostProfile | undefined> {
  const buffered: CapturedFrame[] = [];
  const want = Math.min(INFER_FRAMES, opts.count ?? Infinity);
  try {
    outer: for await (const batch of readCaptureBatches(openCaptureFile(opts.file), opts.file, {})) {
      for (const f of batch) {
        if (buffered.length >= want) break outer;
        buffered.push({ ...f, data: f.data.slice() });
      }
    }
  } catch {
    return undefined;
  }
  return announceHost(buffered, io);
}

/** The host inferred from `frames`, saying on stderr what was inferred and how to override it. */
export function announceHost(frames: CapturedFrame[], io: CliIo): HostProfile {
  const inf = inferHost(frames);
  io.stderr.write(`skbtrace: ${inf.message}\n`);
  return inf.profile;
}

export async function run(opts: RunOptions, io: CliIo): Promise<number> {
  const threads = planThreads(opts);
  if (threads > 1) {
    const p = loadProfile(opts) ?? (await inferFromFile(opts, io));
    if (p) return runParallel(opts, p, io, threads);
  }
  // Loaded only here: the threaded run needs none of the kernel model in this thread, and starts
  // its workers sooner without it (~60 ms of loading).
  const { runSerial } = await import('./serial.js');
  return runSerial(opts, io);
}

