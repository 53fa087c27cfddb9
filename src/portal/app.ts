/**
 * The portal (klantportaal, SPEC §10, seed 001 §4.4): custodians and youth sign in with DigiD (OpenID
 * Connect; the demo runs a stand-in), see whom they may act for, register or withdraw exchange consent,
 * move or cancel campaign appointments and download a vaccination certificate.
 *
 * The portal holds no personal data of its own: no database. Every answer comes from the dossier or the
 * registry over HTTP, on their /api/portal machine endpoints, with a service token naming the signed-in
 * citizen (service-token.ts). Sessions live in memory (one portal process; a restart signs everyone out).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import * as oidc from 'openid-client';
import { pino, type DestinationStream } from 'pino';
import { z } from 'zod';
import { isValidBsn } from '../domain/identifiers/index.js';
import { webRoot } from '../http/app.js';
import { loggerOptions } from '../http/logger.js';
import { ProblemError } from '../http/problem.js';
import {
  rateLimitProblem,
  refuseNulCharacters,
  sendErrorProblem,
  sendNotFoundProblem,
} from '../http/problem-responses.js';
import { signServiceToken, type PortalAudience } from './service-token.js';

export interface PortalOptions {
  /** The OpenID Connect provider (DigiD or the stand-in) and this portal's client registration there. */
  oidc: { issuer: () => string; clientId: string; clientSecret: string; allowHttp: boolean };
  /** The portal's own public URL (for the redirect URI); known after listening. */
  publicUrl: () => string;
  dossierUrl: () => string;
  registryUrl: () => string;
  serviceSecret: string;
  secureCookies?: boolean;
  logLevel?: string;
  logStream?: DestinationStream;
}

export const PORTAL_SESSION_COOKIE = 'rvp_portal_session';
const LOGIN_COOKIE = 'rvp_portal_login';
const CSRF_HEADER = 'x-csrf-token';
const SESSION_MS = 15 * 60_000; // DigiD sessions are short; renewed on activity
const LOGIN_MS = 10 * 60_000;

interface Session {
  bsn: string;
  csrf: string;
  idToken: string | undefined;
  expiresAt: number;
}
interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
}

export type PortalApp = Awaited<ReturnType<typeof createPortalApp>>;

export async function createPortalApp(options: PortalOptions) {
  const app = Fastify({
    loggerInstance: pino(loggerOptions('portal', options.logLevel), options.logStream ?? pino.destination(1)),
    bodyLimit: 65_536,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(sendErrorProblem);
  app.addHook('preValidation', refuseNulCharacters);
  // Like the dossier and the registry (src/http/app.ts): unknown routes and every error, the rate
  // limit's 429 included, answer as RFC 9457 problem+json.
  app.setNotFoundHandler(sendNotFoundProblem);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    max: Number(process.env.RVP_PORTAL_RATE_LIMIT_PER_MINUTE ?? 600),
    timeWindow: '1 minute',
    errorResponseBuilder: rateLimitProblem,
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'open-rvp portaal',
        description:
          'Portaal voor ouders en jongeren (docs/portal.md): inloggen met DigiD (OpenID Connect), toestemming, afspraken, vaccinatiebewijs.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: PORTAL_SESSION_COOKIE } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const sessions = new Map<string, Session>();
  const logins = new Map<string, PendingLogin>();
  const sweep = () => {
    const now = Date.now();
    for (const [id, s] of sessions) if (s.expiresAt < now) sessions.delete(id);
    for (const [id, l] of logins) if (l.expiresAt < now) logins.delete(id);
  };
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    // lax: the session cookie is set on the redirect back from the identity provider.
    sameSite: 'lax' as const,
    secure: options.secureCookies ?? false,
  };

  let configuration: { issuer: string; config: oidc.Configuration } | undefined;
  const oidcConfig = async (): Promise<oidc.Configuration> => {
    const issuer = options.oidc.issuer();
    if (configuration?.issuer !== issuer) {
      const config = await oidc.discovery(
        new URL(issuer),
        options.oidc.clientId,
        undefined,
        oidc.ClientSecretBasic(options.oidc.clientSecret),
        options.oidc.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      configuration = { issuer, config };
    }
    return configuration.config;
  };
  const redirectUri = () => `${options.publicUrl()}/auth/callback`;

  const sessionOf = (request: FastifyRequest): Session | null => {
    const id = request.cookies[PORTAL_SESSION_COOKIE];
    const session = id ? sessions.get(id) : undefined;
    if (!session || session.expiresAt < Date.now()) return null;
    session.expiresAt = Date.now() + SESSION_MS;
    return session;
  };
  const requireSession = (request: FastifyRequest): Session => {
    const session = sessionOf(request);
    if (!session) throw new ProblemError(401, 'unauthenticated', 'Niet ingelogd', 'Log eerst in met DigiD.');
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method)) {
      const given = request.headers[CSRF_HEADER];
      const ok =
        typeof given === 'string' &&
        given.length === session.csrf.length &&
        timingSafeEqual(Buffer.from(given), Buffer.from(session.csrf));
      if (!ok) {
        throw new ProblemError(403, 'csrf', 'Verzoek geweigerd', 'Het verzoek mist een geldig CSRF-token.', [
          { field: `header.${CSRF_HEADER}`, rule: 'csrf-token', message: 'Ontbreekt of klopt niet.' },
        ]);
      }
    }
    return session;
  };

  // ------------------------------------------------------------------------------------------------
  // Sign-in with OpenID Connect (authorization code + PKCE; the BSN from the ID token is the identity)

  app.get('/auth/login', { schema: { hide: true } }, async (_request, reply) => {
    sweep();
    const config = await oidcConfig();
    const pending: PendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      expiresAt: Date.now() + LOGIN_MS,
    };
    const id = randomBytes(24).toString('base64url');
    logins.set(id, pending);
    reply.setCookie(LOGIN_COOKIE, id, { ...cookieOptions, maxAge: LOGIN_MS / 1000 });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(),
      scope: 'openid bsn',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return reply.redirect(url.href, 303);
  });

  app.get('/auth/callback', { schema: { hide: true } }, async (request, reply) => {
    const loginId = request.cookies[LOGIN_COOKIE];
    const pending = loginId ? logins.get(loginId) : undefined;
    if (loginId) logins.delete(loginId);
    reply.clearCookie(LOGIN_COOKIE, { path: '/' });
    if (!pending || pending.expiresAt < Date.now())
      return reply.redirect(`${options.publicUrl()}/#/?fout=verlopen`, 303);
    let bsn: string | undefined;
    let idToken: string | undefined;
    try {
      const current = new URL(request.url, options.publicUrl());
      const tokens = await oidc.authorizationCodeGrant(await oidcConfig(), current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      const claimed = typeof claims?.bsn === 'string' ? claims.bsn : claims?.sub;
      idToken = tokens.id_token;
      if (typeof claimed === 'string' && /^\d{9}$/.test(claimed) && isValidBsn(claimed)) bsn = claimed;
    } catch (error) {
      request.log.warn({ err: { message: (error as Error).message } }, 'sign-in failed');
    }
    if (!bsn) return reply.redirect(`${options.publicUrl()}/#/?fout=inloggen`, 303);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, {
      bsn,
      csrf: randomBytes(24).toString('base64url'),
      idToken,
      expiresAt: Date.now() + SESSION_MS,
    });
    reply.setCookie(PORTAL_SESSION_COOKIE, id, cookieOptions);
    return reply.redirect(`${options.publicUrl()}/#/`, 303);
  });

  app.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        response: { 200: z.object({ bsnEnd: z.string(), csrfToken: z.string() }) },
      },
    },
    async (request) => {
      const session = requireSession(request);
      // Only the last three digits: enough to recognise, nothing to copy from a shoulder.
      return { bsnEnd: session.bsn.slice(6), csrfToken: session.csrf };
    },
  );

  app.delete(
    '/api/session',
    {
      schema: { tags: ['session'], response: { 200: z.object({ logoutUrl: z.string().nullable() }) } },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const id = request.cookies[PORTAL_SESSION_COOKIE];
      if (id) sessions.delete(id);
      reply.clearCookie(PORTAL_SESSION_COOKIE, { path: '/' });
      let logoutUrl: string | null = null;
      try {
        logoutUrl = oidc.buildEndSessionUrl(await oidcConfig(), {
          post_logout_redirect_uri: `${options.publicUrl()}/`,
          ...(session.idToken ? { id_token_hint: session.idToken } : {}),
        }).href;
      } catch {
        logoutUrl = null; // the provider has no end-session endpoint: signing out here is enough
      }
      return { logoutUrl };
    },
  );

  // ------------------------------------------------------------------------------------------------
  // Pass-through to the dossier and the registry, as the signed-in citizen

  const forward = async (
    request: FastifyRequest,
    reply: import('fastify').FastifyReply,
    audience: PortalAudience,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ) => {
    const session = requireSession(request);
    const base = audience === 'open-rvp-dossier' ? options.dossierUrl() : options.registryUrl();
    const response = await fetch(new URL(path, base), {
      method,
      headers: {
        authorization: `Bearer ${await signServiceToken(options.serviceSecret, audience, session.bsn)}`,
        'x-request-id': request.id,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    }).catch(() => {
      throw new ProblemError(
        502,
        'upstream',
        'Niet bereikbaar',
        'De dienst is nu niet bereikbaar. Probeer het later opnieuw.',
      );
    });
    const type = response.headers.get('content-type') ?? 'application/json';
    reply.code(response.status).type(type).header('cache-control', 'no-store');
    const disposition = response.headers.get('content-disposition');
    if (disposition) reply.header('content-disposition', disposition);
    if (response.status === 204) return reply.send();
    return reply.send(Buffer.from(await response.arrayBuffer()));
  };

  const Id = z.object({ id: z.uuid() });
  const dossier: PortalAudience = 'open-rvp-dossier';
  const registry: PortalAudience = 'open-rvp-registry';

  app.get(
    '/api/subjects',
    { schema: { tags: ['consent'], summary: 'Whom I may act for' } },
    (request, reply) => forward(request, reply, dossier, 'GET', '/api/portal/subjects'),
  );
  app.get(
    '/api/subjects/:id/consent',
    { schema: { tags: ['consent'], summary: 'The consent part I may see', params: Id } },
    (request, reply) =>
      forward(request, reply, dossier, 'GET', `/api/portal/clients/${request.params.id}/consent`),
  );
  app.post(
    '/api/subjects/:id/consent',
    {
      schema: {
        tags: ['consent'],
        summary: 'Give (true) or withdraw (false) exchange consent',
        params: Id,
        body: z.strictObject({ agreed: z.boolean() }),
      },
    },
    (request, reply) =>
      forward(
        request,
        reply,
        dossier,
        'POST',
        `/api/portal/clients/${request.params.id}/consent`,
        request.body,
      ),
  );
  app.get('/api/invitations', { schema: { tags: ['campaigns'] } }, (request, reply) =>
    forward(request, reply, registry, 'GET', '/api/portal/invitations'),
  );
  app.get('/api/invitations/:id/slots', { schema: { tags: ['campaigns'], params: Id } }, (request, reply) =>
    forward(request, reply, registry, 'GET', `/api/portal/invitations/${request.params.id}/slots`),
  );
  app.post(
    '/api/invitations/:id/appointment',
    { schema: { tags: ['campaigns'], params: Id, body: z.strictObject({ slotId: z.uuid() }) } },
    (request, reply) =>
      forward(
        request,
        reply,
        registry,
        'POST',
        `/api/portal/invitations/${request.params.id}/appointment`,
        request.body,
      ),
  );
  app.delete(
    '/api/invitations/:id/appointment',
    { schema: { tags: ['campaigns'], params: Id } },
    (request, reply) =>
      forward(request, reply, registry, 'DELETE', `/api/portal/invitations/${request.params.id}/appointment`),
  );
  app.get('/api/invitations/:id/letter', { schema: { tags: ['campaigns'], params: Id } }, (request, reply) =>
    forward(request, reply, registry, 'GET', `/api/portal/invitations/${request.params.id}/letter`),
  );
  app.get('/api/persons', { schema: { tags: ['certificate'] } }, (request, reply) =>
    forward(request, reply, registry, 'GET', '/api/portal/persons'),
  );
  app.post(
    '/api/persons/:id/certificate',
    { schema: { tags: ['certificate'], params: Id } },
    (request, reply) =>
      forward(request, reply, registry, 'POST', `/api/portal/persons/${request.params.id}/certificate`),
  );

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', service: 'portal' }));

  const root = webRoot('portal');
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
