import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFromSecondProcess } from '../../src/bench/api.js';

// The API benchmark's paced generator (issue 8): requests go out evenly at the offered rate from a
// second process, and each latency counts from when the request was due, so a stalled server shows in
// the percentiles instead of slowing the generator down (coordinated omission).
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(handler: (arrival: number) => void): Promise<string> {
  const start = performance.now();
  server = createServer((request, response) => {
    handler(performance.now() - start);
    request.resume();
    request.on('end', () => response.end('{}'));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('paced load generator', () => {
  it('sends every request, evenly spread over the run', async () => {
    const arrivals: number[] = [];
    const url = await serve((t) => arrivals.push(t));
    const result = await loadFromSecondProcess({
      url,
      seconds: 2,
      rate: 100,
      connections: 4,
      generator: 'paced',
      requests: [{ method: 'POST', path: '/q', body: '{"a":1}' }],
    });
    expect(result.total).toBe(200);
    expect(result.non2xx + result.errors + result.timeouts).toBe(0);
    // Spread, not bursts: no 100 ms window holds more than a few times its share (10 requests).
    arrivals.sort((a, b) => a - b);
    let densest = 0;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i]! - arrivals[j]! > 100) j++;
      densest = Math.max(densest, i - j + 1);
    }
    expect(densest).toBeLessThanOrEqual(30);
  }, 30_000);

  it('counts a stalled server against every request that fell due during the stall', async () => {
    let stalled = false;
    const url = await serve((t) => {
      if (!stalled && t > 300) {
        stalled = true;
        const until = performance.now() + 400;
        while (performance.now() < until); // the event loop is blocked: nothing is answered
      }
    });
    const result = await loadFromSecondProcess({
      url,
      seconds: 2,
      rate: 100,
      connections: 2,
      generator: 'paced',
      requests: [{ method: 'GET', path: '/' }],
    });
    expect(result.total).toBe(200);
    // ~40 requests fell due in the 400 ms stall (2 % of the run): measured from when they were due,
    // the slowest 1 % waited most of it; measured from when they were sent, they would not have.
    expect(result.p99).toBeGreaterThan(150);
    expect(result.max).toBeGreaterThan(350);
    expect(result.p50).toBeLessThan(100);
  }, 30_000);
});
