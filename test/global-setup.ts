/**
 * vitest globalSetup: tests that run the real bin/skbtrace.js need dist/ to match src/. Build once,
 * before any test file starts, when a source is newer than its compiled file (CI builds before the
 * tests, so there this is a no-op), so test files never race each other rebuilding dist/.
 */
import { ensureDist } from './tui/dist.js';

export default async function setup(): Promise<void> {
  await ensureDist();
}
