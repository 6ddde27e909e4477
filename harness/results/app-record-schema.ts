import { z } from 'zod';
import { DataAccessSchema } from './analysis-schema.ts';

/** What the results record of each app of a run: how it was started and what it ran on (pipeline/prepare.ts appRecord). */
export const WorkerSettingsSchema = z.object({
  workers: z.number().int().positive(),
  threads: z.number().int().positive(),
  poolSize: z.number().int().positive(),
  connectionCap: z.number().int().positive(),
  concurrencyLimit: z.number().int().positive(),
});

export const AppRecordSchema = z.object({
  displayName: z.string(),
  /** A variant's base app (its manifest's `variantOf`), so a variant table can pair them; absent for a base app and in older results. */
  variantOf: z.string().optional(),
  server: z.string(),
  model: z.enum(['sync', 'async']),
  settings: WorkerSettingsSchema,
  /** The command as started, placeholders filled. */
  command: z.array(z.string()),
  pythonVersion: z.string(),
  /** --python a,b: the app folder this row runs under its own interpreter, and whether that build is free-threaded (GIL off). */
  interpreterOf: z.string().optional(),
  freeThreaded: z.boolean().optional(),
  /** The manifest's key packages -> version. */
  keyPackages: z.record(z.string(), z.string()),
  /** Full `pip freeze` of the environment that ran. */
  packages: z.record(z.string(), z.string()),
  imageId: z.string().optional(),
  baseImage: z.string().optional(),
  prepareS: z.number().min(0),
  cached: z.boolean(),
  /** ORM or raw driver, statement protocol and JSON serializer, from the manifest. */
  dataAccess: DataAccessSchema.optional(),
});
export type AppRecord = z.infer<typeof AppRecordSchema>;
