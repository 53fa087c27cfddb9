/**
 * Demo sign-in: the service lists its demo users; the person types the password and picks a user.
 * (A real deployment puts an identity provider here, e.g. UZI/Dienstenpas for JGZ staff; the rest of
 * the app only sees a session.)
 */
import { useId, useRef, useState } from 'react';
import { getDemoUsers, signIn, userIdOf, type Problem, type User } from './api.js';
import {
  Alert,
  Button,
  describedBy,
  FormField,
  FormFieldDescription,
  FormFieldErrorMessage,
  FormLabel,
  Heading,
  PageTitle,
  Paragraph,
  ProblemAlert,
  Textbox,
} from './components.js';
import { formatRole } from './format.js';
import { useDocumentTitle } from './context.js';
import { problemOf, useApi } from './useApi.js';

interface OrganisationGroup {
  key: string;
  ura: string | null;
  name: string;
  users: User[];
}

function groupByOrganisation(users: User[]): OrganisationGroup[] {
  const groups = new Map<string, OrganisationGroup>();
  for (const user of users) {
    const key = user.organisation.ura ?? `name:${user.organisation.name}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, ura: user.organisation.ura, name: user.organisation.name, users: [] };
      groups.set(key, group);
    }
    group.users.push(user);
  }
  return [...groups.values()];
}

export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn: (user: User) => void }) {
  const documentTitle = useDocumentTitle('Aanmelden');
  const users = useApi((signal) => getDemoUsers(signal), []);
  const [pending, setPending] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const passwordId = useId();

  async function choose(user: User) {
    if (pending) return;
    setProblem(null);
    if (!password) {
      setPasswordError('Vul eerst het wachtwoord in.');
      passwordRef.current?.focus();
      return;
    }
    setPasswordError(null);
    setPending(userIdOf(user));
    try {
      onSignedIn(await signIn(userIdOf(user), password));
    } catch (error) {
      const failed = problemOf(error);
      const atPassword = failed.errors?.find((e) => e.field === 'body.password');
      if (atPassword) {
        setPasswordError(atPassword.message);
        passwordRef.current?.focus();
      } else setProblem(failed);
      setPending(null);
    }
  }

  const groups = users.status === 'ok' ? groupByOrganisation(users.data) : [];

  return (
    <>
      <PageTitle documentTitle={documentTitle}>Aanmelden</PageTitle>
      {notice ? <Alert type="info">{notice}</Alert> : null}
      <Paragraph purpose="lead">Vul het wachtwoord in en kies een demo-gebruiker om aan te melden.</Paragraph>
      <Paragraph>
        Dit is een demonstratieomgeving met fictieve personen. U ziet alleen de gegevens van de organisatie
        van de gekozen gebruiker.
      </Paragraph>
      {problem ? <ProblemAlert problem={problem} /> : null}
      <div className="rvp-toolbar">
        <FormField invalid={Boolean(passwordError)}>
          <FormLabel htmlFor={passwordId}>Wachtwoord</FormLabel>
          <FormFieldDescription id={`${passwordId}-description`}>
            Alle demo-gebruikers hebben hetzelfde wachtwoord (zie de README).
          </FormFieldDescription>
          {passwordError ? (
            <FormFieldErrorMessage id={`${passwordId}-error`}>{passwordError}</FormFieldErrorMessage>
          ) : null}
          <Textbox
            ref={passwordRef}
            id={passwordId}
            type="password"
            autoComplete="current-password"
            value={password}
            invalid={Boolean(passwordError)}
            aria-describedby={describedBy(
              `${passwordId}-description`,
              passwordError && `${passwordId}-error`,
            )}
            onChange={(event) => setPassword(event.target.value)}
          />
        </FormField>
      </div>
      {users.status === 'loading' ? (
        <Paragraph role="status" className="rvp-muted">
          Demo-gebruikers laden…
        </Paragraph>
      ) : null}
      {users.status === 'error' ? <ProblemAlert problem={users.problem} /> : null}
      {users.status === 'ok' && users.data.length === 0 ? (
        <Alert type="warning">Er zijn geen demo-gebruikers. Laad eerst de demogegevens.</Alert>
      ) : null}
      {groups.map((group, index) => (
        <section key={group.key} className="rvp-section" aria-labelledby={`${headingId}-${index}`}>
          <Heading level={2} id={`${headingId}-${index}`}>
            {group.name}
          </Heading>
          {group.ura ? <Paragraph className="rvp-muted">URA {group.ura}</Paragraph> : null}
          <ul className="rvp-user-list">
            {group.users.map((user) => (
              <li key={userIdOf(user)} className="rvp-card">
                <span className="rvp-card__title">{user.name}</span>
                <span className="rvp-card__meta">{formatRole(user.role)}</span>
                <Button
                  purpose="primary"
                  busy={pending === userIdOf(user)}
                  disabled={pending !== null && pending !== userIdOf(user)}
                  onClick={() => void choose(user)}
                >
                  Aanmelden als {user.name}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
