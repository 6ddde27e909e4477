import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const IGNORED = new Set(['__pycache__', '.venv', 'node_modules', '.pytest_cache']);

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (IGNORED.has(entry.name) || entry.name.endsWith('.pyc')) continue;
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}

/**
 * sha256 over the names and contents of every file under each root (folders recursively,
 * caches like __pycache__ skipped), plus any extra strings. Order-independent of the disk.
 */
export async function contentHash(roots: string[], extra: string[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const root of roots) {
    const isDir = await readdir(root, { withFileTypes: true })
      .then(() => true)
      .catch(() => false);
    const files = isDir ? await listFiles(root) : [''];
    for (const rel of files) {
      const file = rel ? path.join(root, rel) : root;
      hash.update(`${path.basename(root)}/${rel}\0`);
      hash.update(await readFile(file));
      hash.update('\0');
    }
  }
  for (const item of extra) hash.update(`${item}\0`);
  return hash.digest('hex');
}
