/** The dashboard's inline style sheet: system fonts, plain tables, status badges, chart strokes. */
export const DASHBOARD_CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--pass:#1a7f37;--fail:#cf222e;--skip:#9a6700;--cache:#0969da}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1180px;padding:16px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
a.self{color:inherit;text-decoration:none}a.self:hover{text-decoration:underline}
code,pre{font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr:target{background:#fff8c5}
.facts{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0}.facts div{display:flex;gap:6px}.facts dt{color:var(--muted)}.facts dd{margin:0}
.totals{margin:4px 0;font-size:15px}.passed{color:var(--pass)}.failed{color:var(--fail)}
nav ul{list-style:none;padding:0;margin:12px 0;display:flex;flex-wrap:wrap;gap:6px 14px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid currentColor;vertical-align:middle}
.badge.passed,.badge.resolved,.badge.committed{color:var(--pass)}.badge.failed,.badge.error,.badge.open,.badge.aborted,.badge.interrupted{color:var(--fail)}
.badge.skipped,.badge.warn,.badge.todo,.badge.running,.badge.writing{color:var(--skip)}.badge.cached{color:var(--cache)}
.muted{color:var(--muted)}details.failure{margin:8px 0}details.failure summary{cursor:default}
blockquote{margin:4px 0;padding:4px 12px;border-left:4px solid var(--line)}ol.questions li{margin-bottom:10px}
figure{margin:0}.charts{display:flex;flex-wrap:wrap;gap:12px 24px;margin:12px 0}svg.chart{max-width:100%;height:auto;background:#fff}
svg .grid{stroke:#e5e8eb}svg .axis{stroke:#57606a}svg text{font-family:system-ui,"Liberation Sans",sans-serif;fill:#1b1f24}
svg .tick{font-size:11px;fill:#57606a}svg .nan{stroke:#cf222e;stroke-width:2}svg .chart-title{font-size:13px;font-weight:600}svg .axis-label{font-size:12px;fill:#57606a}svg .legend{font-size:12px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`
  .trim()
  .replace(/\n/g, '')
