#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm run build`, which `npm ci` runs through `prepare`):
// the harness and every child it starts run as plain JavaScript, with no TypeScript loader.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`error: the compiled CLI ${cli.pathname} is missing; run npm run build\n`);
  // 3: infrastructure is missing (the CLI's own exit code for it).
  process.exit(3);
}
// Signal and parent-death handling first: a Ctrl-C while the CLI is still loading is then
// handled like any other (exit 130, nothing left behind). See docs/faults.md.
const { installStopHandlers } = await import(new URL('../dist/cleanup.js', import.meta.url).href);
installStopHandlers();
await import(cli.href);
