import { movedKinds, speedChange, speedDifference } from '../resources/speed.ts';
import type { Results } from '../results/schema.ts';
import { disturbedCellIds } from './neighbours.ts';

/**
 * How changes are judged (docs/analysis.md, section 9):
 * - `absolute`: each cell's requests/s against its own baseline;
 * - `relative`: each framework's ratio to the other frameworks of its column, so whatever
 *   moved every framework alike (another machine, a slower runner) cancels.
 */
export type CompareMode = 'absolute' | 'relative';
/** What the user asked for: a mode, or `auto` (relative when the machines differ). */
export type RequestedMode = CompareMode | 'auto';

export interface ModeChoice {
  mode: CompareMode;
  /** Why, in a few words: "--relative", "the machines differ: A -> B". */
  reason: string;
}

function describeMachine(r: Results): string {
  return `${r.machine.cpuModel} (${r.machine.cores} cores)`;
}

/** `memory +50%`: the kinds of the speed reading that moved beyond SPEED_CHANGE_MAX, or undefined. */
function speedMoved(baseline: Results, candidate: Results): string | undefined {
  if (!baseline.speed || !candidate.speed) return undefined;
  const a = baseline.speed.start;
  const b = candidate.speed.start;
  const change = speedChange(a, b);
  const moved = movedKinds(a, b);
  if (moved.length === 0) return undefined;
  return moved.map((k) => `${k.replace(/Ms$/, '')} ${change[k] >= 0 ? '+' : ''}${(change[k] * 100).toFixed(0)}%`).join(', ');
}

/** Pure: the mode asked for, or under `auto` relative when the machines or their speed readings differ. */
export function chooseMode(requested: RequestedMode, baseline: Results, candidate: Results): ModeChoice {
  if (requested !== 'auto') return { mode: requested, reason: `--${requested}` };
  const [a, b] = [describeMachine(baseline), describeMachine(candidate)];
  if (a !== b) return { mode: 'relative', reason: 'the machines differ' };
  const moved = speedMoved(baseline, candidate);
  if (moved) return { mode: 'relative', reason: `the machine's speed reading differs: ${moved}` };
  const unread = !baseline.speed || !candidate.speed;
  return { mode: 'absolute', reason: unread ? 'the same machine; a run has no speed reading' : 'the same machine and speed reading' };
}

/** Pure: what differs between the runs besides the code under test. */
export function comparabilityWarnings(baseline: Results, candidate: Results): string[] {
  const warnings: string[] = [];
  const differ = (what: string, b: string, c: string) => {
    if (b !== c) warnings.push(`${what} differs: baseline ${b}, candidate ${c}`);
  };
  differ('profile', baseline.config.profile, candidate.config.profile);
  differ('machine', describeMachine(baseline), describeMachine(candidate));
  const speed = baseline.speed && candidate.speed && speedDifference(baseline.speed.start, candidate.speed.start);
  if (speed)
    warnings.push(
      `machine speed differs: the same fixed work before the first cell, baseline -> candidate: ${speed}; a change of that size may be the machine's, not the code's`,
    );
  differ('runtime', baseline.runtime.kind, candidate.runtime.kind);
  differ('database', baseline.database.kind, candidate.database.kind);
  for (const [name, app] of Object.entries(baseline.apps)) {
    const other = candidate.apps[name];
    if (!other) continue;
    const packages = [...new Set([...Object.keys(app.keyPackages), ...Object.keys(other.keyPackages)])].sort();
    const changed = packages
      .filter((p) => app.keyPackages[p] !== other.keyPackages[p])
      .map((p) => `${p} ${app.keyPackages[p] ?? '-'} -> ${other.keyPackages[p] ?? '-'}`);
    if (changed.length > 0) warnings.push(`${name}: framework versions differ: ${changed.join(', ')}`);
  }
  for (const [which, r] of [
    ['baseline', baseline],
    ['candidate', candidate],
  ] as const) {
    if (r.status !== 'complete') warnings.push(`the ${which} run ended '${r.status}', not 'complete'`);
    const disturbed = [...disturbedCellIds(r)];
    if (disturbed.length)
      warnings.push(
        `in the ${which} run, other processes took CPU while ${disturbed.join(', ')} ${disturbed.length === 1 ? 'was' : 'were'} measured (DISTURBED, marked #): a change there may be theirs`,
      );
  }
  return warnings;
}
