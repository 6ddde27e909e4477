/** PEP 503 normalisation: `Django`, `pydantic_core` -> `django`, `pydantic-core`. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** `pip freeze` output as normalised name -> version (direct references keep their URL as the version). */
export function parseFreeze(text: string): Record<string, string> {
  const packages: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('-')) continue;
    const pinned = /^([A-Za-z0-9._-]+)==(.+)$/.exec(line);
    const direct = /^([A-Za-z0-9._-]+)\s*@\s*(.+)$/.exec(line);
    const match = pinned ?? direct;
    if (match?.[1] && match[2]) packages[normalizePackageName(match[1])] = match[2];
  }
  return packages;
}
