#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx crossover` works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
// Signal and parent-death handling first: a Ctrl-C while the CLI is still loading is then
// handled like any other (exit 130, nothing left behind). See docs/faults.md.
const { installStopHandlers } = await import('../harness/cleanup.ts');
installStopHandlers();
await import('../harness/cli.ts');
