/**
 * summary.md, methodology.md and limitations.md. Every value that came from a log or a file
 * name goes through escapeMarkdown; the fixed prose is ours.
 */
import { formatDisplayTime } from './display-time';
import type { PackContent } from './pack-content';
import { displayTime, keyFacts, limitationSections, methodologySections, type TextSection } from './pack-text';
import { anonymityOf } from './pack-tables';
import { escapeMarkdown as md } from './safe-text';

/** Rows listed in summary.md; the CSV files hold everything. */
export const MAX_SUMMARY_ROWS = 200;

function renderSections(title: string, sections: readonly TextSection[]): string {
  const out = [`# ${md(title)}`, ''];
  for (const s of sections) {
    out.push(`## ${md(s.title)}`, '');
    for (const paragraph of s.paragraphs) out.push(md(paragraph), '');
    if (s.items.length > 0) out.push(...s.items.map((item) => `- ${md(item)}`), '');
  }
  return out.join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(md).join(' | ')} |`)];
}

export function methodologyMarkdown(content: PackContent): string {
  return renderSections(`Methodology: ${content.target}`, methodologySections(content));
}

export function limitationsMarkdown(content: PackContent): string {
  return renderSections(`Limitations: ${content.target}`, limitationSections(content));
}

export function summaryMarkdown(content: PackContent): string {
  const p = content.provenance;
  const out = [`# Evidence pack: ${md(content.target)}`, ''];
  out.push(`Generated ${md(formatDisplayTime(content.generatedAtMs, content.displayZone))} by ${md(`${p.tool.name} ${p.tool.version}`)}` +
    `${p.examiner === null ? '' : `; examiner: ${md(p.examiner)}`}${p.caseRef === null ? '' : `; case reference: ${md(p.caseRef)}`}.`, '');
  out.push('## Summary', '', md(content.timeline.narrative), '');
  out.push(...table(['Fact', 'Value'], keyFacts(content).map((f) => [f.label, f.value])), '');
  const discovery = content.timeline.discovery;
  if (discovery !== null) {
    out.push('## Discovery', '', md(`The first successful client was ${discovery.first.clientIp} at ${displayTime(content, discovery.first.timeMs)}` +
      `${discovery.referrer === null ? ', with no referrer' : `, referred by ${discovery.referrer}`}; it made ${discovery.before.length} other request(s) in the hour before.`), '');
  }
  out.push('## Downloads', '');
  if (content.downloads.downloads.length === 0) out.push('No downloads of the target were found.', '');
  else {
    out.push(...table(
      ['#', 'Start', 'Client', 'User agent', 'Bytes', 'Complete', 'Country', 'AS', 'Network'],
      content.downloads.downloads.slice(0, MAX_SUMMARY_ROWS).map((d) => [
        String(d.number), displayTime(content, d.startMs), d.clientIp, d.userAgent ?? '', String(d.bytes), d.complete ? `yes (${d.rule})` : 'no',
        d.attribution?.countryCode ?? '', d.attribution?.asn === null || d.attribution?.asn === undefined ? '' : `AS${d.attribution.asn} ${d.attribution.asOrg ?? ''}`.trim(),
        [d.attribution?.network, d.attribution === null ? null : anonymityOf(d.attribution)].filter((x) => x != null).join('; '),
      ]),
    ), '');
    if (content.downloads.downloads.length > MAX_SUMMARY_ROWS) out.push(`The first ${MAX_SUMMARY_ROWS} of ${content.downloads.downloads.length} downloads are listed; downloads.csv holds them all.`, '');
  }
  out.push('## Clients', '');
  if (content.actors.length > MAX_SUMMARY_ROWS) out.push(`The first ${MAX_SUMMARY_ROWS} of ${content.actors.length} clients are listed; timeline.csv holds every request.`, '');
  for (const actor of content.actors.slice(0, MAX_SUMMARY_ROWS)) {
    out.push(`- ${md(actor.ip)}: ${actor.downloads.length} download(s), ${actor.events.length} request(s) for the target, ${md(displayTime(content, actor.firstMs))} to ${md(displayTime(content, actor.lastMs))}` +
      `${actor.userAgents.length === 0 ? '' : `; user agent(s): ${actor.userAgents.map(md).join('; ')}`}`);
  }
  out.push('', '## Files in this pack', '',
    '- report.html: the full report (open in a browser; prints cleanly)',
    '- downloads.csv, timeline.csv, events.jsonl: the findings as data (events.jsonl uses ECS field names and loads into Timesketch)',
    '- evidence-lines.log: every cited log line, verbatim, with file SHA-256 and line number',
    '- sources.csv, provenance.json: what was examined, with which tools, data and options',
    '- methodology.md, limitations.md: how the findings were reached and what they cannot show',
    '- manifest.json: SHA-256 of every file (check with: logwitness verify PACK)', '');
  return out.join('\n');
}
