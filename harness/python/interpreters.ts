/**
 * The interpreter as an axis (docs/variants.md, "The interpreter as an axis"): `--python A,B`
 * runs every selected app once per interpreter, each as an app of its own named
 * `<app>-py<major.minor>` (`-py3.13t` for a free-threaded build), so every table, check and
 * result treats it as a row like any other. Pure but for probing the interpreters.
 */
import type { AppDefinition } from '../apps/manifest.ts';
import type { RunConfig } from '../config/options.ts';
import { BenchError } from '../errors.ts';
import { parseAppHost } from '../net/app-host.ts';
import { findPython, type PythonInfo, type PythonNeed, probePython, pythonNeed } from './discover.ts';

/** One interpreter of the axis, as results.json records it. */
export interface Interpreter extends PythonInfo {
  /** `py3.13`, `py3.13t`: the suffix of its apps' names. */
  label: string;
}

/** Pure: `--python a,b` -> ['a', 'b']; one entry (or none) is no axis. */
export function pythonList(flag: string | undefined): string[] {
  return (flag ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Pure: `py3.13`, `py3.13t`. */
export function interpreterLabel(info: Pick<PythonInfo, 'major' | 'minor' | 'freeThreaded'>): string {
  return `py${info.major}.${info.minor}${info.freeThreaded ? 't' : ''}`;
}

/** Runs each interpreter of `--python a,b` (each must run and be new enough for every app); two of one label are refused. */
export async function resolveInterpreters(entries: readonly string[], need: PythonNeed): Promise<Interpreter[]> {
  const out: Interpreter[] = [];
  for (const entry of entries) {
    const info = await findPython(entry, need);
    const label = interpreterLabel(info);
    const twin = out.find((i) => i.label === label);
    if (twin) {
      throw new BenchError(
        'USAGE',
        `--python: ${entry} and ${twin.path} are both ${label} (${info.version}, ${twin.version}); the axis compares different interpreters`,
        {
          hint: 'name each Python version once, e.g. --python python3.12,python3.13',
        },
      );
    }
    out.push({ ...info, label });
  }
  return out;
}

/** Pure: the name of `app` under `interpreter`. */
export function appUnder(app: string, interpreter: Pick<Interpreter, 'label'>): string {
  return `${app}-${interpreter.label}`;
}

/**
 * Pure: every app once per interpreter, in app then interpreter order. Each copy runs its own
 * virtualenv of `python`. Pairs for the comparison table (`variantOf`): under the first
 * interpreter, a variant keeps its base (the stack's cost, same interpreter); under every
 * other interpreter, an app is paired with itself under the first (the interpreter's effect).
 */
export function expandInterpreters(
  frameworks: readonly string[],
  apps: ReadonlyMap<string, AppDefinition>,
  interpreters: readonly Interpreter[],
): { frameworks: string[]; apps: Map<string, AppDefinition> } {
  const first = interpreters[0]!;
  const names: string[] = [];
  const out = new Map<string, AppDefinition>();
  for (const name of frameworks) {
    const app = apps.get(name)!;
    for (const interpreter of interpreters) {
      const derived = appUnder(name, interpreter);
      // Under the first interpreter a variant is set against its base; under any other, an app against itself under the first.
      const partner = interpreter === first ? app.variantOf : name;
      const variantOf = partner !== undefined && frameworks.includes(partner) ? appUnder(partner, first) : undefined;
      const python = interpreter.freeThreaded ? `Python ${interpreter.version}, free-threaded` : `Python ${interpreter.version}`;
      names.push(derived);
      out.set(derived, {
        ...app,
        name: derived,
        displayName: `${app.displayName} (${python})`,
        variantOf,
        python: {
          path: interpreter.path,
          version: interpreter.version,
          major: interpreter.major,
          minor: interpreter.minor,
          freeThreaded: interpreter.freeThreaded,
        },
        // A free-threaded build keeps the GIL off even where an extension module does not declare support (it would turn it back on at import).
        env: interpreter.freeThreaded ? { ...app.env, PYTHON_GIL: '0' } : app.env,
        interpreterOf: name,
      });
    }
  }
  return { frameworks: names, apps: out };
}

/**
 * --python a,b (docs/variants.md, "The interpreter as an axis"): each interpreter is run and
 * checked, and every app becomes one copy per interpreter, each in a virtualenv of its own.
 * The Docker base image carries one interpreter, so the axis runs local virtualenvs.
 */
export async function interpreterAxis(
  python: string | undefined,
  resolved: RunConfig,
  apps: Map<string, AppDefinition>,
  log: (line: string) => void,
): Promise<{ config: RunConfig; apps: Map<string, AppDefinition> }> {
  const entries = pythonList(python);
  if (entries.length === 0) return { config: resolved, apps };
  const docker = resolved.runtime === 'docker' || parseAppHost(resolved.appHost).kind === 'docker-engine';
  // One interpreter is the axis only when it is free-threaded and runs the apps (local): its rows then say so and keep the GIL off.
  if (entries.length === 1 && (docker || !(await probePython(entries[0]!))?.freeThreaded)) return { config: resolved, apps };
  if (docker) {
    throw new BenchError('USAGE', `--python ${python}: several interpreters run in local virtualenvs, not in Docker (one interpreter per base image)`, {
      hint: 'use --runtime local (or auto), or give --python one interpreter',
    });
  }
  const interpreters = await resolveInterpreters(entries, pythonNeed(apps.values()));
  const expanded = expandInterpreters(resolved.frameworks, apps, interpreters);
  const first = interpreters[0]!;
  const baseline = resolved.baseline === undefined || expanded.apps.has(resolved.baseline) ? resolved.baseline : appUnder(resolved.baseline, first);
  log(
    `interpreters: ${interpreters.map((i) => `${i.label} (${i.version}${i.freeThreaded ? ', free-threaded' : ''}, ${i.path})`).join(', ')}: every app runs under each, in local virtualenvs`,
  );
  return {
    apps: expanded.apps,
    config: {
      ...resolved,
      frameworks: expanded.frameworks,
      runtime: 'local',
      python: first.path,
      interpreters: interpreters.map((i) => ({ label: i.label, path: i.path, version: i.version, ...(i.freeThreaded ? { freeThreaded: true } : {}) })),
      ...(baseline === undefined ? {} : { baseline }),
    },
  };
}
