// tests/web/browser.js: node browser.js URL EPOCHS MIN_ACCURACY [SCREENSHOT.png]
// Opens the playground in headless Chromium (CHROMIUM, default /usr/bin/chromium), driven through the DevTools
// protocol over --remote-debugging-pipe (no npm package needed), waits until #status shows the run paused at
// epoch EPOCHS, and checks the accuracy shown, that no error is shown, that the boundary canvas and the layer
// histograms are drawn and that the share link carries the URL's settings. When run B is shown (arch2=... in the
// URL, say), #statusB must reach epoch EPOCHS and MIN_ACCURACY too (NNLAB_BROWSER_MIN_ACC_B, if set, instead). With NNLAB_BROWSER_TRACE=L0,L1,..
// it clicks points 0, 1, ... of run A and checks that the trace view shows the losses L0, L1, ... (to 1e-5).
// Optionally saves a 1280x720 screenshot. Exit 0 on success, 1 with a message otherwise.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs'), os = require('os'), path = require('path');

const [url, epochs, minAcc, shot] = process.argv.slice(2);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-chromium-'));
const args = ['--headless=new', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
  '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--window-size=1280,720', 'about:blank'];
if (process.getuid && process.getuid() === 0) args.unshift('--no-sandbox'); // Chromium refuses root otherwise
const chrome = spawn(process.env.CHROMIUM || '/usr/bin/chromium', args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let stderr = '';
chrome.stderr.on('data', (d) => { stderr += d; });

// Protocol messages are JSON texts ended by a NUL byte: written on the child's fd 3, read from its fd 4.
let nextId = 1, buffer = '';
const logs = []; // the page's exceptions and console messages, shown when the test fails
const pending = new Map();
chrome.stdio[4].on('data', (d) => {
  buffer += d.toString('utf8');
  let end;
  while ((end = buffer.indexOf('\0')) >= 0) {
    const m = JSON.parse(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
    if (m.method === 'Runtime.exceptionThrown') logs.push('exception: ' + JSON.stringify(m.params.exceptionDetails));
    if (m.method === 'Runtime.consoleAPICalled') logs.push('console: ' + m.params.args.map((a) => a.value).join(' '));
    if (m.method === 'Log.entryAdded') logs.push('log: ' + m.params.entry.text);
    const p = pending.get(m.id);
    if (!p) continue;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(p.method + ': ' + m.error.message)); else p.resolve(m.result);
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  chrome.stdio[3].write(JSON.stringify({ id, method, params, sessionId }) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}

function finish(code, message) {
  if (message) console.log(message);
  if (code && logs.length) console.log('the page said:\n' + logs.join('\n'));
  // Chromium's helper processes may still write into the profile for a moment after the browser exited: retry,
  // and never let the clean-up decide the test's result.
  const done = () => {
    try { fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); }
    catch (e) { console.log(`could not remove ${profile}: ${e.message}`); }
    process.exit(code);
  };
  if (chrome.exitCode !== null || chrome.signalCode !== null) return done();
  chrome.once('exit', done); // Chromium writes its profile until it exits
  chrome.kill();
}

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 720, deviceScaleFactor: 1, mobile: false },
    sessionId);
  await send('Runtime.enable', {}, sessionId);
  await send('Log.enable', {}, sessionId);
  await send('Page.navigate', { url }, sessionId);
  const value = async (expression) =>
    (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result.value;
  const deadline = Date.now() + 1000 * Number(process.env.NNLAB_BROWSER_TIMEOUT || 180);
  const text = (id) => value(`document.getElementById('${id}') ? document.getElementById('${id}').textContent : ''`);
  const asked = new URL(url);
  const shown = {};
  let withB = false;
  for (const id of ['status', 'statusB']) {
    // run B is on when the page shows it (a B parameter, compare=1 or a preset)
    if (id === 'statusB' && !(withB = await value("!document.getElementById('runB').hidden"))) break;
    for (;;) {
      shown[id] = (await text(id)) || '';
      for (const e of ['error', 'errorB']) {
        const error = await text(e);
        if (error) return finish(1, `the page shows an error (#${e}): ${error}`);
      }
      const m = /epoch (\d+) .*accuracy ([0-9.]+) \(paused\)/.exec(shown[id]);
      if (m && Number(m[1]) >= Number(epochs)) break;
      if (Date.now() > deadline) return finish(1, `no 'epoch ${epochs} ... (paused)' in #${id} in time; it shows: ${shown[id]}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`#${id}: ${shown[id]}`);
  }
  const status = shown.status;
  const acc = Number(/accuracy ([0-9.]+)/.exec(status)[1]);
  if (withB) {
    const accB = Number(/accuracy ([0-9.]+)/.exec(shown.statusB)[1]), minB = Number(process.env.NNLAB_BROWSER_MIN_ACC_B || minAcc);
    if (!(accB >= minB)) return finish(1, `run B: accuracy ${accB} < ${minB}`);
  }
  // Every histogram canvas of the layer tables has bars: count the non-blank ones.
  const hists = await value(`(() => { let drawn = 0, all = 0;
    for (const c of document.querySelectorAll('table.layers canvas')) {
      if (c.offsetParent === null) continue;
      all++;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i]) { drawn++; break; }
    }
    return [drawn, all]; })()`);
  console.log(`histograms: ${hists[0]} of ${hists[1]} drawn`);
  if (Number(epochs) > 0 && !(hists[1] >= 2 && hists[0] === hists[1])) return finish(1, 'a layer histogram is blank');
  // A drawn boundary has many shades of the class colours; a blank or single-colour canvas has one or two.
  const shades = await value(`(() => { const c = document.getElementById('boundary');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 7) seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);
    return seen.size; })()`);
  console.log(`boundary canvas: ${shades} colours`);
  if (shot) {
    const { data } = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
    fs.writeFileSync(shot, Buffer.from(data, 'base64'));
    console.log('screenshot: ' + shot);
  }
  // Click points 0, 1, ... of run A: the trace view shows their losses.
  const losses = (process.env.NNLAB_BROWSER_TRACE || '').split(',').filter((v) => v).map(Number);
  for (let i = 0; i < losses.length; i++) {
    const [x, y] = await value(`nnlabPointXY('A', ${i})`);
    for (const type of ['mousePressed', 'mouseReleased'])
      await send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 }, sessionId);
    let shownLoss = NaN;
    for (const t0 = Date.now(); Date.now() - t0 < 10000; await new Promise((r) => setTimeout(r, 100))) {
      if (!new RegExp(`point ${i}:`).test(await text('tracewhat'))) continue;
      shownLoss = Number(await text('trace-loss'));
      break;
    }
    console.log(`trace of point ${i}: L = ${shownLoss} (expected ${losses[i]})`);
    if (!(Math.abs(shownLoss - losses[i]) <= 1e-5 + 5e-4 * Math.abs(losses[i])))
      return finish(1, `the trace of point ${i} shows L = ${shownLoss}, not ${losses[i]}: ${await text('tracebody')}`);
  }
  // The share link carries the configuration the run was started with.
  const share = new URL(await value("document.getElementById('share').href"));
  for (const key of ['data', 'arch', 'opt', 'seed', 'epochs', 'arch2', 'opt2'])
    if (asked.searchParams.has(key) && share.searchParams.get(key) !== asked.searchParams.get(key))
      return finish(1, `share link ${share} has ${key}=${share.searchParams.get(key)}, not ${asked.searchParams.get(key)}`);
  if (!(acc >= Number(minAcc))) return finish(1, `accuracy ${acc} < ${minAcc}`);
  if (Number(epochs) > 0 && shades < 20) return finish(1, 'the boundary canvas looks blank');
  finish(0, 'ok');
}
main().catch((e) => finish(1, 'browser test: ' + e.message + (stderr ? '\nchromium: ' + stderr.slice(-2000) : '')));
