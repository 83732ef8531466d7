// The course's figure module: plotly's own FigureWidget (imported from its bundle, served next
// to this file), with one change in how it applies the updates a kernel sends.
//
// plotly's view marks every update from Python with a `_doNotReportToPy` key, so that the event
// plotly.js fires afterwards is not reported back to Python. plotly.js does not know that key,
// and an attribute it does not know makes it redraw the whole figure: every trace, axis,
// annotation and shape, for a change of one title. Here the key is set so that plotly.js does
// not see it (not enumerable), and the event that follows each update from Python is skipped by
// counting, so plotly.js redraws only what changed and nothing more is sent back than before.

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

export * from "./widgetbundle.js";
export default plotly.default;
