/** Which CPUs the app, the database and the load generator get. */
export interface CpuLayout {
  totalCores: number;
  appCpus: number[];
  dbCpus: number[];
  loadgenCpus: number[];
  /** True when two roles share a core: the results say so next to every table. */
  shared: boolean;
  note: string;
}

/**
 * Gives each role cores of its own where there are enough. With 4 or more cores: one for
 * the load generator, one for the database, the rest for the app (capped by appCores if given).
 * With 2 or 3: the app gets the last core; the load generator and the database share core 0,
 * which is flagged. With 1: everything shares it, also flagged.
 */
export function planCpuLayout(totalCores: number, appCores?: number): CpuLayout {
  const all = Array.from({ length: totalCores }, (_, i) => i);
  if (totalCores >= 4) {
    const rest = all.slice(2);
    const appCpus = appCores ? rest.slice(0, appCores) : rest;
    return { totalCores, appCpus, dbCpus: [1], loadgenCpus: [0], shared: false, note: 'load generator, database and app on separate cores' };
  }
  if (totalCores >= 2) {
    return {
      totalCores,
      appCpus: [totalCores - 1],
      dbCpus: [0],
      loadgenCpus: [0],
      shared: true,
      note: `only ${totalCores} cores: the load generator and the database share core 0, the app has core ${totalCores - 1} to itself`,
    };
  }
  return { totalCores, appCpus: [0], dbCpus: [0], loadgenCpus: [0], shared: true, note: 'one core: app, database and load generator share it' };
}

export function cpuList(cpus: readonly number[]): string {
  return cpus.join(',');
}
