/**
 * Tests that run the real `bin/skbtrace.js` need dist/ to match src/: build it when any source is
 * newer than its compiled file (CI builds before the tests, so there this is a no-op). A lock
 * directory keeps two test files from building at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../support/simulate.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function stale(): boolean {
  const src = join(repoRoot, 'src');
  for (const f of sources(src)) {
    const out = join(repoRoot, 'dist', relative(src, f).replace(/\.ts$/, '.js'));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(f).mtimeMs) return true;
  }
  return false;
}

export async function ensureDist(): Promise<void> {
  const lock = join(tmpdir(), `skbtrace-build-lock-${repoRoot.replace(/[^\w]/g, '_')}`);
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`${lock} held for a minute: remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (!stale()) return;
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'pipe' });
    } catch (e) {
      // tsc still writes the JavaScript when some other file has a type error; the type-check
      // step reports those. Only a missing entry point is fatal here.
      if (!existsSync(join(repoRoot, 'dist/cli/main.js'))) throw e;
    }
  } finally {
    rmdirSync(lock);
  }
}
