// Installed in every page before the app's own scripts (playwright's add_init_script). It watches, from
// inside the page, what "drawn" means for a user, so the benchmark needs no fixed sleeps:
//   - Streamlit's script state (data-test-script-state on stApp), every transition with its time;
//   - every WebGL draw call (deck.gl maps), and which canvases have drawn at least once;
//   - every DOM mutation in the document.
// window.__bench.waitDrawn(since) resolves once, after `since` (a performance.now() time), the script has
// run and is idle again, no element is still loading (skeleton), every visible plotly chart has its svg,
// every visible deck canvas has drawn, and two animation frames have passed with no mutation and no WebGL
// draw: the page as the user sees it.
(() => {
  if (window.__bench) return;
  const probe = {
    lastActivity: 0,        // performance.now() of the latest DOM mutation or WebGL draw call
    transitions: [],        // {t, from, to} of the script state
    draws: 0,
  };
  window.__bench = probe;

  // ---- the browser's main thread busy (tasks over 50 ms): how much of a change is the browser's own work
  probe.longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.longTasks.push([entry.startTime, entry.duration]);
    }).observe({type: "longtask", buffered: true});
  } catch (error) { /* no Long Tasks API: busy stays 0 */ }

  // ---- WebGL draw calls (deck.gl renders through these)
  const wrap = (proto, name) => {
    const original = proto && proto[name];
    if (typeof original !== "function") return;
    proto[name] = function (...args) {
      probe.draws += 1;
      probe.lastActivity = performance.now();
      if (this.canvas) this.canvas.__benchDrawn = true;
      return original.apply(this, args);
    };
  };
  for (const proto of [window.WebGLRenderingContext?.prototype, window.WebGL2RenderingContext?.prototype]) {
    for (const name of ["drawArrays", "drawElements", "drawArraysInstanced", "drawElementsInstanced",
                        "drawRangeElements"]) {
      wrap(proto, name);
    }
  }

  // ---- DOM mutations and script-state transitions
  const observer = new MutationObserver((records) => {
    const now = performance.now();
    probe.lastActivity = now;
    for (const record of records) {
      if (record.type === "attributes" && record.attributeName === "data-test-script-state") {
        probe.transitions.push({t: now, from: record.oldValue, to: record.target.getAttribute(record.attributeName)});
      }
    }
  });
  const start = () => observer.observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, characterData: true, attributeOldValue: true,
  });
  if (document.documentElement) start(); else document.addEventListener("DOMContentLoaded", start);

  const visible = (el) => el.getClientRects().length > 0 && el.offsetWidth > 0;

  probe.state = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(visible);
    const decks = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')].filter(visible);
    return {
      script: app ? app.getAttribute("data-test-script-state") : null,
      plots: plots.length,
      plotsDrawn: plots.filter((p) => p.querySelector(".main-svg")).length,
      decks: decks.length,
      decksDrawn: decks.filter((d) => [...d.querySelectorAll("canvas")].some((c) => c.__benchDrawn)).length,
      // a lazily loaded element (deck.gl's code the first time a map shows) stands as a skeleton meanwhile
      skeletons: [...document.querySelectorAll('[data-testid="stSkeleton"]')].filter(visible).length,
      exception: !!document.querySelector('[data-testid="stException"]'),
    };
  };

  probe.waitDrawn = (since, timeoutMs) => new Promise((resolve, reject) => {
    let quietFrames = 0;
    let lastSeenActivity = -1;
    let paintedAt = null;   // the first animation frame after the latest activity
    const tick = (frameTime) => {
      const now = performance.now();
      const state = probe.state();
      if (state.exception) {
        reject(new Error("the page shows an exception: " + JSON.stringify(state)));
        return;
      }
      if (now - since > timeoutMs) {
        // What kept it from settling: the script never ran since the action, or something kept changing.
        reject(new Error("not drawn in time: " + JSON.stringify({...state, quietFrames,
          msSinceActivity: Math.round(now - probe.lastActivity), draws: probe.draws,
          transitions: probe.transitions.filter((x) => x.t >= since).map((x) => `${x.from}>${x.to}`)})));
        return;
      }
      if (probe.lastActivity !== lastSeenActivity) {
        lastSeenActivity = probe.lastActivity;
        paintedAt = now;
        quietFrames = 0;
      } else {
        quietFrames += 1;
      }
      const after = probe.transitions.filter((x) => x.t >= since);
      const ran = after.some((x) => x.to === "running" || x.from === "running");
      const ready = ran && state.script === "notRunning" && state.plotsDrawn === state.plots
        && state.decksDrawn === state.decks && state.skeletons === 0;
      // A quick rerun can set the script state to running and back to idle in one React commit: the attribute
      // never changes and no transition is seen. Then the page counts as drawn once it changed after the
      // action (a DOM mutation or a WebGL draw) and has stayed still for 1.5 s, drawn at its last change.
      const settled = !ran && probe.lastActivity >= since && now - probe.lastActivity >= 1500
        && state.script === "notRunning" && state.plotsDrawn === state.plots
        && state.decksDrawn === state.decks && state.skeletons === 0;
      if ((ready && quietFrames >= 2) || settled) {
        const idle = after.filter((x) => x.to === "notRunning").pop();
        const busy = probe.longTasks.filter(([start]) => start >= since && start <= paintedAt)
          .reduce((sum, [, duration]) => sum + duration, 0);
        resolve({...state, drawn: paintedAt - since, idle: idle ? idle.t - since : null, busy});
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
})();
