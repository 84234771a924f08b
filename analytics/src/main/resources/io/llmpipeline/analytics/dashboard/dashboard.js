// The dashboard: reads api/* (relative, so it works wherever the handler is mounted) every 5 s.
const PALETTE = ['#3b5bdb', '#2b8a3e', '#e67700', '#c2255c', '#1098ad', '#7048e8', '#868e96'];
const charts = {};

const usd = micros => {
  const dollars = Number(micros) / 1e6;
  if (dollars === 0) return '$0';
  if (Math.abs(dollars) < 0.01) return '$' + dollars.toFixed(6);
  return '$' + dollars.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
};
const count = n => Number(n).toLocaleString('en-US');
const ms = n => n >= 1000 ? (n / 1000).toFixed(2) + ' s' : n + ' ms';
const timeLabel = (t, bucketMs) => bucketMs >= 3600000
  ? new Date(t).toISOString().substring(5, 13).replace('T', ' ') + 'h'
  : new Date(t).toISOString().substring(11, bucketMs < 60000 ? 19 : 16);
const bucketName = ms => ms >= 3600000 ? 'hourly' : ms >= 60000 ? 'per ' + ms / 60000 + ' min' : 'per ' + ms / 1000 + ' s';
const el = id => document.getElementById(id);
const text = (tag, value, cls) => { const e = document.createElement(tag); e.textContent = value; if (cls) e.className = cls; return e; };

async function get(path) {
  const response = await fetch(path, {cache: 'no-store'});
  if (!response.ok) throw new Error(path + ': ' + response.status);
  return response.json();
}

function summary(s) {
  el('kpi-today').textContent = usd(s.spend_today_micros);
  el('kpi-total').textContent = usd(s.spend_micros);
  el('kpi-total').dataset.micros = s.spend_micros;
  el('kpi-total-sub').textContent = 'shadow ' + usd(s.shadow_micros) + ' · failed but billed ' + usd(s.failed_billed_micros);
  el('kpi-requests').textContent = count(s.requests);
  el('kpi-requests-sub').textContent = count(s.attempts) + ' attempts · ' + count(s.tokens) + ' tokens';
  el('kpi-success').textContent = s.attempts ? (100 * s.successes / s.attempts).toFixed(1) + '%' : '–';
  el('kpi-success-sub').textContent = count(s.successes) + ' of ' + count(s.attempts) + ' attempts';
  el('kpi-p95').textContent = ms(s.p95_latency_ms);
  el('kpi-saved').textContent = usd(s.saved_micros);
  el('kpi-saved-sub').textContent = count(s.cache_hits) + ' cache hits of ' + count(s.results) + ' results';
  el('updated').textContent = 'updated ' + new Date(s.generated_at_ms).toISOString().replace('T', ' ').substring(0, 19) + ' UTC';
}

function stacked(id, data) {
  const datasets = data.series.map((s, i) => ({
    label: s.name, data: s.micros.map(m => m / 1e6), backgroundColor: PALETTE[i % PALETTE.length], borderWidth: 0,
  }));
  const labels = data.bucket_start_ms.map(t => timeLabel(t, data.bucket_ms));
  const canvas = el(id);
  el(id + '-buckets').textContent = bucketName(data.bucket_ms);
  canvas.dataset.series = data.series.map(s => s.name).join(',');
  canvas.dataset.totalMicros = data.series.reduce((a, s) => a + s.micros.reduce((x, y) => x + y, 0), 0);
  if (charts[id]) {
    charts[id].data.labels = labels; charts[id].data.datasets = datasets; charts[id].update('none'); return;
  }
  charts[id] = new Chart(canvas, {
    type: 'bar', data: {labels, datasets},
    options: {
      animation: false, maintainAspectRatio: false,
      scales: {x: {stacked: true, ticks: {maxTicksLimit: 12, font: {size: 10}}, grid: {display: false}},
               y: {stacked: true, ticks: {callback: v => '$' + v}}},
      plugins: {legend: {position: 'bottom', labels: {boxWidth: 12}},
                tooltip: {callbacks: {label: c => c.dataset.label + ': ' + usd(Math.round(c.raw * 1e6))}}},
    },
  });
}

function throughput(rows) {
  const bucketMs = rows.length ? rows[0].bucket_size_ms : 60000;
  el('chart-throughput-buckets').textContent = 'last hour, ' + bucketName(bucketMs);
  const labels = rows.map(r => timeLabel(r.bucket_ms, bucketMs));
  const datasets = [
    {type: 'bar', label: 'attempts', data: rows.map(r => r.attempts), backgroundColor: 'rgba(59,91,219,.35)', yAxisID: 'y'},
    {type: 'line', label: 'p50 ms', data: rows.map(r => r.p50_ms), borderColor: '#2b8a3e', backgroundColor: '#2b8a3e', yAxisID: 'ms', tension: .3},
    {type: 'line', label: 'p95 ms', data: rows.map(r => r.p95_ms), borderColor: '#e67700', backgroundColor: '#e67700', yAxisID: 'ms', tension: .3},
  ];
  el('chart-throughput').dataset.attempts = rows.reduce((a, r) => a + r.attempts, 0);
  if (charts.throughput) {
    charts.throughput.data.labels = labels; charts.throughput.data.datasets = datasets; charts.throughput.update('none'); return;
  }
  charts.throughput = new Chart(el('chart-throughput'), {
    data: {labels, datasets},
    options: {animation: false, maintainAspectRatio: false,
      scales: {y: {position: 'left', title: {display: true, text: 'attempts'}},
               ms: {position: 'right', title: {display: true, text: 'latency ms'}, grid: {display: false}}},
      plugins: {legend: {position: 'bottom', labels: {boxWidth: 12}}}},
  });
}

function health(rows) {
  const body = el('health').tBodies[0];
  body.replaceChildren();
  el('health-empty').hidden = rows.length > 0;
  for (const h of rows) {
    const tr = document.createElement('tr');
    tr.append(text('td', h.model), text('td', h.provider));
    const state = document.createElement('td');
    state.append(text('span', h.breaker_state, 'badge ' + h.breaker_state));
    tr.append(state);
    tr.append(h.cooldown_remaining_s > 0 ? text('td', h.cooldown_remaining_s + ' s', 'cool') : text('td', '–'));
    tr.append(text('td', h.success_rate == null ? '–' : (100 * h.success_rate).toFixed(1) + '%', 'num'),
      text('td', h.p95_latency_ms == null ? '–' : ms(h.p95_latency_ms), 'num'), text('td', count(h.calls || 0), 'num'));
    if (h.reason) tr.title = h.reason;
    body.append(tr);
  }
}

function budgets(rows) {
  const box = el('budgets');
  box.replaceChildren();
  el('budgets-empty').hidden = rows.length > 0;
  for (const b of rows) {
    const share = Math.min(100, b.percent);
    const projected = Math.min(100, 100 * b.projected_micros / b.limit_micros);
    const div = document.createElement('div');
    div.className = 'budget' + (b.percent >= 95 ? ' hot' : b.percent >= 80 ? ' warm' : '');
    const head = document.createElement('div');
    head.className = 'head';
    head.append(text('span', b.scope + ' ' + b.key + ' · ' + b.window), text('span', usd(b.spent_micros) + ' of ' + usd(b.limit_micros) + ' (' + b.percent + '%)'));
    const bar = document.createElement('div');
    bar.className = 'bar';
    const proj = text('div', '', 'projected'); proj.style.width = projected + '%';
    const fill = text('div', '', 'fill'); fill.style.width = share + '%';
    bar.append(proj, fill);
    const note = text('div', 'burn ' + usd(b.burn_micros_per_hour) + '/h · projected ' + usd(b.projected_micros)
      + (b.exhausted_at ? ' · runs out ' + b.exhausted_at.replace('T', ' ').substring(0, 16) : ''), 'note');
    div.append(head, bar, note);
    box.append(div);
  }
}

function batches(data) {
  const body = el('batches').tBodies[0];
  body.replaceChildren();
  el('batches-empty').hidden = data.batches.length > 0;
  el('batches-empty').textContent = data.topic_exists ? 'No batches.' : 'No batches (no llm.batches topic on this cluster).';
  for (const b of data.batches) {
    const tr = document.createElement('tr');
    const status = b.status || b.state || '';
    const details = Object.entries(b).filter(([k]) => !['key', 'status', 'state'].includes(k))
      .slice(0, 6).map(([k, v]) => k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(' · ');
    tr.append(text('td', b.key), text('td', status), text('td', details));
    body.append(tr);
  }
}

function rankings(rows) {
  const body = el('rankings').tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.append(text('td', r.task_type), text('td', r.model), text('td', count(r.calls), 'num'),
      text('td', r.success_percent + '%', 'num'), text('td', r.tokens_per_usd == null ? '–' : count(r.tokens_per_usd), 'num'),
      text('td', r.output_tokens_per_s == null ? '–' : r.output_tokens_per_s, 'num'), text('td', ms(r.p95_latency_ms), 'num'));
    body.append(tr);
  }
}

function recommendations(rows) {
  const list = el('recommendations');
  list.replaceChildren();
  el('recommendations-empty').hidden = rows.length > 0;
  for (const r of rows) {
    const li = text('li', r.advice + ' ');
    li.append(text('span', 'saves ~' + usd(r.estimated_saving_micros), 'saving'));
    list.append(li);
  }
}

async function refresh() {
  const panels = [
    ['api/summary', summary], ['api/spend-by-tenant', d => stacked('chart-tenant', d)],
    ['api/spend-by-model', d => stacked('chart-model', d)], ['api/health', health], ['api/throughput', throughput],
    ['api/budgets', budgets], ['api/batches', batches], ['api/rankings', rankings], ['api/recommendations', recommendations],
  ];
  const outcomes = await Promise.allSettled(panels.map(async ([path, show]) => show(await get(path))));
  const failed = outcomes.filter(o => o.status === 'rejected').map(o => String(o.reason));
  if (failed.length) el('updated').textContent = 'errors: ' + failed.join('; ');
  document.body.dataset.ready = failed.length ? 'partial' : 'true';
}

refresh();
setInterval(refresh, 5000);
