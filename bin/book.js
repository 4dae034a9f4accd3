#!/usr/bin/env node
// Runs the TypeScript command line through tsx, so that `npx book` works without a compile step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../scripts/cli.ts');
process.exitCode = await main(process.argv.slice(2));
