// The course's figure module: plotly's own FigureWidget (imported from its bundle, served next
// to this file), with two changes in how it handles the updates a kernel sends.
//
// plotly's view marks every update from Python with a `_doNotReportToPy` key, so that the event
// plotly.js fires afterwards is not reported back to Python. plotly.js does not know that key,
// and an attribute it does not know makes it redraw the whole figure: every trace, axis,
// annotation and shape, for a change of one title. Here the key is set so that plotly.js does
// not see it (not enumerable), and the event that follows each update from Python is skipped by
// counting, so plotly.js redraws only what changed and nothing more is sent back than before.
//
// After every update plotly's view also works out every default plotly.js filled in (the whole
// layout and every trace, walked and compared) and sends them to Python, which merges them:
// two more messages and tens of milliseconds of work in the page and in the kernel, for each
// move of a slider. Here that report waits until the figure has been still for REPORT_DELAY_MS
// and then goes once, for the last update (Python only reads the report of its last update),
// so a drag is not slowed by reports that the next move makes stale.

import * as plotly from "./widgetbundle.js";

// view method -> [the model's message, its parts that plotly.js reads, the event it fires]
const UPDATES = {
  do_update: ["_py2js_update", ["style_data", "layout_data"], "handle_plotly_update"],
  do_restyle: ["_py2js_restyle", ["restyle_data"], "handle_plotly_restyle"],
  do_relayout: ["_py2js_relayout", ["relayout_data"], "handle_plotly_relayout"],
};

function unseen(data) {
  const part = data && typeof data === "object" ? data : {};
  Object.defineProperty(part, "_doNotReportToPy", {value: true, writable: true, enumerable: false, configurable: true});
  return part;
}

const REPORT_DELAY_MS = 1000;
const REPORTS = {_sendTraceDeltas: "trace", _sendLayoutDelta: "layout"};

const View = plotly.FigureView;
if (View && !View.prototype.courseUpdates) {
  View.prototype.courseUpdates = true;
  for (const [method, [message, parts, handler]] of Object.entries(UPDATES)) {
    const apply = View.prototype[method];
    const report = View.prototype[handler];
    if (typeof apply !== "function" || typeof report !== "function") continue;
    View.prototype[method] = function () {
      const model = this.model;
      const update = model.get(message);  // a new copy at every call (the model deserialises it)
      if (!update) return apply.call(this);
      for (const part of parts) update[part] = unseen(update[part]);
      // plotly's relayout from Python is skipped by the view that sent it (no event then)
      if (!(method === "do_relayout" && update.source_view_id === this.viewID)) {
        this.coursePending = this.coursePending || {};
        this.coursePending[handler] = (this.coursePending[handler] || 0) + 1;
      }
      // plotly's method reads the message again: let it read this copy
      model.get = (name) => (name === message ? update : Object.getPrototypeOf(model).get.call(model, name));
      try {
        return apply.call(this);
      } finally {
        delete model.get;
      }
    };
    View.prototype[handler] = function (data) {
      const pending = this.coursePending || {};
      if (pending[handler] > 0) {
        pending[handler] -= 1;  // the event of an update from Python: Python has it already
        return undefined;
      }
      return report.call(this, data);
    };
  }
}

if (View && !View.prototype.courseReports) {
  View.prototype.courseReports = true;
  const send = {};
  for (const [method, kind] of Object.entries(REPORTS)) {
    send[kind] = View.prototype[method];
    if (typeof send[kind] !== "function") continue;
    View.prototype[method] = function (editId) {
      this.courseEdits = this.courseEdits || {};
      this.courseEdits[kind] = editId;  // the last edit is the one Python waits for
      clearTimeout(this.courseReportTimer);
      this.courseReportTimer = setTimeout(() => {
        const edits = this.courseEdits;
        this.courseEdits = {};
        if (!this.el || !this.el._fullLayout) return;  // the view is gone
        for (const [which, id] of Object.entries(edits)) send[which].call(this, id);
      }, REPORT_DELAY_MS);
    };
  }
}

export * from "./widgetbundle.js";
export default plotly.default;
