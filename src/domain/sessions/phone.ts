/**
 * A custodian on the phone at the session desk (seed 001 §4.8): the professional checks that the
 * caller really is a custodian by asking the last three digits of the custodian's BSN and of the
 * youth's. Both must match; the answer names which one did not, never the digits themselves.
 */
export interface PhoneVerificationInput {
  custodianBsn: string | null;
  youthBsn: string | null;
  custodianLast3: string;
  youthLast3: string;
}

export interface PhoneVerificationProblem {
  field: 'custodianBsnLast3' | 'youthBsnLast3';
  rule: 'bsn-last-3-mismatch' | 'bsn-unknown' | 'bsn-last-3-format';
  message: string;
}

const THREE_DIGITS = /^\d{3}$/;

export function verifyPhoneCaller(input: PhoneVerificationInput): PhoneVerificationProblem[] {
  const problems: PhoneVerificationProblem[] = [];
  const check = (
    field: PhoneVerificationProblem['field'],
    bsn: string | null,
    given: string,
    who: string,
  ): void => {
    const typed = given.trim();
    if (!THREE_DIGITS.test(typed)) {
      problems.push({
        field,
        rule: 'bsn-last-3-format',
        message: `Vul de laatste 3 cijfers van het BSN van ${who} in.`,
      });
    } else if (!bsn || bsn.length < 3) {
      problems.push({
        field,
        rule: 'bsn-unknown',
        message: `Het BSN van ${who} is niet bekend; telefonische controle is niet mogelijk.`,
      });
    } else if (bsn.slice(-3) !== typed) {
      problems.push({
        field,
        rule: 'bsn-last-3-mismatch',
        message: `De laatste 3 cijfers van het BSN van ${who} kloppen niet.`,
      });
    }
  };
  check('custodianBsnLast3', input.custodianBsn, input.custodianLast3, 'de gezaghebbende');
  check('youthBsnLast3', input.youthBsn, input.youthLast3, 'de jeugdige');
  return problems;
}
