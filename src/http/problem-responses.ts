/**
 * How every service (dossier, registry, portal) turns errors, unknown routes and the rate limit into
 * RFC 9457 problem+json: one place, so the three answer alike.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ProblemError, problemType, type FieldError, type Problem } from './problem.js';

/** An error thrown by a route or by Fastify itself, as a problem naming the field and rule. */
export function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  const base = { requestId: request.id, instance: request.url.split('?')[0] };
  if (error instanceof ProblemError) return { ...error.toProblem(), ...base };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors: FieldError[] = error.validation.map((v) => {
      const issue = (v.params as { issue?: { code?: string; path?: PropertyKey[] } }).issue;
      const where = v.instancePath.replace(/^\//, '').split('/').filter(Boolean);
      return {
        field: [error.validationContext ?? 'request', ...where].join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]'),
        rule: issue?.code ?? v.keyword,
        message: v.message ?? 'ongeldig',
      };
    });
    return {
      type: problemType('validation'),
      title: 'Ongeldige invoer',
      status: 400,
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      errors,
      ...base,
    };
  }
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status === 500) {
    return { type: problemType('internal'), title: 'Interne fout', status, ...base };
  }
  // Fastify's own errors: malformed JSON, unsupported media type, body too large …
  return {
    type: problemType(error.code ? error.code.toLowerCase().replace(/_/g, '-') : 'bad-request'),
    title: 'Ongeldig verzoek',
    status,
    detail: error.message,
    errors: [{ field: 'body', rule: error.code ?? 'bad-request', message: error.message }],
    ...base,
  };
}

/** The error handler: logs server faults (never the body), answers with the problem. */
export function sendErrorProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error, request);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** The not-found handler: the method and path (no query: it may hold personal data). */
export function sendNotFoundProblem(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0];
  const problem: Problem = {
    type: problemType('not-found'),
    title: 'Niet gevonden',
    status: 404,
    detail: `Geen route voor ${request.method} ${path}`,
    instance: path,
    requestId: request.id,
  };
  return reply.code(404).type('application/problem+json').send(problem);
}

/** @fastify/rate-limit's `errorResponseBuilder`: a 429 problem saying when to try again. */
export function rateLimitProblem(_request: FastifyRequest, context: { ttl: number }): ProblemError {
  return new ProblemError(
    429,
    'rate-limit',
    'Te veel verzoeken',
    `Probeer het over ${Math.ceil(context.ttl / 1000)} seconden opnieuw.`,
  );
}

/** Where a NUL character sits in parsed input (`query.search`, `body.items[2].name`), if anywhere. */
export function nulCharacterAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulCharacterAt(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const found = nulCharacterAt(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * preValidation hook: PostgreSQL text cannot hold NUL (U+0000), so a NUL anywhere in the input would
 * fail deep in a query as a 500; refuse it up front as a 400 naming the field.
 */
export async function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  const field =
    nulCharacterAt(request.query, 'query') ??
    nulCharacterAt(request.params, 'params') ??
    nulCharacterAt(request.body, 'body');
  if (!field) return;
  const message = 'Tekens met code 0 (NUL) zijn niet toegestaan.';
  throw new ProblemError(400, 'validation', 'Ongeldige invoer', message, [
    { field, rule: 'no-nul-character', message },
  ]);
}
