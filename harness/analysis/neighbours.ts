import { STEAL_MAX } from '../resources/steal.ts';
import type { Neighbours } from '../results/neighbours-schema.ts';
import type { Cell, Results } from '../results/schema.ts';

/**
 * A measured window is flagged when processes outside the run used more than this share of one
 * core over it. On this project's 2-core VM, the measured windows of a run alone showed others at
 * 0.014-0.018 of a core, and idle 10-s windows 0.012-0.018 (the VM's agent, containerd, RabbitMQ,
 * Redis); windows shared with a type-check, a test run or another benchmark showed 0.26-1.18,
 * with Flask json 10-37% below its quiet median (docs/measured-facts.md, "Other processes during a
 * measured window"). 0.1 is five times the quiet ceiling, under the smallest disturbed window seen,
 * and the share at which the pre-run check (resources/quiet.ts) already calls the machine busy.
 */
export const NEIGHBOURS_MAX_CORE_SHARE = 0.1;

const pct = (share: number) => `${(share * 100).toFixed(0)}%`;

/** Pure: what disturbed a window (`other processes took 48% of a core: node (pid 4242) 45%, ...`), or undefined when it was quiet. */
export function disturbance(n: Neighbours | undefined): string | undefined {
  if (!n) return undefined;
  const parts: string[] = [];
  if (n.coreShare > NEIGHBOURS_MAX_CORE_SHARE) {
    const share = n.coreShare < 1 ? `${pct(n.coreShare)} of a core` : `${n.coreShare.toFixed(1)} cores`;
    const top = n.top.map((p) => `${p.comm} (pid ${p.pid}) ${pct(p.coreShare)}`).join(', ');
    parts.push(`other processes took ${share}${top ? `: ${top}` : ''}`);
  }
  if (n.stealShare > STEAL_MAX) parts.push(`the hypervisor took ${(n.stealShare * 100).toFixed(1)}% of the CPU time`);
  return parts.length ? parts.join('; ') : undefined;
}

/** One disturbed repeat of a cell. */
export interface DisturbedRepeat {
  repeat: number;
  text: string;
}

/** Pure: the repeats of a cell whose measured window was disturbed (DISTURBED flag). */
export function disturbedRepeats(cell: Pick<Cell, 'repeats'>): DisturbedRepeat[] {
  return cell.repeats.flatMap((r) => {
    const text = disturbance(r.resources?.neighbours);
    return text ? [{ repeat: r.repeat, text }] : [];
  });
}

/** Pure: the ids of every cell with a disturbed repeat, for the tables' mark. */
export function disturbedCellIds(results: Pick<Results, 'cells'>): Set<string> {
  return new Set(results.cells.filter((c) => disturbedRepeats(c).length > 0).map((c) => c.id));
}

/** Up to this many disturbed windows are each named with their processes; more are summed up. */
const LISTED_WINDOWS = 3;
/** A process is named in the summary when it took at least this share of a core in a disturbed window. */
const NAMED_SHARE = 0.05;
/** Up to this many disturbed cells are named in the summary, the most disturbed first; the tables mark every one. */
const LISTED_CELLS = 6;

/**
 * Pure: the NEIGHBOURS warning's detail, naming each disturbed cell and repeat
 * (`flask/json/c64 repeat 1: other processes took 48% of a core: ...`); undefined when none was.
 * Beyond LISTED_WINDOWS windows (a side-by-side run has hundreds), it counts them per cell and
 * names the processes that took CPU in most of them (and, beyond LISTED_CELLS cells, the most
 * disturbed cells only); every window's figures stay in results.json.
 */
export function neighboursDetail(results: Pick<Results, 'cells'>): string | undefined {
  const each = results.cells.flatMap((c) => disturbedRepeats(c).map((r) => `${c.id} repeat ${r.repeat + 1}: ${r.text}`));
  if (each.length <= LISTED_WINDOWS) return each.length ? each.join('; ') : undefined;
  const windows = results.cells.reduce((n, c) => n + c.repeats.length, 0);
  const processes = new Map<string, { windows: number; max: number }>();
  let steal = 0;
  const cells: { id: string; disturbed: number }[] = [];
  for (const cell of results.cells) {
    let disturbed = 0;
    for (const r of cell.repeats) {
      const n = r.resources?.neighbours;
      if (!n || !disturbance(n)) continue;
      disturbed++;
      if (n.stealShare > STEAL_MAX) steal++;
      if (n.coreShare <= NEIGHBOURS_MAX_CORE_SHARE) continue;
      for (const p of n.top.filter((t) => t.coreShare >= NAMED_SHARE)) {
        const key = `${p.comm} (pid ${p.pid})`;
        const seen = processes.get(key) ?? { windows: 0, max: 0 };
        processes.set(key, { windows: seen.windows + 1, max: Math.max(seen.max, p.coreShare) });
      }
    }
    if (disturbed > 0) cells.push({ id: cell.id, disturbed });
  }
  // A standard run can have forty: the most disturbed name the pattern, the tables' mark names them all.
  const named =
    cells.length <= LISTED_CELLS
      ? cells.map((c) => `${c.id} (${c.disturbed})`).join(', ')
      : `most in ${[...cells]
          .sort((a, b) => b.disturbed - a.disturbed)
          .slice(0, LISTED_CELLS)
          .map((c) => `${c.id} (${c.disturbed})`)
          .join(', ')} and ${cells.length - LISTED_CELLS} more, each marked # in the tables`;
  const busiest = [...processes]
    .sort((a, b) => b[1].windows - a[1].windows || b[1].max - a[1].max)
    .slice(0, 4)
    .map(([name, p]) => `${name} in ${p.windows}, up to ${pct(p.max)} of a core`);
  return (
    `${each.length} of ${windows} measured windows, in ${cells.length} cells: ${named}` +
    (busiest.length ? `; busiest other processes: ${busiest.join('; ')}` : '') +
    (steal ? `; the hypervisor took more than ${(STEAL_MAX * 100).toFixed(0)}% in ${steal}` : '') +
    '; every window is in results.json'
  );
}
