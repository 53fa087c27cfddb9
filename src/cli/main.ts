#!/usr/bin/env node
import { buildProgram } from './program.js';

// Output piped into `head` and the like: a closed pipe ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

await buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    console.error(`rvp: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
