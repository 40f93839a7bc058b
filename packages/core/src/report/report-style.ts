/**
 * The CSS and script shipped inside report.html. The Content-Security-Policy allows exactly
 * these two blocks (by hash) and nothing else: no network, no other script, no inline
 * style attributes, so nothing that came from a log can run or load.
 */
export const REPORT_CSS = `
:root { --ink: #1d2430; --muted: #5b6576; --line: #d9dee7; --panel: #f5f7fa; --accent: #1f4e8c; --warn: #9a3412; }
* { box-sizing: border-box; }
html { font: 14px/1.5 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: var(--ink); background: #fff; }
body { margin: 0 auto; max-width: 1080px; padding: 28px 32px 60px; }
header.cover { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 22px; }
header.cover .kicker { text-transform: uppercase; letter-spacing: .12em; font-size: 11px; color: var(--muted); margin: 0; }
header.cover h1 { margin: 4px 0 6px; font-size: 24px; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); color: var(--accent); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.narrative { font-size: 16px; background: var(--panel); border-left: 4px solid var(--accent); padding: 12px 16px; margin: 0 0 16px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 0; }
.fact { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.fact dt { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.fact dd { margin: 2px 0 0; font-size: 15px; font-weight: 600; word-break: break-word; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 5px 7px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { overflow-wrap: anywhere; min-width: 10em; }
td.refs .mono { display: inline-block; }
td.time { white-space: nowrap; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.yes { color: #166534; font-weight: 600; } .no { color: var(--warn); }
.note { color: var(--muted); font-size: 12.5px; }
.warning { border: 1px solid #f1c8a7; background: #fff7ed; padding: 10px 14px; border-radius: 6px; }
.actor { border: 1px solid var(--line); border-radius: 6px; padding: 4px 14px 8px; margin: 10px 0; break-inside: avoid; }
.actor h3 { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.filter { margin: 4px 0; padding: 5px 8px; width: 320px; max-width: 100%; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
.timeline-chart { display: block; margin: 8px 0 4px; }
.timeline-chart .lane { fill: #fbfcfd; } .timeline-chart .lane.odd { fill: #f1f4f8; }
.timeline-chart .lane-label, .timeline-chart .tick-label, .timeline-chart .closed-label { font: 11px "DejaVu Sans Mono", Menlo, monospace; fill: var(--muted); }
.timeline-chart .closed-label { fill: var(--warn); font-weight: 600; }
.timeline-chart .tick { stroke: #e3e7ee; } .timeline-chart .axis { stroke: #9aa4b2; }
.exposure { fill: #fde68a; fill-opacity: .45; }
.closed { stroke: var(--warn); stroke-width: 2; stroke-dasharray: 4 3; }
.download-bar { fill: #93c5fd; } .download-bar.complete { fill: #1d4ed8; }
.event { stroke: #fff; stroke-width: 1; }
.kind-download { fill: #1d4ed8; } .kind-partial-download { fill: #60a5fa; } .kind-probe { fill: #7c3aed; }
.kind-revalidation { fill: #0d9488; } .kind-denied { fill: #dc2626; } .kind-server-error { fill: #ea580c; }
.kind-refused-after-fix { fill: #991b1b; } .kind-other { fill: #6b7280; }
ul.legend { list-style: none; padding: 0; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--muted); }
td .note { font-size: inherit; }
footer { margin-top: 40px; border-top: 1px solid var(--line); padding-top: 10px; font-size: 12px; color: var(--muted); }
@media print {
  html { font-size: 11px; } body { max-width: none; padding: 0; }
  code, .mono { font-size: 9.5px; } td.time { white-space: normal; min-width: 8em; } th, td { padding: 4px 5px; } .timeline-chart .lane-label { font-size: 10px; }
  header.cover h1 { font-size: 19px; } p.narrative { font-size: 13px; } .fact dd { font-size: 12px; } table { font-size: 10.5px; }
  .filter { display: none; }
  h2 { break-after: avoid; } tr, .fact, .actor, .timeline-chart { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 16mm 14mm; }
`;

/** Type-to-filter for the long tables; the report reads fine without it (and in print). */
export const REPORT_SCRIPT = `
document.querySelectorAll('input.filter').forEach(function (input) {
  var table = document.getElementById(input.getAttribute('data-table'));
  if (!table) return;
  input.addEventListener('input', function () {
    var needle = input.value.toLowerCase();
    table.querySelectorAll('tbody tr').forEach(function (row) {
      row.hidden = needle !== '' && row.textContent.toLowerCase().indexOf(needle) === -1;
    });
  });
});
`;
