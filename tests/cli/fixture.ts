import type { Results } from '../../harness/results/schema.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const FRAMEWORKS = [
  ['django', 'Django', 0.55],
  ['drf', 'Django REST framework', 0.45],
  ['flask', 'Flask', 0.7],
  ['fastapi', 'FastAPI', 1.4],
  ['starlette', 'Starlette', 2.1],
  ['django-bolt', 'django-bolt', 6],
] as const;
const SWEEP_MS = [0, 1, 2, 5, 10, 20, 50];

/**
 * A `standard`-like run of all six frameworks: json, db, queries and a slow-db sweep, with
 * one loadgen-bound cell (django-bolt json), one noisy cell and one failed cell.
 */
export function sixFrameworkResults(): Results {
  const cells = FRAMEWORKS.flatMap(([framework, , speed]) => [
    makeCell({
      framework,
      scenario: 'json',
      rps: framework === 'django-bolt' ? [39_500, 39_800, 39_700] : [4000 * speed, 4050 * speed, 3980 * speed],
      appCpu: 0.99,
      loadgenCpu: framework === 'django-bolt' ? 0.99 : 0.3,
    }),
    framework === 'drf'
      ? makeCell({ framework, scenario: 'db', rps: [0], failed: 'the app exited (3) before answering' })
      : makeCell({ framework, scenario: 'db', rps: [1500 * speed, 1550 * speed, 1520 * speed], appCpu: 0.97, dbCpu: 0.4, loadgenCpu: 0.2 }),
    makeCell({
      framework,
      scenario: 'queries',
      rps: framework === 'flask' ? [300, 360, 330] : [200 * speed, 205 * speed, 202 * speed],
      appCpu: 0.95,
      dbCpu: 0.5,
      loadgenCpu: 0.1,
    }),
    ...SWEEP_MS.map((ms) =>
      makeCell({
        framework,
        scenario: 'slow-db',
        dbLatencyMs: ms,
        rps: [Math.min(1200 * speed, 10_000 / (ms + 2)), Math.min(1210 * speed, 10_000 / (ms + 2)), Math.min(1190 * speed, 10_000 / (ms + 2))],
        appCpu: ms < 5 ? 0.97 : 0.3,
        dbCpu: 0.2,
        loadgenCpu: 0.1,
      }),
    ),
  ]);
  const base = makeResults(cells);
  const apps = Object.fromEntries(FRAMEWORKS.map(([name, displayName]) => [name, { ...base.apps.fastapi!, displayName }]));
  return {
    ...base,
    runId: '20261121T000000Z-standard',
    tool: { ...base.tool, commit: '0123456789abcdef0123456789abcdef01234567' },
    config: { ...base.config, frameworks: FRAMEWORKS.map(([name]) => name), scenarios: ['json', 'db', 'queries', 'slow-db'] },
    apps,
  };
}
