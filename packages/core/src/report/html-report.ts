/**
 * report.html: one self-contained file (inline CSS, script and SVG; no network) that reads
 * well on screen and on paper. Built with the escaping html template, under a
 * Content-Security-Policy that allows only the shipped style and script, by hash.
 */
import { createHash } from 'node:crypto';
import type { Attribution, Download, RequestEvent } from '../model';
import { formatDisplayTime, isoUtc } from './display-time';
import { html, SafeHtml, type HtmlValue } from './html-template';
import type { ActorSection, PackContent } from './pack-content';
import { displayTime, keyFacts, limitationSections, methodologySections, type TextSection } from './pack-text';
import { anonymityOf } from './pack-tables';
import { REPORT_CSS, REPORT_SCRIPT } from './report-style';
import { KIND_LABELS, renderTimelineChart } from './timeline-chart';

/** Rows shown per table and sections per page; the CSV/JSONL files always hold everything. */
export const MAX_HTML_ROWS = 2000;
export const MAX_ACTOR_SECTIONS = 200;
const MAX_ACTOR_EVENTS = 50;

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The policy: nothing may load, only our style and script may apply. */
export function reportContentSecurityPolicy(): string {
  return `default-src 'none'; style-src ${cspHash(REPORT_CSS)}; script-src ${cspHash(REPORT_SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
}

function attributionText(a: Attribution | null): string {
  if (a === null) return '';
  if (a.reserved !== null) return `not looked up (${a.reserved})`;
  return [a.countryCode, a.city].filter((v) => v !== null).join(', ');
}

function networkText(a: Attribution | null): string {
  if (a === null) return '';
  return [a.asn === null ? null : `AS${a.asn}${a.asOrg === null ? '' : ` ${a.asOrg}`}`, a.network === null ? null : `known: ${a.network}`, anonymityOf(a)]
    .filter((v) => v !== null)
    .join(' · ');
}

function citation(r: RequestEvent): SafeHtml {
  return html`<span class="mono" title="${`${r.source.file} sha256 ${r.source.sha256}`}">${r.source.sha256.slice(0, 12)}:${r.source.line}</span>`;
}

function truncatedNote(shown: number, total: number, file: string): SafeHtml | null {
  return shown < total ? html`<p class="note">${`Showing the first ${shown} of ${total}; ${file} holds them all.`}</p>` : null;
}

function sectionsHtml(sections: readonly TextSection[]): SafeHtml {
  return html`${sections.map((s) => html`<h3>${s.title}</h3>${s.paragraphs.map((p) => html`<p>${p}</p>`)}${s.items.length > 0 ? html`<ul>${s.items.map((i) => html`<li>${i}</li>`)}</ul>` : null}`)}`;
}

function downloadsTable(content: PackContent, downloads: readonly Download[], id: string | null): SafeHtml {
  const zone = content.displayZone;
  const showPath = content.downloads.matchedPaths.length > 1;
  return html`<table${id === null ? '' : new SafeHtml(` id="${id}"`)}><thead><tr><th class="num">#</th>${showPath ? html`<th>File</th>` : null}<th>Time</th><th>Client</th><th>User agent</th><th class="num">Req.</th><th class="num">Bytes</th><th>Complete</th><th>Location and network</th><th>Log lines</th></tr></thead><tbody>
${downloads.slice(0, MAX_HTML_ROWS).map((d) => html`<tr><td class="num">${d.number}</td>${showPath ? html`<td class="wrap">${d.path}</td>` : null}<td class="time">${formatDisplayTime(d.startMs, zone)}${d.endMs === d.startMs ? null : html`<br><span class="note">${`to ${formatDisplayTime(d.endMs, zone)}`}</span>`}</td><td class="mono">${d.clientIp}</td><td class="wrap">${d.userAgent ?? ''}</td><td class="num">${d.requests.length}</td><td class="num">${d.bytes.toLocaleString('en')}</td><td class="${d.complete ? 'yes' : 'no'}">${d.complete ? `yes (${d.rule})` : 'no'}</td><td>${attributionText(d.attribution)}${d.attribution === null ? null : html`<br><span class="note">${networkText(d.attribution)}</span>`}</td><td class="refs">${d.requests.slice(0, 6).map((r) => html`${citation(r)} `)}${d.requests.length > 6 ? `+${d.requests.length - 6}` : ''}</td></tr>
`)}</tbody></table>${truncatedNote(Math.min(downloads.length, MAX_HTML_ROWS), downloads.length, 'downloads.csv')}`;
}

function eventsTable(content: PackContent, events: PackContent['timeline']['events'], id: string | null, limit: number, showClient = true): SafeHtml {
  const zone = content.displayZone;
  return html`<table${id === null ? '' : new SafeHtml(` id="${id}"`)}><thead><tr><th>Time</th><th>What</th>${showClient ? html`<th>Client</th>` : null}<th>Request</th><th class="num">Status</th><th class="num">Bytes</th><th>User agent</th><th>Referrer</th><th>Log line</th></tr></thead><tbody>
${events.slice(0, limit).map((e) => html`<tr><td class="time">${formatDisplayTime(e.timeMs, zone)}</td><td>${KIND_LABELS[e.kind]}</td>${showClient ? html`<td class="mono">${e.request.clientIp}</td>` : null}<td class="wrap">${`${e.request.method ?? ''} ${e.request.target ?? e.request.path ?? ''}`}</td><td class="num">${e.request.status ?? ''}</td><td class="num">${e.request.bytes === null ? '' : e.request.bytes.toLocaleString('en')}</td><td class="wrap">${e.request.userAgent ?? ''}</td><td class="wrap">${e.request.referrer ?? ''}</td><td>${citation(e.request)}</td></tr>
`)}</tbody></table>${truncatedNote(Math.min(events.length, limit), events.length, 'timeline.csv')}`;
}

function actorHtml(content: PackContent, actor: ActorSection): SafeHtml {
  const a = actor.attribution;
  const profile = actor.profile;
  const crawlerNotes = profile?.userAgents.flatMap((ua) => (ua.crawler === null ? [] : [ua.crawler.explanation])) ?? [];
  const facts: [string, HtmlValue][] = [
    ['Seen (target)', `${displayTime(content, actor.firstMs)} to ${displayTime(content, actor.lastMs)}`],
    ['Downloads', actor.downloads.length === 0 ? 'none' : html`${actor.downloads.map((d) => html`<div>${`#${d.number} ${d.complete ? 'complete' : 'incomplete'}: ${d.ruleDetail}`}</div>`)}`],
    ['Requests for the target', String(actor.events.length)],
    ['User agents', actor.userAgents.length === 0 ? 'none logged' : html`${actor.userAgents.map((ua) => html`<div class="wrap">${ua}</div>`)}`],
    ['Location', a === null ? 'not attributed' : attributionText(a) || 'unknown'],
    ['Network', a === null ? 'not attributed' : networkText(a) || 'unknown'],
  ];
  if (crawlerNotes.length > 0) facts.push(['Crawler check', html`${crawlerNotes.map((note) => html`<div>${note}</div>`)}`]);
  if (profile !== null) {
    facts.push(['All activity', profile.narrative]);
    if (profile.topPaths.length > 0) {
      facts.push(['Most requested', html`${profile.topPaths.map((p) => html`<div class="wrap">${`${p.path ?? '(no path)'}: ${p.requests} request(s), ${p.bytes.toLocaleString('en')} bytes`}</div>`)}`]);
    }
  }
  return html`<section class="actor"><h3>${actor.ip}</h3><dl class="meta">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${eventsTable(content, actor.events, null, MAX_ACTOR_EVENTS, false)}</section>`;
}

/** The complete report.html text. */
export function renderHtmlReport(content: PackContent): string {
  const p = content.provenance;
  const zone = content.displayZone;
  const chart = renderTimelineChart(content);
  const e = content.timeline.exposure;
  const discovery = content.timeline.discovery;
  const meta: [string, string][] = [
    ['Case reference', p.caseRef ?? 'not given'],
    ['Examiner', p.examiner ?? 'not given'],
    ['Generated', `${formatDisplayTime(content.generatedAtMs, zone)} (${isoUtc(content.generatedAtMs)})`],
    ['Tool', `${p.tool.name} ${p.tool.version}`],
    ['Times shown in', zone],
  ];
  const body = html`<header class="cover"><p class="kicker">Access-log evidence report</p><h1>${content.target}</h1>
<dl class="meta">${meta.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></header>
<main>
<section id="summary"><h2>Summary</h2><p class="narrative" id="narrative">${content.timeline.narrative}</p>
<dl class="facts">${keyFacts(content).slice(1).map((f) => html`<div class="fact"><dt>${f.label}</dt><dd>${f.value}</dd></div>`)}</dl></section>
<section id="exposure"><h2>Exposure window and timeline</h2>
<p>${e.firstSuccessMs === null ? 'No successful response for the target was found in the logs.' : `The target was first served at ${displayTime(content, e.firstSuccessMs)} and last served at ${displayTime(content, e.lastSuccessMs)}. ${e.closedAtMs === null ? 'No refusal after the last success was seen: the logs do not show the exposure being closed.' : `The first refusal afterwards (status ${e.closedBy?.status ?? '?'}) came at ${displayTime(content, e.closedAtMs)}.`}`}</p>
${discovery === null ? null : html`<p>${`Discovery: the first client to obtain the target was ${discovery.first.clientIp}${discovery.referrer === null ? ' (no referrer logged)' : `, referred by ${discovery.referrer}`}, with ${discovery.before.length} other request(s) from it in the hour before.`}</p>`}
${chart ?? html`<p class="note">No requests for the target to chart.</p>`}</section>
<section id="downloads"><h2>Downloads</h2>
${content.downloads.downloads.length === 0 ? html`<p>No downloads of the target were found.</p>` : html`<input class="filter" type="search" placeholder="Filter downloads…" aria-label="Filter downloads" data-table="downloads-table">${downloadsTable(content, content.downloads.downloads, 'downloads-table')}`}
${content.downloads.nearMisses.length === 0 ? null : html`<h3>Similar paths also requested</h3><table><thead><tr><th>Path</th><th class="num">Requests</th><th class="num">Successful</th></tr></thead><tbody>${content.downloads.nearMisses.map((n) => html`<tr><td class="wrap">${n.path}</td><td class="num">${n.requests}</td><td class="num">${n.successes}</td></tr>`)}</tbody></table>`}</section>
<section id="events"><h2>All requests for the target</h2>
<input class="filter" type="search" placeholder="Filter requests…" aria-label="Filter requests" data-table="events-table">
${eventsTable(content, content.timeline.events, 'events-table', MAX_HTML_ROWS)}</section>
<section id="actors"><h2>Clients</h2><p class="note">One section per client address, first seen first. An address is a network connection, not a person (see Limitations).</p>
${content.actors.slice(0, MAX_ACTOR_SECTIONS).map((a) => actorHtml(content, a))}
${truncatedNote(Math.min(content.actors.length, MAX_ACTOR_SECTIONS), content.actors.length, 'timeline.csv')}</section>
<section id="methodology"><h2>Methodology</h2>${sectionsHtml(methodologySections(content))}</section>
<section id="limitations"><h2>Limitations</h2>${sectionsHtml(limitationSections(content))}</section>
<section id="sources"><h2>Sources</h2><table><thead><tr><th>File</th><th>SHA-256</th><th>Format</th><th class="num">Lines</th><th class="num">Parsed</th><th class="num">Rejected</th><th>First</th><th>Last</th><th>Status</th></tr></thead><tbody>
${content.sources.map((s) => html`<tr><td class="wrap">${s.path}</td><td class="mono wrap">${s.sha256}</td><td>${s.format}</td><td class="num">${s.lines}</td><td class="num">${s.parsed}</td><td class="num">${s.rejected}</td><td>${displayTime(content, s.firstTimeMs)}</td><td>${displayTime(content, s.lastTimeMs)}</td><td>${s.status}</td></tr>`)}</tbody></table></section>
<section id="provenance"><h2>Provenance</h2><dl class="meta">
<dt>Command</dt><dd class="mono">${p.commandLine === null ? 'library call' : ['logwitness', ...p.commandLine].map(shellQuote).join(' ')}</dd>
<dt>Analysis options</dt><dd class="mono">${JSON.stringify(p.analysisOptions)}</dd>
<dt>Geo databases</dt><dd>${p.geoDatabases.length === 0 ? 'none' : html`${p.geoDatabases.map((db) => html`<div>${`${db.databaseType}, built ${db.buildDate.slice(0, 10)}: ${db.file}`} <span class="mono">${db.sha256}</span></div>`)}`}</dd>
<dt>Known networks</dt><dd>${p.knownNetworks === null ? 'none' : html`${p.knownNetworks.file} <span class="mono">${p.knownNetworks.sha256}</span>`}</dd>
<dt>Node.js</dt><dd>${`${p.tool.node} on ${p.tool.platform}`}</dd></dl></section>
</main>
<footer>${`Generated by ${p.tool.name} ${p.tool.version}. manifest.json in this evidence pack lists the SHA-256 of this file and every other; check the pack with "logwitness verify". Every finding cites the source file SHA-256 and line; evidence-lines.log holds those lines verbatim.`}</footer>`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportContentSecurityPolicy()}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${p.tool.name} ${p.tool.version}">
<title>${html`Evidence report: ${content.target}`.text}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${body.text}
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** Quote an argument for display as a POSIX shell word. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
