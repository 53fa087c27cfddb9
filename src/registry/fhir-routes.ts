/**
 * The registry's FHIR R4 endpoint (base `/api/fhir`): the ImmDS operation `$immds-forecast`
 * (fhir-forecast.ts). FHIR clients expect FHIR errors, so everything under this base answers an
 * `OperationOutcome` as `application/fhir+json` instead of problem+json. See docs/fhir.md.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission } from '../http/policy.js';
import type { Kysely } from 'kysely';
import { auditBatcherFor } from '../db/audit-batch.js';
import type { App } from '../http/app.js';
import { ProblemError } from '../http/problem.js';
import { immdsForecast, operationOutcome, type OperationOutcome } from './fhir-forecast.js';
import type { RegistrySchema } from './schema.js';

export const FHIR_BASE = '/api/fhir';
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Registry staff may run the forecast; municipality officers see aggregates only. */

const ISSUE_TYPE: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  413: 'too-costly',
  415: 'not-supported',
  422: 'business-rule',
  423: 'lock-error',
  429: 'throttled',
};

/** Any error on the FHIR base as an OperationOutcome (status kept). */
export function errorOutcome(error: FastifyError | ProblemError): {
  status: number;
  outcome: OperationOutcome;
} {
  if (error instanceof ProblemError) {
    return {
      status: error.status,
      outcome: operationOutcome([
        {
          severity: 'error',
          code: ISSUE_TYPE[error.status] ?? (error.status >= 500 ? 'exception' : 'invalid'),
          details: { text: error.detail ? `${error.title}: ${error.detail}` : error.title },
          diagnostics: `rule ${error.slug}${
            error.errors?.length ? `; ${error.errors.map((e) => `${e.field}: ${e.rule}`).join('; ')}` : ''
          }`,
        },
      ]),
    };
  }
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) {
    return {
      status,
      outcome: operationOutcome([
        { severity: 'fatal', code: 'exception', details: { text: 'Interne fout' } },
      ]),
    };
  }
  return {
    status,
    outcome: operationOutcome([
      {
        severity: 'error',
        code: ISSUE_TYPE[status] ?? 'invalid',
        details: { text: 'Ongeldig verzoek' },
        diagnostics: `${error.code ?? 'bad-request'}: ${error.message}`,
      },
    ]),
  };
}

/** Registers the FHIR endpoint as an encapsulated plugin with its own media type, errors and 404s. */
export function registerFhirRoutes(app: App, db: Kysely<RegistrySchema>): void {
  void app.register(
    async (fhir) => {
      // FHIR's JSON media type (and the older spelling); application/json stays accepted too, and
      // anything else (text/plain, XML: not offered) is 415.
      fhir.removeContentTypeParser('text/plain');
      fhir.addContentTypeParser(
        ['application/fhir+json', 'application/json+fhir'],
        { parseAs: 'string' },
        fhir.getDefaultJsonParser('error', 'error'),
      );
      fhir.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        const { status, outcome } = errorOutcome(error);
        if (status >= 500) request.log.error({ err: error }, 'request failed');
        return reply.code(status).type(FHIR_JSON).send(outcome);
      });
      const notFound = (request: FastifyRequest, reply: FastifyReply) =>
        reply
          .code(404)
          .type(FHIR_JSON)
          .send(
            operationOutcome([
              {
                severity: 'error',
                code: 'not-found',
                details: { text: 'Niet gevonden' },
                diagnostics: `No FHIR interaction for ${request.method} ${request.url.split('?')[0]}`,
              },
            ]),
          );
      fhir.setNotFoundHandler(notFound);
      // The web app's static files answer every other GET; under the FHIR base a GET is unknown.
      fhir.get('/*', { schema: { hide: true } }, notFound);

      const forecast = async (request: FastifyRequest, reply: FastifyReply) => {
        const actor = requirePermission(request.actor, 'registry.forecast');
        const result = immdsForecast(request.body);
        // Group-committed like the status query: the answer leaves after its entry is durable.
        await auditBatcherFor(db).append({
          actorId: actor.userId,
          organisationUra: null,
          action: 'fhir.immds-forecast',
          subjectType: 'fhir-operation',
          subjectId: null,
          requestId: request.id,
        });
        return reply.code(result.status).type(FHIR_JSON).send(result.resource);
      };
      const schema = {
        tags: ['fhir'],
        summary: 'FHIR R4 $immds-forecast (HL7 ImmDS): dose evaluation and forecast under the RVP',
        description:
          'Body: a FHIR Parameters resource (application/fhir+json) with assessmentDate, patient and immunization. ' +
          'Answer: Parameters with evaluation (ImmunizationEvaluation) and recommendation (ImmunizationRecommendation); ' +
          'errors are an OperationOutcome. See docs/fhir.md.',
      };
      fhir.post('/$immds-forecast', { schema }, forecast);
      // A client that percent-encodes the "$" (/%24immds-forecast) reaches the operation through the
      // decoded path parameter; any other operation name is unknown.
      fhir.post<{ Params: { operation: string } }>(
        '/:operation',
        { schema: { hide: true } },
        async (request, reply) => {
          if (request.params.operation === '$immds-forecast') return forecast(request, reply);
          return notFound(request, reply);
        },
      );
    },
    { prefix: FHIR_BASE },
  );
}
