/**
 * The outcome of parsing one header. Parsers in wire/ never throw on their input: a header that
 * is too short or self-inconsistent comes back as `{ ok: false, error }` with a reason a human can
 * read ("IPv4: ihl 4 < 5"), anything merely unusual (unknown option kinds, reserved bits, odd
 * values) is kept in the repr so that emit() can reproduce the original bytes.
 */
export type ParseResult<T> = { ok: true; repr: T } | { ok: false; error: string };

export function ok<T>(repr: T): ParseResult<T> {
  return { ok: true, repr };
}

export function malformed<T = never>(error: string): ParseResult<T> {
  return { ok: false, error };
}

/** Options accepted by the emit() functions that can fill in a checksum. */
export interface EmitChecksum {
  /** Compute and write the checksum field instead of copying the repr's value. */
  checksum?: boolean;
}

/** Decoded options, up to the first malformed one (then `error` says why, else it is null). */
export interface OptionsResult<T> {
  options: T[];
  error: string | null;
}
