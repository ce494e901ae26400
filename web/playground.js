// web/playground.js: the page's controls, the drawings (decision boundaries, curves, histograms, the trace of one
// backprop step), the URL parameters; the training itself runs in worker.js, one worker per run (A, and B when
// comparing). Plain JavaScript, no network.
'use strict';
const $ = (id) => document.getElementById(id);
// Run A's settings; B shares the data and seed (and weights, stop) and has its own layers, loss, optimizer, batch.
const FIELDS = ['data', 'n', 'classes', 'noise', 'arch', 'loss', 'opt', 'batch', 'seed', 'epochs', 'weights'];
const B_FIELDS = { arch2: 'arch', loss2: 'loss', opt2: 'opt', batch2: 'batch' };
const NUMERIC = new Set(['n', 'classes', 'noise', 'batch', 'seed', 'epochs', 'batch2']);
const COLOURS = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75],
  [227, 119, 194], [127, 127, 127]];
const SIX = (f) => Array(6).fill('dense:16,' + f).join(',');
// The lessons of docs/playground.md, and the worked logistic-regression example (examples/binary.c: w = (-1, 2),
// b = -2 on three points, losses 0.018, 0.127, 1.313).
const PRESETS = {
  logistic: { data: 'points:2,4,1;2,1,0;3,3,0', arch: '', loss: 'sigmoid-bce', opt: 'sgd:lr=0.1', batch: 3, seed: 1,
    epochs: 0, weights: '-1,2,-2', compare: false },
  'dying-relu': { data: 'moons', n: 200, noise: 0.1, arch: 'dense:16,relu,dense:16,relu', loss: 'softmax-xent',
    opt: 'sgd:lr=1,momentum=0.9', batch: 32, seed: 1, epochs: 30, weights: '', compare: true,
    arch2: 'dense:16,relu,dense:16,relu', loss2: 'softmax-xent', opt2: 'sgd:lr=0.1,momentum=0.9', batch2: 32 },
  vanishing: { data: 'spirals', n: 300, classes: 3, noise: 0.1, arch: SIX('sigmoid'), loss: 'softmax-xent',
    opt: 'sgd:lr=0.1', batch: 32, seed: 1, epochs: 100, weights: '', compare: false },
  selu: { data: 'spirals', n: 300, classes: 3, noise: 0.1, arch: SIX('sigmoid'), loss: 'softmax-xent',
    opt: 'sgd:lr=0.1', batch: 32, seed: 1, epochs: 100, weights: '', compare: true, arch2: SIX('selu'),
    loss2: 'softmax-xent', opt2: 'sgd:lr=0.1', batch2: 32 },
  'relu-selu': { data: 'moons', n: 200, noise: 0.1, arch: 'dense:16,relu,dense:16,relu', loss: 'softmax-xent',
    opt: 'adam:lr=0.01', batch: 32, seed: 1, epochs: 40, weights: '', compare: true,
    arch2: 'dense:16,selu,dense:16,selu', loss2: 'softmax-xent', opt2: 'adam:lr=0.01', batch2: 32 },
};
// nnlabWorker (nnlab-worker.js) is the worker's whole source: started from a blob, as file:// allows that.
const workerUrl = URL.createObjectURL(new Blob(['(' + nnlabWorker.toString() + ')()'], { type: 'text/javascript' }));
let playing = false;
let traced = null; // { run, point }: the point whose backprop step is shown, traced again after each update
let pendingTrace = -1; // ?trace=N: trace run A's point N once its data is there

function makeRun(name, suffix) {
  const r = { name, worker: new Worker(workerUrl), ready: false, playing: false, data: null, state: null,
    history: [], boundary: $('boundary' + suffix), status: $('status' + suffix), error: $('error' + suffix),
    layers: $('layers' + suffix), section: $('run' + name) };
  r.worker.onmessage = (e) => onMessage(r, e.data);
  r.boundary.addEventListener('click', (e) => clickPoint(r, e));
  return r;
}
const runs = [makeRun('A', ''), makeRun('B', 'B')];
const comparing = () => $('compare').checked;
const active = () => (comparing() ? runs : runs.slice(0, 1));

function config(r) {
  const c = {};
  for (const f of FIELDS) c[f] = NUMERIC.has(f) ? Number($(f).value) : $(f).value.trim();
  if (r.name === 'B') for (const [f, to] of Object.entries(B_FIELDS)) c[to] = NUMERIC.has(f) ? Number($(f).value) : $(f).value.trim();
  return c;
}

function setField(f, v) {
  if (f === 'compare') $('compare').checked = v === true || v === '1';
  else $(f).value = v;
}

function applyPreset(name) {
  const p = PRESETS[name];
  if (!p) return;
  for (const [f, v] of Object.entries(p)) setField(f, v);
  $('runB').hidden = !comparing();
}

// ?preset=P, then any field (data, arch, ..., arch2, ...), compare=1 (implied by a B field), trace=N,
// autostart=1 and epochs=N: fills the form, and starts without a click.
function readUrl() {
  const q = new URLSearchParams(location.search);
  if (q.has('preset')) { $('preset').value = q.get('preset'); applyPreset(q.get('preset')); }
  for (const f of FIELDS) if (q.has(f)) $(f).value = q.get(f);
  for (const f of Object.keys(B_FIELDS)) if (q.has(f)) { $(f).value = q.get(f); $('compare').checked = true; }
  if (q.has('compare')) $('compare').checked = q.get('compare') === '1';
  if (q.has('trace')) pendingTrace = Number(q.get('trace'));
  $('runB').hidden = !comparing();
  return q.get('autostart') === '1';
}

function shareLink() {
  const q = new URLSearchParams();
  for (const f of FIELDS) if (f !== 'weights' || $(f).value.trim()) q.set(f, $(f).value.trim());
  if (comparing()) { q.set('compare', '1'); for (const f of Object.keys(B_FIELDS)) q.set(f, $(f).value.trim()); }
  if (traced && traced.run.name === 'A') q.set('trace', traced.point);
  return location.href.split(/[?#]/)[0] + '?' + q.toString();
}

function reset() {
  $('runB').hidden = !comparing();
  setPlaying(false, false); // a worker stops by itself on 'new'
  for (const r of runs) {
    r.history = []; r.state = null; r.data = null; r.error.textContent = ''; r.playing = false;
    if (r.name === 'B' && !comparing()) { r.worker.postMessage({ cmd: 'pause' }); continue; }
    if (r.ready) r.worker.postMessage({ cmd: 'new', config: config(r) });
  }
  if (traced && !active().includes(traced.run)) traced = null;
  drawCurves();
}

function setPlaying(on, tell = true) {
  playing = on;
  $('play').textContent = on ? 'Pause' : 'Play';
  if (!tell) return;
  for (const r of active()) if (r.ready) { r.playing = on; r.worker.postMessage({ cmd: on ? 'play' : 'pause' }); }
}

function toCanvas(r, x, y) {
  const [x0, x1, y0, y1] = r.data.bounds, W = r.boundary.width, H = r.boundary.height;
  return [(x - x0) / (x1 - x0) * W, (y1 - y) / (y1 - y0) * H];
}

function drawBoundary(r) {
  const cv = r.boundary, g = cv.getContext('2d'), W = cv.width, H = cv.height, data = r.data, state = r.state;
  g.clearRect(0, 0, W, H);
  if (!data) return;
  if (state) {
    // each cell tinted with its predicted class, stronger where the model is surer
    const n = state.grid, img = g.createImageData(n, n), k = data.classes;
    for (let i = 0; i < n * n; i++) {
      const c = COLOURS[state.cls[i] % COLOURS.length];
      const p = Math.max(0, Math.min(1, (state.prob[i] - 1 / k) / (1 - 1 / k)));
      const a = 0.15 + 0.55 * p;
      for (let j = 0; j < 3; j++) img.data[4 * i + j] = Math.round(255 * (1 - a) + c[j] * a);
      img.data[4 * i + 3] = 255;
    }
    const tmp = document.createElement('canvas');
    tmp.width = tmp.height = n;
    tmp.getContext('2d').putImageData(img, 0, 0);
    g.imageSmoothingEnabled = true;
    g.drawImage(tmp, 0, 0, W, H);
  }
  const radius = data.labels.length < 20 ? 6 : 3.5;
  for (let i = 0; i < data.labels.length; i++) {
    const c = COLOURS[data.labels[i] % COLOURS.length], [px, py] = toCanvas(r, data.xs[2 * i], data.xs[2 * i + 1]);
    g.beginPath(); g.arc(px, py, radius, 0, 2 * Math.PI);
    g.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`; g.fill();
    g.strokeStyle = '#fff'; g.lineWidth = 1; g.stroke();
  }
  if (traced && traced.run === r) {
    const [px, py] = toCanvas(r, data.xs[2 * traced.point], data.xs[2 * traced.point + 1]);
    g.beginPath(); g.arc(px, py, radius + 4, 0, 2 * Math.PI);
    g.strokeStyle = '#000'; g.lineWidth = 2; g.stroke();
  }
}

function drawCurves() {
  const cv = $('curves'), g = cv.getContext('2d'), W = cv.width, H = cv.height, L = 38, R = 14, T = 8, B = 24;
  g.clearRect(0, 0, W, H);
  g.strokeStyle = '#999'; g.lineWidth = 1; g.setLineDash([]); g.strokeRect(L, T, W - L - R, H - T - B);
  g.fillStyle = '#333'; g.font = '12px system-ui, sans-serif';
  const shown = active().filter((r) => r.history.length);
  if (!shown.length) return;
  const last = Math.max(...shown.map((r) => r.history[r.history.length - 1].t));
  const xs = (t) => L + (W - L - R) * (last > 0 ? t / last : 0);
  const losses = shown.flatMap((r) => r.history.map((h) => Math.log10(Math.max(h.loss, 1e-6))));
  const lo = Math.floor(Math.min(...losses)), hi = Math.max(lo + 1, Math.ceil(Math.max(...losses)));
  const yl = (v) => T + (H - T - B) * (hi - Math.log10(Math.max(v, 1e-6))) / (hi - lo);
  const ya = (v) => T + (H - T - B) * (1 - v);
  for (const r of shown) {
    g.setLineDash(r.name === 'B' ? [6, 4] : []);
    for (const [key, y, colour] of [['loss', yl, '#1f77b4'], ['accuracy', ya, '#ff7f0e']]) {
      g.beginPath(); g.strokeStyle = colour; g.lineWidth = 2;
      r.history.forEach((h, i) => (i ? g.lineTo : g.moveTo).call(g, xs(h.t), y(h[key])));
      g.stroke();
    }
  }
  g.setLineDash([]);
  g.textAlign = 'right'; g.fillText('1e' + hi, L - 3, T + 10); g.fillText('1e' + lo, L - 3, H - B);
  g.textAlign = 'center'; g.fillText('epoch ' + last.toFixed(1) + ' (acc. 0 to 1)', (L + W - R) / 2, H - 7);
}

// A histogram into a small canvas: bars scaled to the fullest bin, grey at 0 where a value spike sits.
function histCanvas(h, colour) {
  const cv = document.createElement('canvas');
  cv.width = 96; cv.height = 20;
  if (!h) return cv;
  const g = cv.getContext('2d'), n = h.counts.length, top = Math.max(...h.counts), w = cv.width / n;
  g.fillStyle = colour;
  for (let b = 0; b < n; b++) {
    const bh = top ? Math.max(h.counts[b] ? 1 : 0, Math.round(h.counts[b] / top * cv.height)) : 0;
    g.fillRect(b * w, cv.height - bh, Math.max(1, w - 1), bh);
  }
  if (h.lo < 0 && h.hi > 0) { // where 0 is
    g.fillStyle = '#000';
    g.fillRect(Math.round(-h.lo / (h.hi - h.lo) * cv.width), 0, 1, 4);
  }
  return cv;
}

// Two significant digits at most, as few characters as possible: 0.34, -47, 270, 6e-37.
const short = (v) => {
  const a = Math.abs(v);
  if (v === 0) return '0';
  if (a >= 1e-2 && a < 10) return String(Number(v.toPrecision(2)));
  if (a >= 10 && a < 1e4) return String(Math.round(v));
  return v.toExponential(0).replace('e+', 'e');
};

function showLayers(r) {
  const t = r.layers;
  t.textContent = '';
  if (!r.state) return;
  const head = t.insertRow();
  for (const [text, title] of [['layer', 'the layer (the output layer added last) and its units'],
    ['dead', 'units whose output is the same on every point: they pass no gradient'],
    ['|grad|', '2-norm of the parameter gradient in the last batch'],
    ['outputs', 'histogram of the outputs on all points: pre-activations z of a dense layer, activations a of an activation'],
    ['dL/d outputs', 'histogram of the gradient reaching the outputs, in the last batch']]) {
    const th = document.createElement('th'); th.textContent = text; th.title = title; head.appendChild(th);
  }
  for (const l of r.state.layers) {
    const tr = t.insertRow();
    const cells = [/:\d/.test(l.spec) ? l.spec : `${l.spec} (${l.width})`, l.dead, l.gradnorm ? l.gradnorm.toExponential(1) : ''];
    for (const c of cells) tr.insertCell().textContent = c;
    if (l.dead) tr.cells[1].className = 'dead';
    for (const [h, colour] of [[l.values, '#4a7bb7'], [l.grads, '#c2571a']]) {
      const td = tr.insertCell();
      td.appendChild(histCanvas(h, colour));
      if (h) {
        const s = document.createElement('div');
        s.className = 'range'; s.textContent = `${short(h.lo)} .. ${short(h.hi)}`;
        td.title = `from ${h.lo} to ${h.hi}`;
        td.appendChild(s);
      }
    }
  }
}

function showStatus(r) {
  const s = r.state;
  if (!s) { r.status.textContent = r.ready ? 'ready' : 'loading'; return; }
  r.status.textContent = `epoch ${s.epoch} batch ${s.batch}/${s.perEpoch} ` +
    `loss ${s.loss.toFixed(4)} accuracy ${s.accuracy.toFixed(3)}` + (s.playing ? '' : ' (paused)');
}

function clickPoint(r, e) {
  if (!r.data || !r.ready) return;
  const box = r.boundary.getBoundingClientRect();
  const cx = (e.clientX - box.left) * r.boundary.width / box.width, cy = (e.clientY - box.top) * r.boundary.height / box.height;
  let best = -1, bestD = 12 * 12; // pixels
  for (let i = 0; i < r.data.labels.length; i++) {
    const [px, py] = toCanvas(r, r.data.xs[2 * i], r.data.xs[2 * i + 1]), d = (px - cx) ** 2 + (py - cy) ** 2;
    if (d < bestD) { best = i; bestD = d; }
  }
  if (best >= 0) trace(r, best);
}

const traceLr = () => (Number.isFinite(Number($('tracelr').value)) ? Number($('tracelr').value) : 0.1);

function trace(r, point) {
  traced = { run: r, point };
  r.worker.postMessage({ cmd: 'trace', point, lr: traceLr() });
  for (const q of runs) drawBoundary(q);
  $('share').href = shareLink();
}

// For tests (docs/playground.md): the page coordinates of point i of run 'A' or 'B', to click on.
window.nnlabPointXY = (name, i) => {
  const r = runs.find((q) => q.name === name), box = r.boundary.getBoundingClientRect();
  const [px, py] = toCanvas(r, r.data.xs[2 * i], r.data.xs[2 * i + 1]);
  return [box.left + px * box.width / r.boundary.width, box.top + py * box.height / r.boundary.height];
};

// The trace view: the numbers of pg_trace (web/playground.c), laid out as nnlab trace --format markdown does.
function showTrace(r, t) {
  const digits = Math.min(17, Math.max(2, Number($('tracedigits').value) || 4));
  const fmt = (v) => (v === null || v === undefined ? '–' : Number(Number(v).toPrecision(digits)).toString());
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const para = (...parts) => {
    const p = el('p');
    for (const x of parts) p.appendChild(typeof x === 'string' ? document.createTextNode(x) : x);
    return p;
  };
  const table = (cols, rows) => {
    const wrap = el('div', undefined, 'wide'), tb = el('table'), hr = tb.insertRow();
    for (const c of cols) hr.appendChild(el('th', c));
    for (const row of rows) { const tr = tb.insertRow(); row.forEach((v, k) => { const td = tr.insertCell(); td.textContent = k ? fmt(v) : v; if (k) td.title = v; }); }
    wrap.appendChild(tb);
    return wrap;
  };
  const units = (n) => Array.from({ length: n }, (_, j) => j);
  const W = (l, i, j) => l.params[i * l.out + j];
  $('tracewhat').textContent = `run ${r.name}, point ${t.point}: x = (${t.x.map(fmt).join(', ')}), y = ${fmt(t.y)}.`;
  const body = $('tracebody');
  body.textContent = '';
  const add = (x) => body.appendChild(x);
  add(el('h3', 'forward'));
  t.layers.forEach((l, i) => {
    if (l.kind === 'dense') {
      add(para(`[${i}] `, el('code', l.spec), ` (${l.in} → ${l.out}): z = x W + b, x = ${i ? 'the previous output' : 'the point'}`));
      add(table(['unit j', 'z_j', 'b_j', ...units(l.in).map((k) => `W_${k + 1},j`)],
        units(l.out).map((j) => [String(j + 1), l.output[j], l.params[l.in * l.out + j], ...units(l.in).map((k) => W(l, k, j))])));
    } else if (l.kind === 'act') {
      add(para(`[${i}] `, el('code', l.spec), ': a = f(z), f(x) = ' + l.f));
      add(table(['unit j', 'z_j', 'a_j'], units(l.out).map((j) => [String(j + 1), l.input[j], l.output[j]])));
    } else {
      add(para(`[${i}] `, el('code', l.spec), ` (${l.in} → ${l.out})`));
      add(table(['unit j', 'y_j'], units(l.out).map((j) => [String(j + 1), l.output[j]])));
    }
  });
  const loss = el('b', fmt(t.L)); loss.id = 'trace-loss'; loss.title = t.L;
  add(para('loss ', el('code', t.loss), ': ' + t.head + '. L = ', loss));
  add(table(['output j', 'z_j', ...(t.p ? ['p_j'] : []), 'dL/dz_j'],
    units(t.z.length).map((j) => [String(j + 1), t.z[j], ...(t.p ? [t.p[j]] : []), t.dz[j]])));
  add(el('h3', 'backward: the chain rule, from the loss to the input'));
  for (let i = t.layers.length - 1; i >= 0; i--) {
    const l = t.layers[i];
    if (l.kind === 'dense') {
      add(para(`[${i}] `, el('code', l.spec), ': dL/dW_ij = x_i · dL/dz_j, dL/db_j = dL/dz_j, dL/dx_i = Σ_j W_ij · dL/dz_j'));
      add(table(['unit j', 'dL/dz_j', 'dL/db_j', ...units(l.in).map((k) => `dL/dW_${k + 1},j`)],
        units(l.out).map((j) => [String(j + 1), l.doutput[j], l.grads[l.in * l.out + j], ...units(l.in).map((k) => l.grads[k * l.out + j])])));
      add(table(['input i', 'x_i', 'dL/dx_i'], units(l.in).map((k) => [String(k + 1), l.input[k], l.dinput ? l.dinput[k] : null])));
    } else if (l.kind === 'act') {
      add(para(`[${i}] `, el('code', l.spec), ": dL/dz_j = dL/da_j · f'(z_j), f'(x) = " + l.df));
      add(table(['unit j', 'z_j', 'dL/da_j', "f'(z_j)", 'dL/dz_j'],
        units(l.out).map((j) => [String(j + 1), l.input[j], l.doutput[j], l.dadz[j], l.dinput ? l.dinput[j] : null])));
      if (l.grads) add(para('dL/d(its parameters) = [' + l.grads.map(fmt).join(', ') + ']'));
    } else {
      add(para(`[${i}] `, el('code', l.spec)));
      add(table(['unit j', 'dL/dy_j'], units(l.out).map((j) => [String(j + 1), l.doutput[j]])));
      if (l.dinput) add(table(['input i', 'dL/dx_i'], units(l.in).map((k) => [String(k + 1), l.dinput[k]])));
    }
  }
  add(el('h3', `one SGD step (lr = ${fmt(t.lr)}): p ← p − lr · dL/dp`));
  const rows = [];
  t.layers.forEach((l, i) => {
    if (!l.params) return;
    l.params.forEach((p, k) => {
      const name = l.kind !== 'dense' ? `p_${k + 1}` : k < l.in * l.out
        ? `W_${Math.floor(k / l.out) + 1},${k % l.out + 1}` : `b_${k - l.in * l.out + 1}`;
      rows.push([`[${i}] ${name}`, p, l.grads[k], l.after[k]]);
    });
  });
  add(table(['parameter', 'before', 'dL/dp', 'after'], rows));
}

function onMessage(r, m) {
  if (m.type === 'ready') {
    r.ready = true;
    if (r.name === 'B' && !comparing()) return;
    r.worker.postMessage({ cmd: 'new', config: config(r) });
    if (autostart) { r.playing = true; setPlaying(true, false); r.worker.postMessage({ cmd: 'play' }); }
  } else if (m.type === 'data') {
    r.data = m;
    if (r.name === 'A' && pendingTrace >= 0 && pendingTrace < m.labels.length) { trace(r, pendingTrace); pendingTrace = -1; }
  } else if (m.type === 'state') {
    r.state = m;
    r.playing = m.playing;
    r.history.push({ t: m.epoch + m.batch / m.perEpoch, loss: m.loss, accuracy: m.accuracy });
    if (playing && !active().some((q) => q.playing)) { playing = false; $('play').textContent = 'Play'; }
    drawBoundary(r); drawCurves(); showStatus(r); showLayers(r);
    // the step again for the new parameters; at most a few times a second while playing, as a wide network's
    // tables take a while to lay out
    const now = performance.now();
    if (traced && traced.run === r && (!m.playing || now - (r.tracedAt || 0) > 300)) {
      r.tracedAt = now;
      r.worker.postMessage({ cmd: 'trace', point: traced.point, lr: traceLr() });
    }
  } else if (m.type === 'trace') {
    if (traced && traced.run === r) showTrace(r, m.trace);
  } else if (m.type === 'error') {
    r.error.textContent = (r.name === 'B' ? 'run B: ' : '') + m.message;
    r.playing = false;
    if (!active().some((q) => q.playing)) { playing = false; $('play').textContent = 'Play'; }
  }
  $('share').href = shareLink();
}

$('play').onclick = () => setPlaying(!playing);
$('step').onclick = () => {
  setPlaying(false, false);
  for (const r of active()) if (r.ready) { r.playing = false; r.worker.postMessage({ cmd: 'step' }); }
};
$('reset').onclick = reset;
for (const f of ['tracelr', 'tracedigits']) $(f).addEventListener('change', () => { if (traced) trace(traced.run, traced.point); });
$('preset').addEventListener('change', () => { applyPreset($('preset').value); reset(); });
$('compare').addEventListener('change', reset);
for (const f of [...FIELDS, ...Object.keys(B_FIELDS)]) $(f).addEventListener('change', () => { $('share').href = shareLink(); });
document.addEventListener('keydown', (e) => {
  if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === ' ') { e.preventDefault(); setPlaying(!playing); }
  else if (e.key === 's') $('step').onclick();
  else if (e.key === 'r') reset();
});
const autostart = readUrl();
$('share').href = shareLink();
drawCurves();
