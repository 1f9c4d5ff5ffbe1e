// Parse-only: read every frame with the capture reader and touch its bytes; print frames/s and
// peak RSS as one JSON line. Run as a child process so the RSS is its own.
import { readCaptureBatches, openCaptureFile } from '../dist/capture/index.js';

const file = process.argv[2];
const t0 = process.hrtime.bigint();
let frames = 0;
let bytes = 0;
for await (const batch of readCaptureBatches(openCaptureFile(file), file)) {
  for (const f of batch) {
    frames++;
    bytes += f.data.length;
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ frames, bytes, seconds: +secs.toFixed(3), framesPerSec: Math.round(frames / secs), peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1) }));
