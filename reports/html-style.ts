/** report.html's stylesheet, inline so the page needs no network; readable on screen and on paper. */
export const REPORT_CSS = `
:root { --pass: #1a7f37; --fail: #cf222e; --error: #bc4c00; --skip: #6e7781; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 12px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 0 0 6px; }
h4 { font-size: 15px; margin: 14px 0 6px; }
h5 { font-size: 13px; margin: 8px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { margin: 0; padding: 10px 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.curl { background: #0d1117; color: #e6edf3; border-color: #0d1117; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.verdict { margin: 20px 0 8px; padding: 18px 24px; border-radius: 10px; color: #fff; display: flex; align-items: center; gap: 24px; flex-wrap: wrap; }
.verdict.pass { background: var(--pass); }
.verdict.fail { background: var(--fail); }
.verdict.incomplete { background: var(--error); }
.verdict .skips { margin-top: 8px; font-size: 15px; }
.verdict .skip-reasons { margin: 4px 0 0; padding-left: 20px; font-size: 14px; }
.verdict .word { font-size: 44px; font-weight: 800; letter-spacing: .06em; line-height: 1; }
.verdict p { margin: 0; font-size: 17px; }
.verdict .counts { font-size: 14px; opacity: .92; }
nav { margin: 10px 0 0; font-size: 14px; }
nav a { margin-right: 14px; color: #0969da; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 700; white-space: nowrap; }
.status.pass { color: var(--pass); } .status.fail { color: var(--fail); } .status.error { color: var(--error); } .status.skip { color: var(--skip); }
.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 700; color: #fff; vertical-align: 2px; text-transform: uppercase; }
.sev-critical { background: #8b0000; } .sev-high { background: var(--fail); } .sev-medium { background: #9a6700; } .sev-low { background: var(--skip); }
.check { border: 1px solid var(--line); border-left: 6px solid var(--fail); border-radius: 8px; padding: 14px 18px; margin: 0 0 18px; break-inside: avoid; }
.check.error { border-left-color: var(--error); }
.check.known { border-left-color: var(--skip); }
.check.finding { border-left-color: #0969da; }
.check-meta { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
.message { font-weight: 600; margin: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
@media (max-width: 800px) { .exchange { grid-template-columns: 1fr; } }
.coverage-figures { font-size: 18px; margin: 0 0 12px; }
.coverage-figures strong { font-size: 26px; }
table.grid td.cell, table.grid th.endpoint { text-align: center; font-weight: 700; width: 130px; white-space: nowrap; }
.cell.verified { background: #dafbe1; color: var(--pass); } .cell.failed { background: #ffebe9; color: var(--fail); }
.cell.error { background: #fff1e5; color: var(--error); } .cell.skipped { background: #eaeef2; color: var(--skip); }
.cell.not-run { color: var(--fail); } .cell.undocumented { color: #afb8c1; font-weight: 400; }
.legend { font-size: 13px; color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; font-size: 13px; color: var(--muted); }
@media print { nav { display: none; } .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;
