/**
 * Text that comes from packets (or from capture files) must not be able to drive the terminal:
 * every control character and every character that changes how text is laid out is replaced by
 * a visible escape, so no escape sequence, carriage return, backspace or bidi override can reach
 * the output.
 *
 * Replaced: C0 controls U+0000-U+001F (including ESC, CR, LF, TAB), DEL U+007F, C1 controls
 * U+0080-U+009F (8-bit CSI U+009B among them), the line/paragraph separators U+2028/U+2029, the
 * bidirectional formatting characters U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069,
 * zero-width U+200B-U+200D and U+FEFF, and unpaired surrogates. Printable text is unchanged.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(ch: string): string {
  const cp = ch.charCodeAt(0);
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * True when `c` (a UTF-16 unit) may be unsafe: the characters above, and every surrogate (whether
 * one is paired is left to the regex). Errs on the side of true: a false alarm only costs the
 * regex.
 */
export function mayBeUnsafe(c: number): boolean {
  if (c < 0x7f) return c < 0x20;
  return c <= 0x9f || c === 0x061c || (c >= 0x200b && c <= 0x2069) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfeff;
}

/** `text` with every unsafe character replaced by a visible \xNN or \u{NNNN} escape. */
export function sanitize(text: string): string {
  // Fast path: every -P column goes through here, and almost all of them are plain ASCII or
  // harmless symbols (the arrow); a loop over the units is much cheaper than the regex.
  let i = 0;
  while (i < text.length && !mayBeUnsafe(text.charCodeAt(i))) i++;
  if (i === text.length) return text;
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  UNSAFE.lastIndex = 0;
  return text.replace(UNSAFE, escape);
}
