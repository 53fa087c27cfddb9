import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { pino, type DestinationStream } from 'pino';
import { z } from 'zod';
import { loggerOptions } from './logger.js';
import type { SignInCheck } from './passwords.js';
import { ProblemError, problemType, type Problem } from './problem.js';
import {
  rateLimitProblem,
  refuseNulCharacters,
  sendErrorProblem,
  sendNotFoundProblem,
} from './problem-responses.js';
import { SESSION_COOKIE, SessionSigner, type Actor } from './session.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('pino').Logger,
  ZodTypeProvider
>;

export interface AppOptions {
  service: 'dossier' | 'registry';
  title: string;
  description: string;
  /** Looks up a signed-in user; null when the id is unknown. */
  findUser(userId: string): Promise<Actor | null>;
  /** Checks a password (with lockout). */
  checkPassword(userId: string, password: string): Promise<SignInCheck>;
  /** The users the demo sign-in offers. */
  listDemoUsers(): Promise<Actor[]>;
  sessionSecret?: string;
  logLevel?: string;
  /** Where logs go (default stdout); tests capture them to prove they hold no personal data. */
  logStream?: DestinationStream;
  /** Path prefixes of machine-to-machine endpoints that authenticate by signature, not by session. */
  machinePaths?: string[];
  /** Checks the database for /health. */
  healthCheck(): Promise<void>;
}

/** Built web pages of a service: dist/web/<service>/ at the repository root. */
export function webRoot(service: string): string {
  return fileURLToPath(new URL(`../../dist/web/${service}/`, import.meta.url));
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const PUBLIC_API = new Set(['/api/session', '/api/demo-users']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_HEADER = 'x-csrf-token';

/** One Fastify app per service with the parts every service shares. */
export async function createApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: pino(
      loggerOptions(options.service, options.logLevel),
      options.logStream ?? pino.destination(1),
    ),
    bodyLimit: 1_048_576,
    // Errors Fastify raises before routing (a malformed URL, a too long path parameter, a bad
    // content type) would otherwise skip the error handler and answer plain JSON.
    frameworkErrors: (error, request, reply) => {
      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const problem: Problem = {
        type: problemType(error.code ? error.code.toLowerCase().replace(/_/g, '-') : 'bad-request'),
        title: 'Ongeldig verzoek',
        status,
        detail:
          error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? 'Een deel van het adres is te lang.'
            : 'Het adres is ongeldig.',
        errors: [{ field: 'url', rule: error.code ?? 'bad-url', message: 'Ongeldig adres.' }],
        requestId: request.id,
      };
      void (reply as unknown as FastifyReply).code(status).type('application/problem+json').send(problem);
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('actor', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler(sendErrorProblem);
  app.addHook('preValidation', refuseNulCharacters);
  app.setNotFoundHandler(sendNotFoundProblem);

  await app.register(fastifyCookie);
  // Per client address; generous for the API, strict for sign-in (per-route config above).
  await app.register(fastifyRateLimit, {
    max: Number(process.env.RVP_RATE_LIMIT_PER_MINUTE ?? 1200),
    timeWindow: '1 minute',
    errorResponseBuilder: rateLimitProblem,
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: options.title, description: options.description, version: '0.1.0' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const signer = new SessionSigner(options.sessionSecret);

  // Who acts: resolve the session on every API request; refuse anonymous access except sign-in.
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/')) return;
    if (options.machinePaths?.some((prefix) => path.startsWith(prefix))) return;
    const cookieToken = request.cookies[SESSION_COOKIE];
    const userId = signer.verify(cookieToken ?? bearer(request));
    request.actor = userId ? await options.findUser(userId) : null;
    if (!request.actor && !PUBLIC_API.has(path)) {
      throw new ProblemError(401, 'unauthenticated', 'Niet aangemeld', 'Meld u eerst aan.');
    }
    // CSRF: a cookie travels with any request the browser makes, so a state change must also carry
    // a token only our own page can know (derived from the session, handed out at sign-in).
    if (request.actor && cookieToken && STATE_CHANGING.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !signer.sameCsrf(cookieToken, given)) {
        throw new ProblemError(403, 'csrf', 'Verzoek geweigerd', 'Het verzoek mist een geldig CSRF-token.', [
          { field: `header.${CSRF_HEADER}`, rule: 'csrf-token', message: 'Ontbreekt of klopt niet.' },
        ]);
      }
    }
  });

  const ActorSchema = z.object({
    userId: z.string(),
    name: z.string(),
    role: z.string(),
    organisation: z.object({ ura: z.string().nullable(), name: z.string() }),
    municipalityCode: z.string().nullable().optional(),
  });
  const SessionSchema = z.object({
    user: ActorSchema,
    csrfToken: z.string().describe(`send as ${CSRF_HEADER} with every POST, PATCH and DELETE`),
  });

  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        response: { 200: z.object({ status: z.literal('ok'), service: z.string() }) },
      },
    },
    async () => {
      await options.healthCheck();
      return { status: 'ok' as const, service: options.service };
    },
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/demo-users',
    { schema: { tags: ['session'], response: { 200: z.object({ items: z.array(ActorSchema) }) } } },
    async () => ({ items: await options.listDemoUsers() }),
  );
  app.get(
    '/api/session',
    { schema: { tags: ['session'], response: { 200: SessionSchema } } },
    async (request) => {
      if (!request.actor)
        throw new ProblemError(401, 'unauthenticated', 'Niet aangemeld', 'Meld u eerst aan.');
      const token = request.cookies[SESSION_COOKIE] ?? bearer(request) ?? '';
      return { user: request.actor, csrfToken: signer.csrfFor(token) };
    },
  );
  app.post(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        body: z.strictObject({ userId: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
        response: { 200: SessionSchema },
      },
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const check = await options.checkPassword(request.body.userId, request.body.password);
      if (check === 'locked') {
        throw new ProblemError(
          423,
          'locked',
          'Account tijdelijk geblokkeerd',
          'Te vaak een verkeerd wachtwoord. Probeer het over 15 minuten opnieuw.',
          [{ field: 'body.userId', rule: 'lockout', message: 'Te veel mislukte pogingen.' }],
        );
      }
      const user = check === 'ok' ? await options.findUser(request.body.userId) : null;
      if (!user) {
        throw new ProblemError(
          401,
          'invalid-credentials',
          'Aanmelden mislukt',
          'Gebruikersnaam of wachtwoord onjuist.',
          [{ field: 'body.password', rule: 'credentials', message: 'Gebruikersnaam of wachtwoord onjuist.' }],
        );
      }
      const token = signer.sign(user.userId);
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: process.env.RVP_SECURE_COOKIES === 'true' || request.protocol === 'https',
      });
      return { user, csrfToken: signer.csrfFor(token) };
    },
  );
  app.delete('/api/session', { schema: { tags: ['session'] } }, async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  const root = webRoot(options.service);
  if (existsSync(root)) {
    await app.register(fastifyStatic, { root, index: 'index.html', wildcard: true });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(`Web build ontbreekt (${root}). Voer "npm run build" uit.`),
    );
  }
  return app;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}
