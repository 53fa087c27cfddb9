import { createContext, useContext } from 'react';
import type { User } from './api.js';

export interface NavItem {
  label: string;
  /** Route path, e.g. `/clients`; the item is current for this path and everything under it. */
  path: string;
  /** Only shown to users with one of these roles (the page itself says so to anyone else). */
  roles?: readonly string[];
}

/** The navigation items a user with `role` sees. */
export function navItemsFor(items: readonly NavItem[], role: string): NavItem[] {
  return items.filter((item) => !item.roles || item.roles.includes(role));
}

export interface AppInfo {
  /** "Dossier JGZ" */
  name: string;
  /** One line under the name in the header. */
  description: string;
  /** "open-rvp — Dossier JGZ", the document title of the app's home page. */
  documentTitle: string;
  nav: NavItem[];
}

export interface SessionContextValue {
  user: User;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);
export const AppContext = createContext<AppInfo | null>(null);

/** The signed-in user; only available inside AppShell's routes. */
export function useSession(): SessionContextValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside a signed-in AppShell');
  return session;
}

export function useApp(): AppInfo {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() outside AppShell');
  return app;
}

/** `open-rvp — Dossier JGZ`, or with a page: `Cliënten — open-rvp — Dossier JGZ`. */
export function useDocumentTitle(page?: string): string {
  const app = useApp();
  return page ? `${page} — ${app.documentTitle}` : app.documentTitle;
}
