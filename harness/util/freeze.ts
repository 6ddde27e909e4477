/** `pip freeze` output as name -> version (lower-cased names; editable or URL lines kept whole). */
export function parseFreeze(text: string): Record<string, string> {
  const packages: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = /^([A-Za-z0-9_.-]+)==(.+)$/.exec(trimmed);
    if (match) packages[match[1]!.toLowerCase().replace(/_/g, '-')] = match[2]!;
    else packages[trimmed] = '';
  }
  return packages;
}
