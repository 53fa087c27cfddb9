/** Labels for the registry's intake worklist (pure, unit-tested). */

const ruleLabels: Record<string, string> = {
  'unknown-bsn': 'BSN onbekend in het register',
  'unknown-signer': 'Onbekende ondertekenaar',
  'signer-ura-mismatch': 'Ondertekenaar en organisatie verschillen',
  'bad-signature': 'Ondertekening klopt niet',
  'malformed-jws': 'Ondertekend bericht onleesbaar',
  'malformed-payload': 'Inhoud van het bericht onleesbaar',
  'unknown-field': 'Onbekend veld in het bericht',
  required: 'Verplicht veld ontbreekt',
  schema: 'Onbekend berichtformaat',
  'bsn-11-check': 'BSN voldoet niet aan de elfproef',
  'bsn-format': 'BSN heeft niet 9 cijfers',
  'invalid-date': 'Ongeldige datum',
  'vaccine-type': 'Onbekend vaccin',
  'max-length': 'Tekst te lang',
  'postcode-format': 'Ongeldige postcode',
};

/** A rule of the intake (`bsn-11-check`) in words; unknown rules are shown as they are. */
export function intakeRuleLabel(rule: string): string {
  return ruleLabels[rule] ?? rule;
}

/** "3 berichten", "1 bericht". */
export function countMessages(n: number): string {
  return n === 1 ? '1 bericht' : `${n} berichten`;
}
