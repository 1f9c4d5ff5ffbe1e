/**
 * The one-line prompt for `/`, `f`, `g` and `w`: a tiny line editor as plain data, so the widget
 * only draws it. Only printable characters are typed in (control characters, escape sequences
 * and bidi overrides are not).
 */
import { PROMPT_KEYS } from '../keys.js';
import { clean } from './line.js';

export type PromptKind = 'search' | 'filter' | 'goto' | 'write';

export interface Prompt {
  kind: PromptKind;
  text: string;
}

export const PROMPT_LABELS: Record<PromptKind, string> = {
  search: 'search (function or text): ',
  filter: 'filter (proto: addr: port: drop: fn: fate:, empty = off): ',
  goto: 'go to packet: ',
  write: 'write replies to file: ',
};

export type PromptResult = { prompt: Prompt } | { accept: Prompt } | { cancel: true };

/** Apply one key (blessed `key.full`, and the typed character) to the prompt. */
export function editPrompt(p: Prompt, full: string, ch: string | undefined): PromptResult {
  if (PROMPT_KEYS.accept.includes(full)) return { accept: p };
  if (PROMPT_KEYS.cancel.includes(full)) return { cancel: true };
  if (PROMPT_KEYS.erase.includes(full)) return { prompt: { ...p, text: p.text.slice(0, -1) } };
  if (PROMPT_KEYS.clear.includes(full)) return { prompt: { ...p, text: '' } };
  if (ch && [...ch].length === 1 && clean(ch) === ch) {
    if (p.kind === 'goto' && !/[0-9]/.test(ch)) return { prompt: p };
    if (p.text.length >= 200) return { prompt: p };
    return { prompt: { ...p, text: p.text + ch } };
  }
  return { prompt: p };
}
