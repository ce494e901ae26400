// web/playground.js: the page's controls, the decision-boundary and curve drawings, the URL parameters; the
// training itself runs in worker.js. Plain JavaScript, no network.
'use strict';
const $ = (id) => document.getElementById(id);
const FIELDS = ['data', 'n', 'classes', 'noise', 'arch', 'loss', 'opt', 'batch', 'seed', 'epochs'];
const NUMERIC = new Set(['n', 'classes', 'noise', 'batch', 'seed', 'epochs']);
const COLOURS = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75],
  [227, 119, 194], [127, 127, 127]];
// nnlabWorker (nnlab-worker.js) is the worker's whole source: started from a blob, as file:// allows that.
const worker = new Worker(URL.createObjectURL(new Blob(['(' + nnlabWorker.toString() + ')()'],
  { type: 'text/javascript' })));
let ready = false, playing = false, data = null, state = null, history = [];

function config() {
  const c = {};
  for (const f of FIELDS) c[f] = NUMERIC.has(f) ? Number($(f).value) : $(f).value.trim();
  return c;
}

// ?data=moons&arch=...&opt=...&seed=1&autostart=1&epochs=N fills the form (and starts without a click).
function readUrl() {
  const q = new URLSearchParams(location.search);
  for (const f of FIELDS) if (q.has(f)) $(f).value = q.get(f);
  return q.get('autostart') === '1';
}

function shareLink() {
  const q = new URLSearchParams();
  for (const f of FIELDS) q.set(f, $(f).value.trim());
  return location.href.split(/[?#]/)[0] + '?' + q.toString();
}

function reset() {
  if (!ready) return;
  history = []; state = null; data = null; $('error').textContent = '';
  setPlaying(false, false); // the worker stops by itself on 'new'
  worker.postMessage({ cmd: 'new', config: config() });
}

function setPlaying(on, tell = true) {
  playing = on;
  $('play').textContent = on ? 'Pause' : 'Play';
  if (ready && tell) worker.postMessage({ cmd: on ? 'play' : 'pause' });
}

function drawBoundary() {
  const cv = $('boundary'), g = cv.getContext('2d'), W = cv.width, H = cv.height;
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
  const [x0, x1, y0, y1] = data.bounds;
  for (let i = 0; i < data.labels.length; i++) {
    const c = COLOURS[data.labels[i] % COLOURS.length];
    const px = (data.xs[2 * i] - x0) / (x1 - x0) * W, py = (y1 - data.xs[2 * i + 1]) / (y1 - y0) * H;
    g.beginPath(); g.arc(px, py, 3.5, 0, 2 * Math.PI);
    g.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`; g.fill();
    g.strokeStyle = '#fff'; g.lineWidth = 1; g.stroke();
  }
}

function drawCurves() {
  const cv = $('curves'), g = cv.getContext('2d'), W = cv.width, H = cv.height, L = 46, R = 40, T = 10, B = 28;
  g.clearRect(0, 0, W, H);
  g.strokeStyle = '#999'; g.strokeRect(L, T, W - L - R, H - T - B);
  g.fillStyle = '#333'; g.font = '12px system-ui, sans-serif';
  if (history.length === 0) return;
  const last = history[history.length - 1].t, xs = (t) => L + (W - L - R) * (last > 0 ? t / last : 0);
  const losses = history.map((h) => Math.log10(Math.max(h.loss, 1e-6)));
  const lo = Math.floor(Math.min(...losses)), hi = Math.max(lo + 1, Math.ceil(Math.max(...losses)));
  const yl = (v) => T + (H - T - B) * (hi - Math.log10(Math.max(v, 1e-6))) / (hi - lo);
  const ya = (v) => T + (H - T - B) * (1 - v);
  for (const [key, y, colour] of [['loss', yl, '#1f77b4'], ['accuracy', ya, '#ff7f0e']]) {
    g.beginPath(); g.strokeStyle = colour; g.lineWidth = 2;
    history.forEach((h, i) => (i ? g.lineTo : g.moveTo).call(g, xs(h.t), y(h[key])));
    g.stroke();
  }
  g.textAlign = 'right'; g.fillText('1e' + hi, L - 4, T + 10); g.fillText('1e' + lo, L - 4, H - B);
  g.textAlign = 'left'; g.fillText('1', W - R + 4, T + 10); g.fillText('0', W - R + 4, H - B);
  g.textAlign = 'center'; g.fillText('epoch ' + last.toFixed(1), (L + W - R) / 2, H - 8);
}

function showLayers() {
  const t = $('layers');
  t.textContent = '';
  if (!state) return;
  const row = (cells, tag) => {
    const tr = t.insertRow();
    for (const c of cells) { const td = document.createElement(tag); td.textContent = c; tr.appendChild(td); }
    return tr;
  };
  row(['#', 'layer', 'units', 'dead', '|grad|'], 'th');
  state.layers.forEach((l, i) => {
    const tr = row([i, l.spec, l.width, l.dead, l.gradnorm ? l.gradnorm.toExponential(2) : ''], 'td');
    if (l.dead) tr.cells[3].className = 'dead';
  });
}

function showStatus() {
  if (!state) { $('status').textContent = ready ? 'ready' : 'loading'; return; }
  $('status').textContent = `epoch ${state.epoch} batch ${state.batch}/${state.perEpoch} ` +
    `loss ${state.loss.toFixed(4)} accuracy ${state.accuracy.toFixed(3)}` + (state.playing ? '' : ' (paused)');
}

worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'ready') {
    ready = true;
    reset();
    if (autostart) setPlaying(true);
  } else if (m.type === 'data') {
    data = m;
  } else if (m.type === 'state') {
    state = m;
    history.push({ t: m.epoch + m.batch / m.perEpoch, loss: m.loss, accuracy: m.accuracy });
    if (!m.playing && playing) { playing = false; $('play').textContent = 'Play'; }
    drawBoundary(); drawCurves(); showStatus(); showLayers();
  } else if (m.type === 'error') {
    $('error').textContent = m.message;
    playing = false; $('play').textContent = 'Play';
  }
  $('share').href = shareLink();
};

$('play').onclick = () => setPlaying(!playing);
$('step').onclick = () => { if (ready) { playing = false; $('play').textContent = 'Play'; worker.postMessage({ cmd: 'step' }); } };
$('reset').onclick = reset;
for (const f of FIELDS) $(f).addEventListener('change', () => { $('share').href = shareLink(); });
document.addEventListener('keydown', (e) => {
  if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === ' ') { e.preventDefault(); setPlaying(!playing); }
  else if (e.key === 's') $('step').onclick();
  else if (e.key === 'r') reset();
});
const autostart = readUrl();
$('share').href = shareLink();
drawCurves();
