import { describe, expect, it } from 'vitest';
import { BenchError } from '../../harness/errors.ts';
import { PREPARE_CONCURRENCY } from '../../harness/pipeline/prepare.ts';
import { runFake } from '../support/fakes.ts';

const SIX = ['django', 'drf', 'flask', 'fastapi', 'starlette', 'django-bolt'];
/** Build times in milliseconds, uneven so that builds end out of order. */
const BUILD_MS: Record<string, number> = { django: 30, drf: 5, flask: 20, fastapi: 1, starlette: 10, 'django-bolt': 15 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts and ends of the fake builds, in the order they happened. */
function buildLog() {
  const events: string[] = [];
  const gate = async (name: string) => {
    events.push(`start ${name}`);
    await sleep(BUILD_MS[name] ?? 1);
    events.push(`end ${name}`);
  };
  /** The most builds running at once, read from the event order. */
  const peak = () => {
    let running = 0;
    let most = 0;
    for (const e of events) {
      running += e.startsWith('start ') ? 1 : -1;
      most = Math.max(most, running);
    }
    return most;
  };
  return { events, gate, peak };
}

describe('preparing the apps', () => {
  it(`builds ${PREPARE_CONCURRENCY} at a time, starts the next one as soon as one ends, and records every app`, async () => {
    const builds = buildLog();
    const { results, world } = await runFake({ config: { frameworks: SIX, scenarios: ['json'] }, prepareGate: builds.gate });
    expect(PREPARE_CONCURRENCY).toBeGreaterThan(1);
    expect(builds.peak()).toBe(PREPARE_CONCURRENCY);
    expect(world.maxPreparing).toBe(PREPARE_CONCURRENCY);
    // Started in the configured order: the first ones at once, the next only after one of them ended.
    expect(builds.events.filter((e) => e.startsWith('start '))).toEqual(SIX.map((n) => `start ${n}`));
    expect(builds.events.slice(0, PREPARE_CONCURRENCY)).toEqual(SIX.slice(0, PREPARE_CONCURRENCY).map((n) => `start ${n}`));
    expect(builds.events[PREPARE_CONCURRENCY]).toMatch(/^end /);
    expect(Object.keys(results.apps).sort()).toEqual([...SIX].sort());
    expect(results.cells.map((c) => `${c.id} ${c.status}`)).toEqual(SIX.map((n) => `${n}/json/c64 ok`));
    expect(world.events).toContainEqual({ type: 'stage', stage: 'prepare', detail: `6 apps, up to ${PREPARE_CONCURRENCY} at a time` });
  });

  it('reports a failed build with its last log lines and still prepares and measures the others', async () => {
    const builds = buildLog();
    const tail = ['Step 7/9 : RUN python3 -m venv /venv', 'ERROR: The command returned a non-zero code: 7'];
    const { results, world } = await runFake({
      config: { frameworks: SIX, scenarios: ['json'] },
      prepareGate: async (name, log) => {
        await builds.gate(name);
        if (name === 'drf') throw new BenchError('DOCKER', `docker build of crossover-bench/drf:0123 failed: exit 7\n${tail.join('\n')}`);
        log('built');
      },
    });
    const drf = results.cells.find((c) => c.id === 'drf/json/c64')!;
    expect(drf).toMatchObject({ status: 'failed', failure: { stage: 'prepare' } });
    expect(drf.failure?.reason).toContain('preparing drf failed: docker build of crossover-bench/drf:0123 failed');
    for (const line of tail) expect(drf.failure?.reason).toContain(line);
    expect(world.trace.filter((s) => s.includes('drf'))).toEqual(['prepare drf']);
    expect(results.cells.filter((c) => c.status === 'ok').map((c) => c.id)).toEqual(SIX.filter((n) => n !== 'drf').map((n) => `${n}/json/c64`));
    expect(Object.keys(results.apps)).not.toContain('drf');
    expect(results.status).toBe('failed');
  });

  it('starts no build after Ctrl-C, lets the ones under way end, and starts no app', async () => {
    const builds = buildLog();
    const { results, world } = await runFake({
      config: { frameworks: SIX, scenarios: ['json'] },
      prepareGate: builds.gate,
      // Ctrl-C while the first builds run: the last one allowed at once has just started.
      hook: (step, w) => step === `prepare ${SIX[PREPARE_CONCURRENCY - 1]}` && w.interrupt(),
    });
    expect(world.trace.filter((s) => s.startsWith('prepare '))).toEqual(SIX.slice(0, PREPARE_CONCURRENCY).map((n) => `prepare ${n}`));
    expect(builds.events.filter((e) => e.startsWith('end '))).toHaveLength(PREPARE_CONCURRENCY);
    expect(world.trace.some((s) => /^(start|ceiling|measure) /.test(s))).toBe(false);
    expect(results.status).toBe('interrupted');
    expect(results.cells.every((c) => c.status === 'unmeasured')).toBe(true);
  });

  it('names the app on every line its build logs, once', async () => {
    const { world } = await runFake({
      config: { frameworks: ['flask', 'fastapi'], scenarios: ['json'] },
      prepareGate: async (name, log) => {
        log('  Step 7/9 : RUN python3 -m venv /venv');
        log(`${name}: waiting for another run building the ${name} image`);
      },
    });
    const lines = world.events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    expect(lines).toEqual(
      expect.arrayContaining([
        'flask: Step 7/9 : RUN python3 -m venv /venv',
        'fastapi: Step 7/9 : RUN python3 -m venv /venv',
        'flask: waiting for another run building the flask image',
        'flask: environment cached',
      ]),
    );
    expect(lines.filter((l) => l.startsWith('flask: flask:'))).toEqual([]);
  });
});
