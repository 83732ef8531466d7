// A course figure's module where the course's server extension does not serve plotly (Colab,
// Kaggle, VS Code, a practitioner's own Jupyter). plotly's own figure would carry its whole
// bundle (about 5 MB) in every figure's state; here the first figure on a page asks its kernel
// for the bundle and the course's figure module, gzipped, and every later figure on that page
// uses what the page already has. The figure's first picture is in its state (it is born
// drawn); the updates Python sends while the module loads are kept and handed to plotly's model,
// in order, once it listens, so that the figure drawn is the figure as it is now.
const KEY = Symbol.for("course.figure/__VERSION__");
const PATIENCE_MS = 15000;  // then a figure still loading says why
// The updates plotly's model applies to the figure's data and layout.
const UPDATES = ["_py2js_addTraces", "_py2js_deleteTraces", "_py2js_moveTraces", "_py2js_restyle",
  "_py2js_relayout", "_py2js_update", "_py2js_animate", "_py2js_removeLayoutProps", "_py2js_removeTraceProps"];

// The kernel answers between cells: during Run All the request waits until the last cell has run,
// so it waits as long as that takes (a figure still loading says why after PATIENCE_MS).
function askForModule(model) {
  return new Promise((resolve) => {
    function answer(msg) {
      if (!msg || msg.course !== "module") return;
      model.off("msg:custom", answer);
      resolve(msg);
    }
    model.on("msg:custom", answer);
    model.send({course: "module"});
  });
}

async function gunzip(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

function moduleUrl(text) {
  return URL.createObjectURL(new Blob([text], {type: "text/javascript"}));
}

function figureModule(model) {
  if (!globalThis[KEY]) {
    const loading = askForModule(model).then(async (msg) => {
      const bundle = moduleUrl(await gunzip(msg.bundle));
      const figure = (await gunzip(msg.figure)).replaceAll("./widgetbundle.js", bundle);
      return await import(moduleUrl(figure));
    });
    globalThis[KEY] = loading;
    loading.catch(() => {
      if (globalThis[KEY] === loading) delete globalThis[KEY];  // the next figure asks again
    });
  }
  return globalThis[KEY];
}

// The updates that arrive before plotly's model listens: recorded in order, then replayed through
// a view of the model whose get() returns each recorded update while plotly's handler reads it.
function recorder(model) {
  const kept = [];
  const listeners = UPDATES.map((name) => {
    const listener = () => {
      const update = model.get(name);
      if (update !== null && update !== undefined) kept.push([name, update]);
    };
    model.on(`change:${name}`, listener);
    return [name, listener];
  });
  const replaying = new Map();
  const handlers = [];
  const view = new Proxy(model, {
    get(target, property) {
      if (property === "get") return (name) => (replaying.has(name) ? replaying.get(name) : target.get(name));
      if (property === "on") {
        return (event, handler, ...rest) => {
          handlers.push([event, handler]);
          return target.on(event, handler, ...rest);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    model: view,  // what plotly's model is given
    replay() {
      for (const [name, listener] of listeners) model.off(`change:${name}`, listener);
      for (const [name, update] of kept.splice(0)) {
        replaying.set(name, update);
        try {
          for (const [event, handler] of handlers) if (event === `change:${name}`) handler();
        } finally {
          replaying.delete(name);
        }
      }
    },
  };
}

export default () => {
  let widget;
  let ready;
  let plotlyModel;
  return {
    initialize({model}) {
      const updates = recorder(model);
      plotlyModel = updates.model;
      // not awaited: anywidget gives a model about 2 s to initialize, the bundle may take longer
      ready = figureModule(model).then((module) => {
        widget = module.default();
        widget.initialize({model: plotlyModel});
        updates.replay();
      });
      ready.catch(() => undefined);
    },
    async render({el}) {
      const note = document.createElement("div");
      note.className = "course-figure-loading";
      note.textContent = "Loading the figure…";
      el.appendChild(note);
      const patience = setTimeout(() => {
        note.textContent = "Loading the figure: its kernel sends what draws it once it has run the cells before it. " +
          "If the kernel has stopped, run this cell again.";
      }, PATIENCE_MS);
      try {
        await ready;
      } catch (error) {
        note.className = "course-figure-failed";
        note.textContent = `This figure could not load what draws it (${error}): run its cell again.`;
        return undefined;
      } finally {
        clearTimeout(patience);
      }
      note.remove();
      return widget.render({model: plotlyModel, el});
    },
  };
};
