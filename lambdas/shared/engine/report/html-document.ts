/** The HTML report's fixed parts: escaping, the inline style sheet and the filter script. No external asset. */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Nothing may load from anywhere: inline style and script only, images as data: URIs. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

export const STYLE = `
:root{--crit:#7f1d1d;--high:#b91c1c;--med:#b45309;--low:#0e7490;--info:#6b7280;--bg:#f8fafc;--line:#e2e8f0}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:var(--bg);color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}header p{margin:0;color:#cbd5e1}
main{padding:16px 24px}section{margin:0 0 28px}h2{font-size:17px;margin:0 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-left:6px solid #16a34a;border-radius:6px;padding:10px 14px}
.card.has-findings{border-left-color:var(--high)}.card.not-checked{border-left-color:var(--info)}
.card .count{font-size:26px;font-weight:700}.card .label{text-transform:uppercase;font-size:12px;color:#475569}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}th{background:#f1f5f9;font-weight:600}
.sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase}
.sev-critical{background:var(--crit)}.sev-high{background:var(--high)}.sev-medium{background:var(--med)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.filters{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 10px;align-items:center}.filters label{font-size:13px}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}pre{background:#f1f5f9;padding:6px 8px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
details summary{cursor:pointer;color:#334155}
.layers{display:grid;grid-template-columns:repeat(3,1fr);gap:0;border:1px solid var(--line);background:#fff;margin:0 0 14px}
.layers>div{padding:8px 12px;border-right:1px solid var(--line)}.layers>div:last-child{border-right:0}
.layers h4{margin:0 0 6px;font-size:13px}.layers .differs{background:#fef2f2}.layers .agrees{background:#f0fdf4}
.policy h3{font-size:15px;margin:10px 0 6px}.expected{color:#166534}.actual{color:#991b1b}
.verdict-allow{color:#166534;font-weight:600}.verdict-deny{color:#991b1b;font-weight:600}.verdict-unknown{color:#6b7280;font-weight:600}
.muted{color:#64748b}svg text{font-size:11px;fill:#334155}
`;

/** Shows the findings rows whose data-* attributes match every chosen filter, and counts them. */
export const FILTER_SCRIPT = `
(function () {
  var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var match = selects.every(function (select) {
        return select.value === '' || row.getAttribute('data-' + select.getAttribute('data-filter')) === select.value;
      });
      row.hidden = !match;
      if (match) shown += 1;
    });
    document.getElementById('shown-count').textContent = String(shown);
  }
  selects.forEach(function (select) { select.addEventListener('change', apply); });
  apply();
})();
`;

export function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    `<script>${FILTER_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
