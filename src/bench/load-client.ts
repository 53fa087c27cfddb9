/**
 * The API benchmark's second process: puts load on the URL and requests it is given (JSON on stdin)
 * and prints the result as one JSON line. A separate process, so the load generator does not share the
 * event loop (or the core) of the service it measures.
 *
 * Two generators:
 * - `paced`: an open model at a constant rate (request k is due at start + k/rate), each latency taken
 *   from the moment the request was due, so a request that waited for a free connection counts its
 *   wait (no coordinated omission; as wrk2 does). This is "500 requests per second" as a steady stream.
 * - `autocannon`: its rate limit lets each connection send its share of a second back to back and then
 *   wait for the next second, so each second's requests arrive as a burst; and its coordinated-omission
 *   correction (autocannon 9, lib/run.js) records every latency with an expected interval of
 *   ceil(1 / per-connection rate) = 1 ms instead of 1000 / rate ms, so a response of n ms is recorded
 *   n times (n, n−1, … 1). Kept as a cross-check that the figures are of the same order.
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

export interface LoadPlan {
  url: string;
  seconds: number;
  rate: number;
  connections: number;
  generator?: 'paced' | 'autocannon';
  requests: Array<{ method: 'GET' | 'POST'; path: string; body?: string }>;
}

export interface LoadResult {
  p50: number;
  p99: number;
  max: number;
  /** Answered requests per second. */
  average: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const TIMEOUT_MS = 10_000;

async function paced(plan: LoadPlan): Promise<LoadResult> {
  const target = new URL(plan.url);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
  const bodies = plan.requests.map((r) => (r.body === undefined ? undefined : Buffer.from(r.body)));
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const count = Math.round(plan.seconds * plan.rate);
  const interval = 1000 / plan.rate;
  const pending = new Set<Promise<void>>();
  const send = (k: number, due: number): Promise<void> =>
    new Promise((resolve) => {
      const spec = plan.requests[k % plan.requests.length]!;
      const body = bodies[k % plan.requests.length];
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: spec.method,
          path: spec.path,
          timeout: TIMEOUT_MS,
          headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            latencies.push(performance.now() - due);
            if ((response.statusCode ?? 0) < 200 || (response.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      let timedOut = false;
      req.on('timeout', () => {
        timedOut = true;
        timeouts++;
        req.destroy();
      });
      req.on('error', () => {
        if (!timedOut) errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  let next = 0;
  await new Promise<void>((done) => {
    // A 1 ms tick sends whatever has fallen due; timers drift, the schedule does not.
    const tick = () => {
      const now = performance.now();
      while (next < count && start + next * interval <= now) {
        const p = send(next, start + next * interval);
        pending.add(p);
        void p.then(() => pending.delete(p));
        next++;
      }
      if (next < count) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      else done();
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = performance.now() - start;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const ms = (n: number) => Math.round(n * 10) / 10;
  const answered = latencies.length - non2xx;
  return {
    p50: ms(at(0.5)),
    p99: ms(at(0.99)),
    max: ms(latencies.at(-1) ?? 0),
    average: (answered / elapsed) * 1000,
    total: answered,
    non2xx,
    errors,
    timeouts,
  };
}

async function withAutocannon(plan: LoadPlan): Promise<LoadResult> {
  const result = await autocannon({
    url: plan.url,
    duration: plan.seconds,
    connections: plan.connections,
    overallRate: plan.rate,
    requests: plan.requests.map((r) => ({
      method: r.method,
      path: r.path,
      ...(r.body !== undefined ? { body: r.body, headers: { 'content-type': 'application/json' } } : {}),
    })),
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    average: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

let input = '';
for await (const chunk of process.stdin) input += (chunk as Buffer).toString();
const plan = JSON.parse(input) as LoadPlan;
const result = plan.generator === 'autocannon' ? await withAutocannon(plan) : await paced(plan);
process.stdout.write(`${JSON.stringify(result)}\n`);
