import { CaptureError } from '../capture/types.js';

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_INPUT = 2;
/** The output could not be written (a full disk, an I/O error); a reader that went away is not one. */
export const EXIT_OUTPUT = 3;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** What an errno means, for the one-line messages below (the system's text otherwise). */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a capture file',
  EIO: 'I/O error',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EBADF: 'not open for that',
};

function errnoText(err: NodeJS.ErrnoException): string {
  return (err.code !== undefined && ERRNO_TEXT[err.code]) || err.message;
}

/** The one-line message for an input problem, or undefined if `e` is not one (a bug: rethrow). */
export function errorLine(e: unknown, file: string): string | undefined {
  if (e instanceof CaptureError) return `skbtrace: ${e.file}: offset ${e.offset}: ${e.problem}`;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string') return `skbtrace: ${file}: cannot read: ${errnoText(err)}`;
  return undefined;
}

/** The one-line message for standard output that failed (see LineOut.failure). */
export function outputErrorLine(err: NodeJS.ErrnoException): string {
  return `skbtrace: cannot write the output: ${errnoText(err)}`;
}
