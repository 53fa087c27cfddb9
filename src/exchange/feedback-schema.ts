import { z } from 'zod';

/** A dose of an activity the registry judged not valid (R-R3): as it answers, and as the dossier keeps it. */
export const validityFeedbackDose = z.object({
  vaccineType: z.string(),
  date: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
});
