/**
 * The intake bench splits its process's CPU into the main thread's and the rest
 * (src/bench/measure.ts, mainThreadCpuTicks): the main thread is the event loop, which runs one thing
 * at a time; the rest is worker threads and V8's and libuv's helpers.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { mainThreadCpuTicks, processCpuTicks } from '../../src/bench/measure.js';

const onLinux = process.platform === 'linux';

/** Keeps this thread busy until the process has used `ms` more CPU (no other thread of ours runs). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe.runIf(onLinux)('mainThreadCpuTicks', () => {
  it('counts what the main thread runs', async () => {
    const before = (await mainThreadCpuTicks())!;
    spin(300);
    const after = (await mainThreadCpuTicks())!;
    // 300 ms of CPU is 30 ticks; V8's helpers may take a little of it.
    expect(after - before).toBeGreaterThanOrEqual(20);
  });

  it('does not count what a worker thread runs, which the process counts', async () => {
    const mainBefore = (await mainThreadCpuTicks())!;
    const processBefore = await processCpuTicks(process.pid);
    const worker = new Worker(
      `const end = Date.now() + 1000; let x = 0; while (Date.now() < end) x++;
       require('node:worker_threads').parentPort.postMessage(x);`,
      { eval: true },
    );
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const mainUsed = (await mainThreadCpuTicks())! - mainBefore;
    const processUsed = (await processCpuTicks(process.pid)) - processBefore;
    // The worker's busy loop shows in the process, and not in the idle main thread.
    expect(processUsed - mainUsed).toBeGreaterThanOrEqual(10);
    expect(mainUsed).toBeLessThan(processUsed - mainUsed);
  });
});
