import { z } from 'zod';
import { isoDateProblem } from './calendar.js';

/**
 * zod schema for an ISO calendar date. Rejects impossible dates such as 2021-02-30 with a message that
 * says why, so a validation error can name the field and the rule.
 */
export const isoDateSchema = z
  .string({
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be a date string (YYYY-MM-DD)'),
  })
  .check((ctx) => {
    const problem = isoDateProblem(ctx.value);
    if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });
