#!/usr/bin/env node
import { buildProgram } from './program.js';

await buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    console.error(`rvp: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
