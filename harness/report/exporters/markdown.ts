import { leadingWarnings, sweepLines, verdictLines } from '../leading.ts';
import { renderMarkdown } from '../render.ts';
import { documentTables } from '../report.ts';
import { footnote } from '../tables.ts';
import type { Exporter } from './types.ts';

/** results.md: every table with its evidence, then the footnote. */
export const markdownExporter: Exporter = {
  file: 'results.md',
  serialize(results, analysis, charts) {
    const title = `# crossover-bench results: ${results.runId}\n`;
    const chartLinks = charts.length ? `\n### Charts\n\n${charts.map((c) => `![${c.title}](${c.path})`).join('\n\n')}\n` : '';
    const foot = `\n---\n\n${footnote(results)
      .map((l) => `- ${l}`)
      .join('\n')}\n`;
    const lead = leadingWarnings(results);
    const leadBlock = lead.length ? `\n> **Read these first**\n>\n${lead.map((l) => `> - ${l}`).join('\n')}\n` : '';
    const verdict = [...verdictLines(analysis).map((l) => `**Verdict:** ${l}`), ...sweepLines(results)];
    const verdictBlock = verdict.length ? `\n${verdict.join('\n\n')}\n` : '';
    return `${title}${leadBlock}${verdictBlock}${chartLinks}\n${documentTables(results, analysis).map(renderMarkdown).join('\n')}${foot}`;
  },
};
