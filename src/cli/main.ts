/**
 * skbtrace's command line. The only module that touches `process` (through the streams it is
 * handed) and decides exit codes: 0 ok, 1 usage error, 2 unreadable or malformed input, 3 output not
 * written (a full disk).
 */
import { createRequire } from 'node:module';
import { run } from './run.js';
import { CliError, EXIT_INPUT, EXIT_OK, EXIT_USAGE, errorLine } from './errors.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & import('node:stream').Writable;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & AsyncIterable<Uint8Array>;
  stdoutIsTTY: boolean;
}


function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

const EXAMPLES: [string, string][] = [
  ['skbtrace capture.pcapng -P', 'one tshark-like line per frame: No. Time Source Destination Protocol Length Info'],
  ['skbtrace capture.pcap -V', 'per frame: the kernel functions it ran through, skb pointer ops, allocs/frees, drops'],
  ['skbtrace capture.pcap -V --host-profile host.json', 'simulate the host described in host.json (kernel-oracle format)'],
  ['skbtrace capture.pcap -V --host 192.0.2.10/24 --mac 02:00:00:00:00:0a', 'simulate this address instead of inferring it'],
  ['skbtrace capture.pcap -T ndjson -w replies.pcap', 'traces as NDJSON, the host\'s replies to a pcap'],
  ['skbtrace capture.pcap --merge explained.pcapng', 'input and replies in one pcapng, each frame commented with its kernel path (open it in Wireshark)'],
  ['skbtrace big.pcap --stats', 'simulate everything, print counts per function and drop reason'],
  ['tcpdump -w - -i eth0 | skbtrace - -P -c 10', 'read from standard input, stop after 10 frames'],
];

export async function main(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const stdout = (io?.stdout ?? process.stdout) as CliIo['stdout'];
  const stderr = io?.stderr ?? process.stderr;
  const stdin = (io?.stdin ?? process.stdin) as CliIo['stdin'];
  const stdoutIsTTY = io?.stdoutIsTTY ?? Boolean((process.stdout as { isTTY?: boolean }).isTTY);

  // Fast path: `--version` must start in well under half a second, so it loads nothing else.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    stdout.write(`skbtrace ${version()}\n`);
    return EXIT_OK;
  }

  const { default: yargs } = await import('yargs');
  let usageError: string | undefined;
  let exitEarly = false;
  const parser = yargs(argv)
    .scriptName('skbtrace')
    .usage('Usage: $0 FILE|- [options]\n\nExplains what the Linux kernel does with every frame of a pcap/pcapng capture,\nby running it through a simulated Linux network stack.')
    .command('$0 [file]', false as unknown as string, (y) =>
      y.positional('file', { type: 'string', describe: 'capture file (pcap or pcapng), or - for standard input' }),
    )
    .option('print', { alias: 'P', type: 'boolean', describe: 'one tshark-like summary line per frame', default: false })
    .option('verbose', { alias: 'V', type: 'boolean', describe: 'what the kernel did with each frame: call path, skb ops, allocs/frees, drops, replies', default: false })
    .option('format', { alias: 'T', type: 'string', choices: ['json', 'ndjson'], describe: 'print the per-frame traces as JSON or NDJSON (schema: docs/trace-schema.md)', requiresArg: true })
    .option('stats', { type: 'boolean', describe: 'simulate the whole capture; print calls per kernel function, drops per reason, alloc/free balance', default: false })
    .option('write', { alias: 'w', type: 'string', describe: 'write the frames the simulated host sent to FILE (.pcapng: pcapng, else pcap)', requiresArg: true })
    .option('merge', { type: 'string', describe: 'write a pcapng with the input and the replies interleaved in time, each with a comment (path summary, drop reasons), direction and packet id', requiresArg: true })
    .option('count', { alias: 'c', type: 'number', describe: 'stop after N frames', requiresArg: true })
    .option('host-profile', { type: 'string', describe: 'the simulated host, as a kernel-oracle host.json', requiresArg: true })
    .option('host', { type: 'string', describe: "the host's IPv4 address (a.b.c.d[/len]), instead of inferring it", requiresArg: true })
    .option('mac', { type: 'string', describe: "the host's MAC address, instead of inferring it", requiresArg: true })
    .option('drain', { type: 'number', describe: 'virtual milliseconds to keep running timers after the last frame', default: 0, requiresArg: true })
    .option('threads', { type: 'number', describe: 'worker threads for -T (default: 2 for a capture file of 64 MiB or more on a machine with 2+ cores, else 1)', requiresArg: true })
    .option('thread-block', { type: 'number', hidden: true, requiresArg: true })
    .option('thread-slots', { type: 'number', hidden: true, requiresArg: true })
    .option('color', { type: 'boolean', describe: 'colour the output (default: when stdout is a terminal and NO_COLOR is unset)' })
    .example(EXAMPLES)
    .epilogue('Exit status: 0 ok, 1 usage error, 2 unreadable or malformed input, 3 output not written.\nColours follow NO_COLOR (https://no-color.org).')
    .version(version())
    .alias('version', 'v')
    .help('help')
    .alias('help', 'h')
    .strict()
    .wrap(Math.min(100, (process.stdout as { columns?: number }).columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      usageError = msg || err?.message || 'invalid arguments';
    });

  let args: Record<string, unknown>;
  try {
    args = await parser.parseAsync(argv, {}, (err, _parsed, output) => {
      if (output && !err) {
        // --help / --version print through here.
        stdout.write(output + '\n');
        exitEarly = true;
      }
      if (err && !usageError) usageError = err.message;
    });
  } catch (e) {
    usageError = usageError ?? (e as Error).message;
    args = {};
  }
  if (usageError) {
    stderr.write(`skbtrace: ${usageError}\nTry 'skbtrace --help' for more information.\n`);
    return EXIT_USAGE;
  }
  if (exitEarly || args['help'] || args['version']) return EXIT_OK;

  let file = args['file'] as string | undefined;
  // yargs turns a lone '-' positional into ''; '-' means standard input.
  if (file === '' && argv.includes('-')) file = '-';
  if (!file) {
    stderr.write("skbtrace: no capture file given (use - for standard input)\nTry 'skbtrace --help' for more information.\n");
    return EXIT_USAGE;
  }
  const count = args['count'] as number | undefined;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    stderr.write(`skbtrace: -c wants a whole number of frames, not '${String(count)}'\n`);
    return EXIT_USAGE;
  }
  const drain = args['drain'] as number;
  if (!Number.isFinite(drain) || drain < 0) {
    stderr.write(`skbtrace: --drain wants a number of milliseconds, not '${String(args['drain'])}'\n`);
    return EXIT_USAGE;
  }
  const threads = args['threads'] as number | undefined;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) {
    stderr.write(`skbtrace: --threads wants a whole number from 1 to 64, not '${String(threads)}'\n`);
    return EXIT_USAGE;
  }
  const threadBlock = args['thread-block'] as number | undefined;
  if (threadBlock !== undefined && (!Number.isInteger(threadBlock) || threadBlock < 1)) {
    stderr.write(`skbtrace: --thread-block wants a whole number of frames, not '${String(threadBlock)}'\n`);
    return EXIT_USAGE;
  }
  const threadSlots = args['thread-slots'] as number | undefined;
  if (threadSlots !== undefined && (!Number.isInteger(threadSlots) || threadSlots < 1 || threadSlots > 1024)) {
    stderr.write(`skbtrace: --thread-slots wants a whole number from 1 to 1024, not '${String(threadSlots)}'\n`);
    return EXIT_USAGE;
  }
  const noColor = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
  const color = args['color'] === undefined ? stdoutIsTTY && !noColor : Boolean(args['color']);
  const opts = {
    file,
    print: Boolean(args['print']),
    verbose: Boolean(args['verbose']),
    format: args['format'] as 'json' | 'ndjson' | undefined,
    stats: Boolean(args['stats']),
    write: args['write'] as string | undefined,
    merge: args['merge'] as string | undefined,
    count,
    hostProfile: args['host-profile'] as string | undefined,
    host: args['host'] as string | undefined,
    mac: args['mac'] as string | undefined,
    color,
    drainMs: drain,
    threads,
    threadBlock,
    threadSlots,
  };
  if (opts.format && opts.verbose) {
    stderr.write('skbtrace: -V and -T are two ways to print the same traces: pick one\n');
    return EXIT_USAGE;
  }

  // The default in a terminal: the interactive UI, loaded lazily so batch runs never load blessed.
  const batch = opts.print || opts.verbose || opts.format !== undefined || opts.stats || opts.write !== undefined || opts.merge !== undefined;
  try {
    if (stdoutIsTTY && !batch) return await (await import('./tui-source.js')).openTui(opts, { stdout, stderr, stdin, stdoutIsTTY });
    return await run(opts, { stdout, stderr, stdin, stdoutIsTTY });
  } catch (e) {
    if (e instanceof CliError) {
      stderr.write(e.message + '\n');
      return e.exitCode;
    }
    const line = errorLine(e, file);
    if (line !== undefined) {
      stderr.write(line + '\n');
      return EXIT_INPUT;
    }
    throw e;
  }
}
