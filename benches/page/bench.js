// asyncscope's benchmark, inside the page (`cargo xtask bench`).
//
// The bench puts this script into every page the browser opens, before the
// page's own scripts (a DevTools command, so no Content-Security-Policy
// applies to it), and so it runs in the app's own page: the JavaScript
// baselines share the page, the browser and the machine with the app they
// are compared with. It is never part of the app's build. `index.html`
// beside it loads it into a page of its own, to try the baselines by hand.
//
// Everything lives under `window.__bench`:
// - `startup`: when the wasm module was instantiated and when the page
//   first put an element of its own into <body> (ms since navigation; also
//   as the performance marks `bench:wasm-instantiated` and `bench:first-dom`);
// - `watch({ frames })`: long tasks (over 50 ms) and, unless `frames` is
//   false, animation frames from now until its `end()`;
// - `countdown(ticks, period)`: a setTimeout chain on absolute deadlines,
//   each tick writing its count into the page; resolves to every tick's
//   lateness (ms);
// - `tasks(n, limit)`: n async functions through a semaphore of `limit`,
//   each awaiting setTimeout(0), all awaited with Promise.all;
// - `appRun(button, { frames })`: presses one of the app's run buttons and
//   resolves when the run is done and drawn, with what `watch` saw. With
//   `frames: false` it asks for no animation frame and sets no timer of
//   its own: counting frames takes one at every vsync, which would be
//   charged to the app where its main thread's busy share is measured;
// - `catalog(routes, capMs)`: each demo route run for real (cancelled after
//   `capMs`) and in virtual time, each run watched for long tasks;
// - `appTrace()`: the app's "Download trace" file as text, without saving it;
// - `logTimes(text)`: the times (ms) of the "log:" events in such a file.
(() => {
  'use strict';
  if (window.__bench) return;
  const B = (window.__bench = {});

  // --- start-up marks ----------------------------------------------------
  B.startup = { instantiated: null, firstDom: null };
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then((result) => {
        if (B.startup.instantiated === null) {
          B.startup.instantiated = performance.now();
          performance.mark('bench:wasm-instantiated');
        }
        return result;
      });
    };
  }
  // The parser's own nodes (<head>, <body> and what they hold in the HTML)
  // are not the page's: only an element added inside <body> counts.
  const notTheApps = new Set(['HEAD', 'BODY', 'SCRIPT', 'NOSCRIPT', 'LINK', 'STYLE', 'META', 'TITLE']);
  const firstDom = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (
          node.nodeType === 1 &&
          !notTheApps.has(node.nodeName) &&
          document.body &&
          node !== document.body &&
          document.body.contains(node)
        ) {
          B.startup.firstDom = performance.now();
          performance.mark('bench:first-dom');
          firstDom.disconnect();
          return;
        }
      }
    }
  });
  firstDom.observe(document, { childList: true, subtree: true });

  // --- watching the main thread -------------------------------------------
  B.watch = ({ frames: countFrames = true } = {}) => {
    const long = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push([e.startTime, e.duration]);
    });
    observer.observe({ type: 'longtask' });
    const frames = [];
    let watching = true;
    const frame = (t) => {
      if (!watching) return;
      frames.push(t);
      requestAnimationFrame(frame);
    };
    if (countFrames) requestAnimationFrame(frame);
    const t0 = performance.now();
    return {
      // Long task entries arrive after their task; give them a moment.
      end: async () => {
        const t1 = performance.now();
        watching = false;
        await new Promise((r) => setTimeout(r, 150));
        for (const e of observer.takeRecords()) long.push([e.startTime, e.duration]);
        observer.disconnect();
        const inRun = frames.filter((t) => t >= t0 && t <= t1);
        const span = inRun.length > 1 ? inRun[inRun.length - 1] - inRun[0] : 0;
        return {
          ms: t1 - t0,
          long: long.filter(([s, d]) => s < t1 && s + d > t0).map(([, d]) => d),
          // When each began, in ms from the start (to tell where they are).
          longAt: long.filter(([s, d]) => s < t1 && s + d > t0).map(([s, d]) => [s - t0, d]),
          frames: inRun.length,
          // Frames per second between the first and the last frame seen.
          fps: span > 0 ? ((inRun.length - 1) * 1000) / span : 0,
        };
      },
    };
  };

  // --- the JavaScript baselines -------------------------------------------
  B.countdown = (ticks, period) =>
    new Promise((resolve) => {
      const out = document.createElement('output');
      out.id = 'bench-countdown';
      out.style.cssText = 'position:fixed;right:0;bottom:0';
      document.documentElement.append(out);
      const late = [];
      const start = performance.now();
      let k = 0;
      const tick = () => {
        if (k > 0) late.push(performance.now() - (start + k * period));
        out.textContent = k === ticks ? 'done' : String(ticks - k);
        if (k === ticks) {
          out.remove();
          resolve(late);
          return;
        }
        k += 1;
        setTimeout(tick, Math.max(0, start + k * period - performance.now()));
      };
      tick();
    });

  B.tasks = async (n, limit) => {
    // A semaphore: a count and a queue of waiters (a head index, not shift()).
    let free = limit;
    const queue = [];
    let head = 0;
    const acquire = () => {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise((r) => queue.push(r));
    };
    const release = () => {
      if (head < queue.length) queue[head++]();
      else free += 1;
    };
    const job = async () => {
      await acquire();
      try {
        await new Promise((r) => setTimeout(r, 0));
      } finally {
        release();
      }
    };
    const w = B.watch();
    await Promise.all(Array.from({ length: n }, job));
    return w.end();
  };

  // --- the app's side -------------------------------------------------------
  B.appRun = (button, { frames = true } = {}) =>
    new Promise((resolve, reject) => {
      const runner = () => document.querySelector('.runner');
      if (!runner()) {
        reject(new Error('no .runner on this page'));
        return;
      }
      let w = null;
      let started = false;
      let finished = false;
      const look = () => {
        const r = runner();
        if (finished || !r) return;
        if (r.dataset.state === 'running') started = true;
        const wanted = button === '#run' ? 'real' : 'virtual';
        if (started && r.dataset.state === 'done' && r.dataset.clock === wanted && r.querySelector('.lane')) {
          finished = true;
          seen.disconnect();
          clearInterval(poll);
          w.end().then(resolve, reject);
        }
      };
      // Attributes only: watching the whole tree's changes would cost the
      // page time during the very run being measured.
      const seen = new MutationObserver(look);
      seen.observe(document.body, { attributes: true, attributeFilter: ['data-state', 'data-clock'], subtree: true });
      // A second look now and then, in case an attribute change was missed
      // (not where the run's busy share is measured: it is the page's time).
      const poll = frames ? setInterval(look, 250) : null;
      const b = document.querySelector(button);
      if (!b || b.disabled) {
        seen.disconnect();
        clearInterval(poll);
        reject(new Error(`${button} is missing or disabled`));
        return;
      }
      w = B.watch({ frames });
      b.click();
      look();
    });

  // Every route of `routes` in turn (opened through the address's hash, on
  // the app's demo page): a real run (confirmed if the page asks first,
  // cancelled once it has gone on for `capMs`), then a run in virtual time,
  // each watched for long tasks. Resolves to one result per run:
  // { route, clock, state, ms, long: [[start ms from the run's start, ms]] }.
  B.catalog = async (routes, capMs) => {
    const q = (css) => document.querySelector(css);
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const until = async (cond, ms) => {
      const t0 = performance.now();
      while (performance.now() - t0 <= ms) {
        if (cond()) return true;
        await sleep(20);
      }
      return false;
    };
    const state = () => (q('.runner') ? q('.runner').dataset.state : null);
    const out = [];
    for (const route of routes) {
      if (location.hash !== `#/${route}`) {
        location.hash = `#/${route}`;
        const slug = route.split('?')[0];
        await until(() => q('article.demo') && q('article.demo').dataset.slug === slug, 5000);
        // A link with parameters runs in virtual time as it opens: let
        // that run end first.
        await sleep(300);
        await until(() => ['idle', 'done'].includes(state()), 30000);
      }
      for (const [button, clock] of [['#run', 'real'], ['#run-virtual', 'virtual']]) {
        if (!(await until(() => q(button) && !q(button).disabled, 5000))) {
          out.push({ route, clock, state: `${button} never enabled`, ms: 0, long: [] });
          continue;
        }
        const ended = () => {
          const r = q('.runner');
          return r && r.dataset.clock === clock && ['done', 'cancelled', 'error'].includes(r.dataset.state);
        };
        const w = B.watch({ frames: false });
        const t0 = performance.now();
        q(button).click();
        // A long real run asks first.
        if (await until(() => q('#confirm-real') || state() === 'running' || ended(), 1000)) {
          if (q('#confirm-real')) q('#confirm-real').click();
        }
        if (!(await until(ended, capMs)) && q('#cancel') && !q('#cancel').disabled) {
          q('#cancel').click();
          await until(ended, 5000);
        }
        const seen = await w.end();
        out.push({ route, clock, state: state(), ms: performance.now() - t0, long: seen.longAt });
      }
    }
    return out;
  };

  B.appTrace = () =>
    new Promise((resolve, reject) => {
      const button = document.querySelector('#download-trace');
      if (!button) {
        reject(new Error('no #download-trace button'));
        return;
      }
      const createObjectURL = URL.createObjectURL;
      const click = HTMLAnchorElement.prototype.click;
      // The app clicks a link to save the file: not here.
      HTMLAnchorElement.prototype.click = function () {
        if (!this.download) click.call(this);
      };
      URL.createObjectURL = (blob) => {
        URL.createObjectURL = createObjectURL;
        setTimeout(() => {
          HTMLAnchorElement.prototype.click = click;
        }, 0);
        blob.text().then(resolve, reject);
        return createObjectURL.call(URL, blob);
      };
      button.click();
    });

  B.logTimes = (text) => {
    const parsed = JSON.parse(text);
    const events = Array.isArray(parsed) ? parsed : parsed.traceEvents || [];
    return events
      .filter((e) => e.ph === 'i' && typeof e.name === 'string' && e.name.startsWith('log: '))
      .map((e) => e.ts / 1000)
      .sort((a, b) => a - b);
  };
})();
