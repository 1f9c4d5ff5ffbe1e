/**
 * The terminal UI's entry point. The CLI imports this module lazily (`await import(...)`) only
 * when it is going to show the UI, and this module imports blessed lazily too, so batch runs
 * (-P, -V, -T, --stats, -w) never load blessed or blessed-contrib.
 *
 * The UI reads everything through a TraceSource (source.ts): it never runs the kernel itself.
 */
import type { TraceSource } from './source.js';
import type { Blessed, TuiIo } from './app.js';

export type { TraceSource, FrameRow, SourceStatus, ScanItem } from './source.js';
export type { TuiIo } from './app.js';

export interface TuiHandle {
  /** Resolves when the user quits; rejects with the error that stopped the UI. */
  done: Promise<void>;
  /** Quit from outside (a signal): the terminal is restored and `done` resolves. */
  quit(): void;
}

let loaded: Promise<{ blessed: Blessed; App: typeof import('./app.js').App }> | undefined;

/** Import blessed and the widgets now (they are needed for the first screen anyway). */
export function preloadTui(): Promise<unknown> {
  loaded ??= (async () => {
    const mod = (await import('blessed')) as unknown as Blessed & { default?: Blessed };
    const { App } = await import('./app.js');
    return { blessed: mod.default ?? mod, App };
  })();
  return loaded;
}

/**
 * Open the UI on `source`. The terminal is restored however it ends: q, Ctrl-C, `quit()`, or an
 * error (which `done` then rejects with, after the screen is gone).
 */
export async function startTui(source: TraceSource, io: TuiIo): Promise<TuiHandle> {
  await preloadTui();
  const { blessed, App } = await loaded!;
  const app = new App(blessed, source, io);
  const done = app.run().finally(() => {
    app.destroy();
    source.close();
  });
  return { done, quit: () => app.quit() };
}

/** Open the UI and wait until it is closed. */
export async function runTui(source: TraceSource, io: TuiIo): Promise<void> {
  const h = await startTui(source, io);
  await h.done;
}
