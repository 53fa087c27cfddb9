/**
 * A DigiD stand-in for the demo: a real OpenID Connect provider (oidc-provider, certified by the
 * OpenID Foundation) on its own port, whose login page lets you pick or type a BSN. The portal talks to
 * it exactly as it would to a real provider (discovery, authorization code with PKCE, ID token), so
 * production only changes the issuer URL and the client credentials (RVP_OIDC_*; docs/portal.md).
 *
 * Not for production: no password, no second factor; anyone who reaches the page can be anyone.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { default as Provider, Configuration } from 'oidc-provider';
import { isValidBsn } from '../domain/identifiers/index.js';

export interface DemoIdentity {
  bsn: string;
  /** What the login page shows next to the BSN, e.g. "ouder van Daan (8 jaar)". */
  label: string;
}

export interface OidcStandInOptions {
  host: string;
  port: number;
  /** The relying party: the portal's client id, secret and redirect URI. */
  client: { id: string; secret: string; redirectUri: () => string; postLogoutRedirectUri: () => string };
  /** The BSNs the login page offers (demo data); any valid BSN may also be typed. */
  identities: () => Promise<DemoIdentity[]>;
}

export interface RunningOidcStandIn {
  issuer: string;
  server: Server;
  close(): Promise<void>;
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Starts the stand-in; the issuer URL is only known after listening (port 0 in tests). */
export async function startOidcStandIn(options: OidcStandInOptions): Promise<RunningOidcStandIn> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const issuer = `http://${options.host}:${port}`;

  // A signing key per start: ID tokens of an earlier run are worthless after a restart, as intended.
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    alg: 'RS256',
    use: 'sig',
    kid: randomBytes(8).toString('hex'),
  };
  const configuration: Configuration = {
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: options.client.id,
        client_secret: options.client.secret,
        // Evaluated now: the portal listens before the stand-in is configured (startChain).
        redirect_uris: [options.client.redirectUri()],
        post_logout_redirect_uris: [options.client.postLogoutRedirectUri()],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // The BSN is the subject; DigiD gives nothing else that matters here.
    claims: { openid: ['sub'], bsn: ['bsn'] },
    scopes: ['openid', 'bsn'],
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, bsn: sub }),
    }),
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    ttl: {
      Session: 3600,
      Interaction: 600,
      Grant: 3600,
      IdToken: 600,
      AccessToken: 600,
      AuthorizationCode: 60,
    },
    renderError: (ctx, _out, error) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Fout bij inloggen</title></head><body><main><h1>Fout bij inloggen</h1><p>${escapeHtml(
        error instanceof Error ? error.message : 'Onbekende fout',
      )}</p></main></body></html>`;
    },
  };
  // Loaded only when the stand-in runs: oidc-provider warns on import under Node 20, which would
  // otherwise reach stderr of every CLI command (they all import the chain).
  const { default: OidcProvider } = await import('oidc-provider');
  const provider = new OidcProvider(issuer, configuration);
  const callback = provider.callback();

  handler = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!match) {
      callback(req, res);
      return;
    }
    void interaction(provider, options, req, res, Boolean(match[2])).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 400;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
      }
      res.end('Deze inlogpoging is verlopen. Begin opnieuw bij het portaal.');
    });
  };

  return {
    issuer,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function interaction(
  provider: Provider,
  options: OidcStandInOptions,
  req: IncomingMessage,
  res: ServerResponse,
  submitted: boolean,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    // The relying party is ours: grant what it asked without a second screen.
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ?? newGrant(provider, details))
      : newGrant(provider, details);
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  let error = '';
  if (submitted && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const bsn = (form.get('bsn') ?? '').replace(/\D/g, '');
    if (/^\d{9}$/.test(bsn) && isValidBsn(bsn)) {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: bsn } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    error = 'Vul een geldig BSN in (9 cijfers, 11-proef).';
  }
  const identities = await options.identities();
  const uid = escapeHtml(details.uid);
  const list = identities
    .map(
      (i) =>
        `<li><button type="submit" name="bsn" value="${escapeHtml(i.bsn)}">${escapeHtml(i.bsn)}</button> ${escapeHtml(i.label)}</li>`,
    )
    .join('');
  res.statusCode = error ? 400 : 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(`<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen met DigiD (demo)</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{color:#154273}button{font:inherit;padding:.4rem .8rem;border:2px solid #154273;background:#fff;color:#154273;border-radius:4px;cursor:pointer}
button.primary{background:#154273;color:#fff}label{display:block;font-weight:bold;margin-top:1rem}
input{font:inherit;padding:.4rem;border:2px solid #555;border-radius:4px}.error{color:#b00020;font-weight:bold}
ul{padding-left:1.2rem}li{margin:.3rem 0}:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
</style></head>
<body><main>
<h1>Inloggen met DigiD (demo)</h1>
<p>Dit is een nagebootste DigiD voor de demo. Kies een persoon of vul een BSN in. Er is geen wachtwoord.</p>
<form method="post" action="/interaction/${uid}/login">
<label for="bsn">BSN</label>
${error ? `<p id="bsn-error" class="error">${error}</p>` : ''}
<input id="bsn" name="bsn" inputmode="numeric" autocomplete="off" ${error ? 'aria-invalid="true" aria-describedby="bsn-error"' : ''}>
<button class="primary" type="submit">Inloggen</button>
</form>
<h2>Demopersonen</h2>
<form method="post" action="/interaction/${uid}/login"><ul>${list}</ul></form>
</main></body></html>`);
}

function newGrant(provider: Provider, details: Awaited<ReturnType<Provider['interactionDetails']>>) {
  return new provider.Grant({
    accountId: details.session!.accountId,
    clientId: details.params.client_id as string,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) throw new Error('body too large');
  }
  return body;
}
