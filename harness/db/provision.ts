import type { RunConfig } from '../config/options.ts';
import { DEFAULT_DB_IMAGE, OFFLINE_DB_IMAGE } from '../config/options.ts';
import type { CpuLayout } from '../cpu/layout.ts';
import { pickImage } from '../docker/images.ts';
import { startDockerDatabase } from './docker.ts';
import { startEmbeddedDatabase } from './embedded.ts';
import { urlDatabase } from './health.ts';
import { ensureWorld } from './seed.ts';
import type { Database } from './types.ts';

export interface ProvisionedDatabase {
  database: Database;
  version: string;
  seeded: boolean;
  /** --db docker only. */
  image?: string | undefined;
}

/** Starts (embedded, docker) or reaches (URL) PostgreSQL and makes sure `world` is seeded. */
export async function provisionDatabase(config: Pick<RunConfig, 'db' | 'dbImage'>, layout: CpuLayout, runId: string): Promise<ProvisionedDatabase> {
  let database: Database;
  let image: string | undefined;
  if (config.db === 'embedded') database = await startEmbeddedDatabase({ cpus: layout.dbCpus });
  else if (config.db === 'docker') {
    image = (await pickImage(config.dbImage, DEFAULT_DB_IMAGE, OFFLINE_DB_IMAGE)) ?? DEFAULT_DB_IMAGE;
    database = await startDockerDatabase({ image, cpus: layout.dbCpus, runId });
  } else database = urlDatabase(config.db);
  try {
    const { seeded, version } = await ensureWorld(database.url);
    return { database, version, seeded, image };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
