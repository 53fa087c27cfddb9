/**
 * Starts the portal and, unless a real provider is configured (RVP_OIDC_ISSUER), the DigiD stand-in.
 * The portal listens first: the stand-in registers the portal's redirect URI, which needs its port.
 */
import { randomBytes } from 'node:crypto';
import type { PortalConfig } from '../config.js';
import { createPortalApp } from './app.js';
import { startOidcStandIn, type DemoIdentity, type RunningOidcStandIn } from './oidc-standin.js';

export interface RunningPortal {
  url: string;
  /** The issuer the portal signs in with (the stand-in's URL in the demo). */
  issuer: string;
  standIn: boolean;
  close(): Promise<void>;
}

export async function startPortal(options: {
  host: string;
  portal: PortalConfig & { serviceSecret: string };
  dossierUrl: () => string;
  registryUrl: () => string;
  identities: () => Promise<DemoIdentity[]>;
  logLevel: string;
  secureCookies?: boolean;
}): Promise<RunningPortal> {
  const { portal } = options;
  const clientSecret = portal.clientSecret ?? randomBytes(24).toString('base64url');
  let issuer = portal.issuer ?? '';
  let publicUrl = portal.publicUrl ?? '';
  const app = await createPortalApp({
    oidc: {
      issuer: () => issuer,
      clientId: portal.clientId,
      clientSecret,
      // Plain HTTP only towards the local stand-in; a real provider is HTTPS.
      allowHttp: !portal.issuer,
    },
    publicUrl: () => publicUrl,
    dossierUrl: options.dossierUrl,
    registryUrl: options.registryUrl,
    serviceSecret: portal.serviceSecret,
    logLevel: options.logLevel,
    ...(options.secureCookies !== undefined ? { secureCookies: options.secureCookies } : {}),
  });
  const address = await app.listen({ host: options.host, port: portal.port });
  const url = address.replace('[::1]', 'localhost');
  if (!publicUrl) publicUrl = url;
  let standIn: RunningOidcStandIn | undefined;
  if (!portal.issuer) {
    try {
      standIn = await startOidcStandIn({
        host: options.host,
        port: portal.oidcPort,
        client: {
          id: portal.clientId,
          secret: clientSecret,
          redirectUri: () => `${publicUrl}/auth/callback`,
          postLogoutRedirectUri: () => `${publicUrl}/`,
        },
        identities: options.identities,
      });
    } catch (error) {
      await app.close();
      throw error;
    }
    issuer = standIn.issuer;
  }
  return {
    url: publicUrl,
    issuer,
    standIn: standIn !== undefined,
    close: async () => {
      await app.close();
      await standIn?.close();
    },
  };
}
