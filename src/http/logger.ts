import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

/**
 * Logs carry no personal data: requests are logged by method and route pattern, never the raw URL
 * (a query string may hold a BSN or a name), and no bodies or headers.
 */
export function loggerOptions(service: string, level = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: ['req.headers', 'req.body', 'body', 'bsn', '*.bsn'], remove: true },
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
        requestId: req.id,
      }),
      res: (res: FastifyReply) => ({ statusCode: res.statusCode }),
    },
  };
}
