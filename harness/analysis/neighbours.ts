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

/**
 * Pure: the NEIGHBOURS warning's detail, naming each disturbed cell and repeat
 * (`flask/json/c64 repeat 1: other processes took 48% of a core: ...`); undefined when none was.
 */
export function neighboursDetail(results: Pick<Results, 'cells'>): string | undefined {
  const each = results.cells.flatMap((c) => disturbedRepeats(c).map((r) => `${c.id} repeat ${r.repeat + 1}: ${r.text}`));
  return each.length ? each.join('; ') : undefined;
}
