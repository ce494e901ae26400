// web/worker.js: trains a playground run (web/playground.c compiled to WebAssembly) in a Web Worker, so that the
// page stays responsive; posts the state (epoch, loss, accuracy, decision grid, per-layer read-outs and
// histograms) after each chunk, and one backprop step of a point on request (pg_trace). The build
// (bundle.cmake) wraps this file and the compiled engine (nnlab.js) in one function, nnlabWorker, that the page
// starts from a blob: a page opened from file:// may not start a worker from a file. Apart from Module, every
// name lives in nnlabWorkerMain, called after the engine's code, so that none collides with the engine's own.
var Module = { onRuntimeInitialized() { postMessage({ type: 'ready' }); } };

function nnlabWorkerMain(Module) {
const GRID = 80;          // cells per side of the decision picture
const CHUNK_MS = 40;      // while playing, post at least this often (and at each epoch's end)
const BINS = 24;          // per histogram
let run = 0, playing = false, maxEpochs = 0, bounds = null, timer = 0;

function fail(where) {
  playing = false;
  postMessage({ type: 'error', message: where + ': ' + Module.UTF8ToString(Module._pg_errmsg()) });
}

function create(c) {
  if (run) Module._pg_free(run);
  run = Module.ccall('pg_new', 'number', ['string', 'number', 'number', 'number', 'string', 'string', 'string',
    'number', 'number'], [c.data, c.n, c.classes, c.noise, c.arch, c.loss, c.opt, c.batch, c.seed]);
  playing = false;
  if (!run) return fail('cannot start');
  if (c.weights && Module.ccall('pg_set_params', 'number', ['number', 'string'], [run, c.weights]) !== 0)
    return fail('weights');
  const rows = Module._pg_rows(run), xs = new Float64Array(2 * rows), labels = new Int32Array(rows);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < rows; i++) {
    const x = Module._pg_x(run, i, 0), y = Module._pg_x(run, i, 1);
    xs[2 * i] = x; xs[2 * i + 1] = y; labels[i] = Module._pg_label(run, i);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  // a square view with a margin, so that the picture is not stretched
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, h = 0.55 * Math.max(x1 - x0, y1 - y0, 1e-9);
  bounds = [cx - h, cx + h, cy - h, cy + h];
  postMessage({ type: 'data', xs, labels, classes: Module._pg_classes(run), bounds });
  report(NaN);
}

// Layer i's outputs (grads 0) or dL/d(outputs) of the last batch (grads 1) in BINS bins, or null.
function histogram(i, grads) {
  if (Module._pg_hist(run, i, grads, BINS) !== 0) return null;
  const counts = new Int32Array(BINS);
  for (let b = 0; b < BINS; b++) counts[b] = Module._pg_hist_count(run, b);
  return { counts, lo: Module._pg_hist_lo(run), hi: Module._pg_hist_hi(run) };
}

function report(batchLoss) {
  if (Module._pg_grid(run, GRID, bounds[0], bounds[1], bounds[2], bounds[3]) !== 0) return fail('grid');
  const cls = new Uint8Array(GRID * GRID), prob = new Float32Array(GRID * GRID);
  for (let i = 0; i < GRID * GRID; i++) { cls[i] = Module._pg_grid_class(run, i); prob[i] = Module._pg_grid_prob(run, i); }
  if (Module._pg_stats(run) !== 0) return fail('layer read-outs');
  const layers = [];
  for (let i = 0; i < Module._pg_layers(run); i++)
    layers.push({ spec: Module.UTF8ToString(Module._pg_layer_spec(run, i)), width: Module._pg_layer_width(run, i),
      dead: Module._pg_layer_dead(run, i), gradnorm: Module._pg_layer_gradnorm(run, i),
      values: histogram(i, 0), grads: Module._pg_epochs(run) || Module._pg_batch(run) ? histogram(i, 1) : null });
  postMessage({ type: 'state', layers, epoch: Module._pg_epochs(run), batch: Module._pg_batch(run),
    perEpoch: Module._pg_batches_per_epoch(run), batchLoss, loss: Module._pg_loss(run),
    accuracy: Module._pg_accuracy(run), grid: GRID, cls, prob, playing });
}

function train() {
  timer = 0;
  if (!playing || !run) return;
  const t0 = performance.now();
  let loss = NaN;
  do {
    // stop exactly at the requested epoch count: never step past an epoch's end
    loss = Module._pg_step(run, 1);
    if (Number.isNaN(loss)) return fail('training');
    const epochEnd = Module._pg_batch(run) === 0;
    if (maxEpochs && epochEnd && Module._pg_epochs(run) >= maxEpochs) playing = false;
    if (epochEnd) break; // at least one point per epoch on the curves
  } while (playing && performance.now() - t0 < CHUNK_MS);
  report(loss);
  if (playing) timer = setTimeout(train, 0);
}

onmessage = (e) => {
  const m = e.data;
  if (m.cmd === 'new') { create(m.config); maxEpochs = m.config.epochs || 0; }
  else if (m.cmd === 'play' && run) {
    if (maxEpochs && Module._pg_epochs(run) >= maxEpochs) maxEpochs = 0; // a finished run goes on when asked
    playing = true; if (!timer) train();
  } else if (m.cmd === 'pause') { playing = false; if (run) report(NaN); }
  else if (m.cmd === 'trace' && run) {
    const json = Module.ccall('pg_trace', 'string', ['number', 'number', 'number'], [run, m.point, m.lr]);
    if (json === null || json === '') return fail('trace');
    postMessage({ type: 'trace', trace: JSON.parse(json) });
  } else if (m.cmd === 'step' && run) {
    playing = false;
    const loss = Module._pg_step(run, 1);
    if (Number.isNaN(loss)) return fail('training');
    report(loss);
  }
};
}
