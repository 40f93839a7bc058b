/**
 * The SVG timeline chart of the report: one lane per client, a mark per request for the
 * target (coloured by what it was), a bar per download, the exposure window shaded and the
 * closing refusal marked. Styling is by class only (the report's CSP allows no inline style
 * attributes); every label is escaped by the html template.
 */
import type { Download, TimelineEvent, TimelineEventKind } from '../model';
import { formatDisplayTime } from './display-time';
import { html, type SafeHtml } from './html-template';
import { timeRange, type PackContent } from './pack-content';

/** Lanes drawn; the remaining clients share one "other clients" lane. */
export const MAX_CHART_LANES = 24;
const WIDTH = 960;
const LABEL_WIDTH = 150;
const LANE_HEIGHT = 22;
const TOP = 34;
const AXIS_HEIGHT = 40;
const TICK_STEPS_MS = [60e3, 5 * 60e3, 15 * 60e3, 30 * 60e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3, 30 * 86400e3, 91 * 86400e3, 365 * 86400e3];

export const KIND_LABELS: Readonly<Record<TimelineEventKind, string>> = {
  download: 'download',
  'partial-download': 'partial download',
  probe: 'probe (HEAD)',
  revalidation: 'revalidation (304)',
  denied: 'denied (4xx)',
  'server-error': 'server error (5xx)',
  'refused-after-fix': 'refused after fix',
  other: 'other',
};

function shortTime(timeMs: number, zone: string): [string, string] {
  const text = formatDisplayTime(timeMs, zone);
  return [text.slice(0, 10), text.slice(11, 16)];
}

/** The chart, or null when there is nothing to draw. */
export function renderTimelineChart(content: PackContent): SafeHtml | null {
  const events = content.timeline.events;
  if (events.length === 0) return null;
  const zone = content.displayZone;
  const { firstMs: first, lastMs: last } = timeRange([...events.map((e) => e.timeMs), ...content.downloads.downloads.flatMap((d) => [d.startMs, d.endMs])])!;
  const pad = Math.max((last - first) * 0.03, 60e3);
  const start = first - pad;
  const end = last + pad;
  const plotWidth = WIDTH - LABEL_WIDTH - 40;
  const x = (timeMs: number): number => LABEL_WIDTH + ((timeMs - start) / (end - start)) * plotWidth;

  const lanes = content.actors.slice(0, MAX_CHART_LANES).map((a) => a.ip);
  const overflow = content.actors.length > MAX_CHART_LANES;
  const laneOf = new Map(lanes.map((ip, i) => [ip, i]));
  const laneCount = lanes.length + (overflow ? 1 : 0);
  const laneY = (ip: string): number => TOP + (laneOf.get(ip) ?? lanes.length) * LANE_HEIGHT + LANE_HEIGHT / 2;
  const height = TOP + laneCount * LANE_HEIGHT + AXIS_HEIGHT;
  const axisY = TOP + laneCount * LANE_HEIGHT;

  // One mark per lane, kind and pixel: the picture is the same, and the SVG stays small for cases with millions of requests.
  const marks = new Map<string, { event: TimelineEvent; count: number; cx: number; cy: number }>();
  for (const event of events) {
    const cx = Math.round(x(event.timeMs));
    const cy = laneY(event.request.clientIp);
    const key = `${cx}|${cy}|${event.kind}`;
    const mark = marks.get(key);
    if (mark === undefined) marks.set(key, { event, count: 1, cx, cy });
    else mark.count++;
  }

  const bars = new Map<string, { download: Download; count: number; x0: number; width: number; y: number }>();
  for (const download of content.downloads.downloads) {
    const x0 = Math.round(x(download.startMs));
    const width = Math.max(3, Math.round(x(download.endMs)) - x0);
    const y = laneY(download.clientIp);
    const key = `${x0}|${width}|${y}|${download.complete}`;
    const bar = bars.get(key);
    if (bar === undefined) bars.set(key, { download, count: 1, x0, width, y });
    else bar.count++;
  }

  const step = TICK_STEPS_MS.find((s) => (end - start) / s <= 8) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);

  const exposure = content.timeline.exposure;
  const shade =
    exposure.firstSuccessMs === null
      ? null
      : html`<rect class="exposure" x="${x(exposure.firstSuccessMs).toFixed(1)}" y="${TOP}" width="${Math.max(2, x(exposure.closedAtMs ?? exposure.lastSuccessMs ?? exposure.firstSuccessMs) - x(exposure.firstSuccessMs)).toFixed(1)}" height="${laneCount * LANE_HEIGHT}"><title>${`Exposure: first success ${formatDisplayTime(exposure.firstSuccessMs, zone)}${exposure.closedAtMs === null ? '' : `, closed ${formatDisplayTime(exposure.closedAtMs, zone)}`}`}</title></rect>`;
  const closed =
    exposure.closedAtMs === null
      ? null
      : html`<line class="closed" x1="${x(exposure.closedAtMs).toFixed(1)}" x2="${x(exposure.closedAtMs).toFixed(1)}" y1="${TOP - 6}" y2="${axisY}"/><text class="closed-label" x="${x(exposure.closedAtMs).toFixed(1)}" y="${TOP - 10}" text-anchor="middle">closed</text>`;

  return html`<svg class="timeline-chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">${`Timeline of ${events.length} requests for ${content.target} by ${content.actors.length} clients`}</title>
${lanes.map((ip, i) => html`<rect class="lane${i % 2 === 1 ? ' odd' : ''}" x="${LABEL_WIDTH}" y="${TOP + i * LANE_HEIGHT}" width="${plotWidth}" height="${LANE_HEIGHT}"/><text class="lane-label" x="${LABEL_WIDTH - 8}" y="${TOP + i * LANE_HEIGHT + 15}" text-anchor="end">${ip.length > 22 ? `${ip.slice(0, 21)}…` : ip}</text>`)}
${overflow ? html`<text class="lane-label" x="${LABEL_WIDTH - 8}" y="${TOP + lanes.length * LANE_HEIGHT + 15}" text-anchor="end">${`${content.actors.length - lanes.length} other clients`}</text>` : null}
${shade}
${ticks.map((t) => {
  const [day, time] = shortTime(t, zone);
  return html`<line class="tick" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${TOP}" y2="${axisY + 4}"/><text class="tick-label" x="${x(t).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${time}</text><text class="tick-label" x="${x(t).toFixed(1)}" y="${axisY + 30}" text-anchor="middle">${day}</text>`;
})}
<line class="axis" x1="${LABEL_WIDTH}" x2="${LABEL_WIDTH + plotWidth}" y1="${axisY}" y2="${axisY}"/>
${[...bars.values()].map(({ download: d, count, x0, width, y }) => html`<rect class="download-bar${d.complete ? ' complete' : ''}" x="${x0}" y="${y - 4}" width="${width}" height="8" rx="2"><title>${count === 1 ? `Download ${d.number}: ${d.clientIp}, ${d.bytes} bytes, ${d.complete ? 'complete' : 'incomplete'}, ${formatDisplayTime(d.startMs, zone)}` : `${count} downloads from ${formatDisplayTime(d.startMs, zone)}; the first: number ${d.number} by ${d.clientIp}`}</title></rect>`)}
${[...marks.values()].map(({ event: e, count, cx, cy }) => html`<circle class="event kind-${e.kind}" cx="${cx}" cy="${cy}" r="4"><title>${count === 1 ? `${formatDisplayTime(e.timeMs, zone)} ${e.request.clientIp} ${e.request.method ?? ''} ${e.request.status ?? ''}: ${e.description}` : `${count} requests (${KIND_LABELS[e.kind]}) from ${formatDisplayTime(e.timeMs, zone)}; the first: ${e.request.clientIp} ${e.description}`}</title></circle>`)}
${closed}
</svg>
<ul class="legend">${(Object.keys(KIND_LABELS) as TimelineEventKind[]).filter((k) => events.some((e) => e.kind === k)).map((k) => html`<li><svg width="12" height="12" aria-hidden="true"><circle class="event kind-${k}" cx="6" cy="6" r="5"/></svg> ${KIND_LABELS[k]}</li>`)}<li><svg width="18" height="12" aria-hidden="true"><rect class="download-bar complete" x="0" y="2" width="18" height="8" rx="2"/></svg> download (complete)</li><li><svg width="18" height="12" aria-hidden="true"><rect class="exposure" x="0" y="0" width="18" height="12"/></svg> exposure window</li></ul>`;
}
