/**
 * The API benchmark's second process: runs autocannon against the URL and requests it is given (JSON
 * on stdin) and prints the result as one JSON line. A separate process, so the load generator does
 * not share the event loop (or the core) of the service it measures.
 */
import autocannon from 'autocannon';

interface LoadPlan {
  url: string;
  seconds: number;
  rate: number;
  connections: number;
  requests: Array<{ method: 'GET' | 'POST'; path: string; body?: string }>;
}

let input = '';
for await (const chunk of process.stdin) input += (chunk as Buffer).toString();
const plan = JSON.parse(input) as LoadPlan;
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
process.stdout.write(
  `${JSON.stringify({
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    average: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
