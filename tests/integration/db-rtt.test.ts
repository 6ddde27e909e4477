import { rm } from 'node:fs/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listInterfaces, listNamespaces, runTag } from '../../harness/net/link.ts';
import { runApps } from '../support/run.ts';

// One framework, db and slow-db at one latency, through a 1 ms round trip: the path is
// built, measured before the cells, carried into the results, sampled, and removed after.
describe('--db-rtt 1 through the pipeline', () => {
  it('measures the round trip, runs the cells through it and leaves nothing behind', async () => {
    const namespacesBefore = await listNamespaces();
    const { out, results, log } = await runApps(['flask'], {
      runtime: 'local',
      scenarios: 'db,slow-db',
      dbLatencies: '10',
      dbRtt: '1',
      duration: '2',
      warmup: '1',
    });

    expect(results.cells.map((c) => c.id)).toEqual(['flask/db/c64/rtt1', 'flask/slow-db/c64/10ms/rtt1']);
    const failures = results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.reason}`);
    expect(failures).toEqual([]);
    const network = results.network!;
    expect(['proxy', 'netem']).toContain(network.method);
    expect(network.paths).toHaveLength(1);
    expect(network.paths[0]!.requestedRttMs).toBe(1);
    expect(network.paths[0]!.addedMs).toBeGreaterThan(0.8);
    expect(network.paths[0]!.addedMs).toBeLessThan(1.2);
    expect(log.some((l) => l.includes('network: '))).toBe(true);
    // The proxy's CPU is sampled beside the app's and the database's.
    if (network.method === 'proxy') expect(results.cells[0]!.repeats[0]!.resources?.proxy).toBeDefined();
    // Nothing left: no proxy process of this run, no namespace or veth.
    const tag = runTag(results.runId);
    expect(
      (
        await execa('pgrep', ['-f', `crossover-proxy-${tag}`], {
          reject: false,
        })
      ).stdout,
    ).toBe('');
    expect(await listNamespaces()).toEqual(namespacesBefore);
    expect((await listInterfaces()).filter((i) => i.includes(tag.slice(0, 6)))).toEqual([]);
    // The figures, for whoever reads the test output (not asserted beyond the 20% above).
    console.log(log.find((l) => l.includes('network: ')));
    await rm(out, { recursive: true, force: true });
  }, 600_000);
});
