import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout the harness runs from: apps/, scenarios/ and .cache/ live here. This file is
 * harness/paths.ts or, compiled, dist/paths.js: one level below the root either way.
 */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const APPS_DIR = path.join(REPO_ROOT, 'apps');
export const SCENARIOS_DIR = path.join(REPO_ROOT, 'scenarios');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');
