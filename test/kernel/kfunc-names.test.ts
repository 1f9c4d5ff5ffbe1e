import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kfuncInfo } from '../../src/trace/kfunc.js';

// Every module under src/kernel/, found at test time, so modules added later are covered too.
const root = join(__dirname, '..', '..', 'src', 'kernel');
function modules(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...modules(p));
    else if (e.endsWith('.ts') && !e.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

const KERNEL_PATH = /^(net|drivers|include|mm|kernel|lib|arch|fs|block|security|crypto)\/[\w./-]+\.[ch]$/;

describe('kfunc names and files', () => {
  const files = modules(root);
  it('finds the kernel modules', () => {
    expect(files.length).toBeGreaterThan(3);
  });
  for (const file of files) {
    it(relative(root, file), async () => {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const [exportName, value] of Object.entries(mod)) {
        const info = kfuncInfo(value);
        if (info === undefined) continue;
        expect((value as { name: string }).name, `export ${exportName}`).toBe(exportName);
        expect(info.name, `export ${exportName}`).toBe(exportName);
        expect(info.file, `${exportName} file`).toMatch(KERNEL_PATH);
      }
    });
  }
});
