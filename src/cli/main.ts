/**
 * skbtrace's command line. The only module that touches `process` (through the streams it is
 * handed) and decides exit codes: 0 ok, 1 usage error, 2 unreadable or malformed input.
 */
import { createRequire } from 'node:module';
import { runPrint } from './print.js';
import { CliError, EXIT_INPUT, EXIT_OK, EXIT_USAGE, errorLine } from './errors.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & import('node:stream').Writable;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & AsyncIterable<Uint8Array>;
  stdoutIsTTY: boolean;
}

export interface CliOptions {
  file: string;
  print: boolean;
  count: number | undefined;
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

const EXAMPLES: [string, string][] = [
  ['skbtrace capture.pcap', 'explain every frame (one summary line per frame for now)'],
  ['skbtrace capture.pcapng -P', 'one tshark-like line per frame: No. Time Source Destination Protocol Length Info'],
  ['skbtrace capture.pcap -P -c 10', 'only the first 10 frames'],
  ['tcpdump -w - -i eth0 | skbtrace - -P', 'read a capture from standard input'],
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
    .option('count', { alias: 'c', type: 'number', describe: 'stop after N frames', requiresArg: true })
    .example(EXAMPLES)
    .epilogue('Exit status: 0 ok, 1 usage error, 2 unreadable or malformed input.\nColours follow NO_COLOR (https://no-color.org).')
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

  const file = args['file'] as string | undefined;
  if (!file) {
    stderr.write("skbtrace: no capture file given (use - for standard input)\nTry 'skbtrace --help' for more information.\n");
    return EXIT_USAGE;
  }
  const count = args['count'] as number | undefined;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    stderr.write(`skbtrace: -c wants a whole number of frames, not '${String(count)}'\n`);
    return EXIT_USAGE;
  }
  const opts: CliOptions = { file, print: Boolean(args['print']), count };
  void stdoutIsTTY; // until the TUI exists, a terminal gets the printed output too

  try {
    return await runPrint(opts, { stdout, stderr, stdin, stdoutIsTTY });
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
