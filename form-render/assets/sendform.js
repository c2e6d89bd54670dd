/*
 * sendform.js: conditional questions and "add another" on pages rendered by form-render.
 *
 * The page carries its rules as JSON (<script id="sendform-model">): the shown sections'
 * elements, each with its `visible when` rule as compiled in form.json, the answers those rules
 * read from other pages, the orders of ordered taxonomies and the date. The evaluator below
 * follows the runtime's rules exactly (form-runtime/src/eval.rs): three-valued logic, answers
 * of hidden questions and blank answers count as unanswered, rules inside a block are read
 * per entry. A test runs `visibility` in node against the runtime for the examples.
 *
 * Without this script, every conditional question shows, with its condition in its hint.
 */
(function (root) {
  "use strict";

  var UNKNOWN = { k: "unknown" };

  // ----- dates, as the runtime's civil dates ---------------------------------------------

  function daysInMonth(y, m) {
    return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  }

  function isLeap(y) {
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  }

  function validDate(y, m, d) {
    return y >= -9999 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
  }

  function parseDate(text) {
    if (typeof text !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return null;
    var y = +text.slice(0, 4), m = +text.slice(5, 7), d = +text.slice(8, 10);
    return validDate(y, m, d) ? { y: y, m: m, d: d } : null;
  }

  function dateKey(date) {
    return date.y * 10000 + date.m * 100 + date.d;
  }

  // Days since 1970-01-01 (proleptic Gregorian), and back.
  function toDays(date) {
    var y = date.y - (date.m <= 2 ? 1 : 0);
    var era = Math.floor(y / 400);
    var yoe = y - era * 400;
    var mp = (date.m + 9) % 12;
    var doy = Math.floor((153 * mp + 2) / 5) + date.d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  function fromDays(z) {
    z += 719468;
    var era = Math.floor(z / 146097);
    var doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153);
    var d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    var m = mp < 10 ? mp + 3 : mp - 9;
    return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m: m, d: d };
  }

  // A date moved by a length of time; months and years keep the day, clamped to the month.
  function shift(date, amount, unit) {
    var out;
    if (unit === "days" || unit === "weeks") {
      out = fromDays(toDays(date) + amount * (unit === "weeks" ? 7 : 1));
    } else {
      var months = date.y * 12 + (date.m - 1) + amount * (unit === "years" ? 12 : 1);
      var y = Math.floor(months / 12), m = months - y * 12 + 1;
      out = { y: y, m: m, d: Math.min(date.d, daysInMonth(y, m)) };
    }
    return validDate(out.y, out.m, out.d) ? out : null;
  }

  function age(birth, on) {
    var years = on.y - birth.y;
    if (on.m < birth.m || (on.m === birth.m && on.d < birth.d)) years -= 1;
    return years;
  }

  // ----- the form's shape ----------------------------------------------------------------

  var KINDS = {
    yes_no: "bool", declaration: "declaration", integer: "number", decimal: "number",
    date: "date", choice: "code", multi_choice: "codes", text: "text", long_text: "text",
    email: "text", phone: "text", postcode: "text", nhs_number: "text", upn: "text"
  };

  function Shape(model) {
    this.model = model;
    this.nodes = {};
    var self = this;
    (model.sections || []).forEach(function (section, index) {
      self.add(section.elements || [], index, []);
    });
    Object.keys(model.types || {}).forEach(function (id) {
      if (!self.nodes[id]) {
        self.nodes[id] = { id: id, type: model.types[id], rule: null, section: -1,
          blocks: (model.blocks || {})[id] || [] };
      }
    });
    this.orders = {};
    Object.keys(model.orders || {}).forEach(function (name) {
      var positions = {};
      model.orders[name].forEach(function (code, i) { positions[code] = i; });
      self.orders[name] = positions;
    });
    this.today = parseDate(model.today);
  }

  Shape.prototype.add = function (elements, section, blocks) {
    var self = this;
    elements.forEach(function (element) {
      self.nodes[element.id] = { id: element.id, type: element.type, rule: element.rule || null,
        fixed: element.fixed, section: section, blocks: blocks, elements: element.elements };
      if (element.type === "block") self.add(element.elements || [], section, blocks.concat([element.id]));
    });
  };

  // ----- evaluation ----------------------------------------------------------------------

  function Frame(block, object, parent) {
    this.block = block; // null for the root
    this.object = object || {};
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : 0;
    this.memo = {};
  }

  function isBlank(value) {
    if (value === null || value === undefined) return true;
    if (typeof value === "string") return value.trim() === "";
    if (Array.isArray(value)) return value.length === 0;
    return false;
  }

  function Evaluator(shape, answers) {
    this.shape = shape;
    this.root = new Frame(null, answers && typeof answers === "object" && !Array.isArray(answers) ? answers : {}, null);
    this.sections = {};
  }

  Evaluator.prototype.frameOf = function (frame, id) {
    var node = this.shape.nodes[id];
    if (!node) return null;
    var current = frame;
    while (current.depth > node.blocks.length) current = current.parent;
    var want = node.blocks.length ? node.blocks[node.blocks.length - 1] : null;
    return current.block === want ? current : null;
  };

  Evaluator.prototype.sectionVisible = function (index) {
    if (index < 0) return true;
    var memo = this.sections[index];
    if (memo === true || memo === false) return memo;
    if (memo === "computing") return false;
    this.sections[index] = "computing";
    var section = this.shape.model.sections[index];
    var shown = section.rule ? tri(this.eval(this.root, section.rule)) === true : section.shown !== false;
    this.sections[index] = shown;
    return shown;
  };

  Evaluator.prototype.visible = function (frame, id) {
    var memo = frame.memo[id];
    if (memo === true || memo === false) return memo;
    if (memo === "computing") return false;
    frame.memo[id] = "computing";
    var node = this.shape.nodes[id];
    var container;
    if (node.blocks.length) {
      container = frame.parent ? this.visible(frame.parent, node.blocks[node.blocks.length - 1]) : false;
    } else {
      container = this.sectionVisible(node.section);
    }
    var shown = container && (node.rule ? tri(this.eval(frame, node.rule)) === true : node.fixed !== false);
    frame.memo[id] = shown;
    return shown;
  };

  Evaluator.prototype.effective = function (frame, id) {
    var holder = this.frameOf(frame, id);
    if (!holder) return undefined;
    if (!Object.prototype.hasOwnProperty.call(holder.object, id)) return undefined;
    var value = holder.object[id];
    if (isBlank(value) || !this.visible(holder, id)) return undefined;
    return value;
  };

  Evaluator.prototype.answered = function (frame, id) {
    var value = this.effective(frame, id);
    if (value === undefined) return false;
    if (typeof value === "boolean") return value || KINDS[this.shape.nodes[id].type] !== "declaration";
    return true;
  };

  Evaluator.prototype.answer = function (frame, id) {
    var value = this.effective(frame, id);
    if (value === undefined) return UNKNOWN;
    var kind = KINDS[this.shape.nodes[id].type];
    if ((kind === "bool" || kind === "declaration") && typeof value === "boolean") return { k: "bool", v: value };
    if (kind === "number" && typeof value === "number") return { k: "num", v: value };
    if (kind === "code" && typeof value === "string") return { k: "str", v: value };
    if (kind === "text" && typeof value === "string") return { k: "str", v: value.trim() };
    if (kind === "date") { var date = parseDate(value); return date ? { k: "date", v: date } : UNKNOWN; }
    if (kind === "codes" && Array.isArray(value)) return { k: "codes", v: value };
    return UNKNOWN;
  };

  // Calls visit(entryFrame) for each entry of the block; false when the answers are malformed.
  Evaluator.prototype.entries = function (frame, block, visit) {
    var holder = this.frameOf(frame, block);
    if (!holder) return false;
    var value = this.effective(frame, block);
    if (value === undefined) return true;
    if (!Array.isArray(value)) return false;
    for (var i = 0; i < value.length; i++) {
      var entry = value[i];
      if (!entry || typeof entry !== "object" || Array.isArray(entry)) return false;
      if (!visit(new Frame(block, entry, holder))) break;
    }
    return true;
  };

  function tri(value) {
    return value.k === "bool" ? value.v : null;
  }

  function fromTri(t) {
    return t === null ? UNKNOWN : { k: "bool", v: t };
  }

  function not(t) {
    return t === null ? null : !t;
  }

  function compareStrings(a, b) {
    // Rust compares strings by their UTF-8 bytes, which is code point order.
    var ai = Array.from(a), bi = Array.from(b);
    for (var i = 0; i < Math.min(ai.length, bi.length); i++) {
      var x = ai[i].codePointAt(0), y = bi[i].codePointAt(0);
      if (x !== y) return x < y ? -1 : 1;
    }
    return ai.length === bi.length ? 0 : ai.length < bi.length ? -1 : 1;
  }

  Evaluator.prototype.compare = function (cmp, left, right, order) {
    var ordering = null;
    if (left.k === "num" && right.k === "num") {
      if (!isNaN(left.v) && !isNaN(right.v)) ordering = left.v < right.v ? -1 : left.v > right.v ? 1 : 0;
    } else if (left.k === "date" && right.k === "date") {
      var a = dateKey(left.v), b = dateKey(right.v);
      ordering = a < b ? -1 : a > b ? 1 : 0;
    } else if (left.k === "bool" && right.k === "bool") {
      ordering = left.v === right.v ? 0 : left.v ? 1 : -1;
    } else if (left.k === "str" && right.k === "str") {
      var positions = order ? this.shape.orders[order] : null;
      if (positions) {
        if (left.v in positions && right.v in positions) {
          ordering = positions[left.v] - positions[right.v];
          ordering = ordering < 0 ? -1 : ordering > 0 ? 1 : 0;
        }
      } else if (order) {
        ordering = null;
      } else {
        ordering = compareStrings(left.v, right.v);
      }
    }
    if (ordering === null) return UNKNOWN;
    var holds = { eq: ordering === 0, ne: ordering !== 0, lt: ordering < 0, le: ordering <= 0,
      gt: ordering > 0, ge: ordering >= 0 }[cmp];
    return { k: "bool", v: holds };
  };

  function arithmetic(op, left, right) {
    if (left.k === "num" && right.k === "num") {
      if (op === "add") return { k: "num", v: left.v + right.v };
      if (op === "sub") return { k: "num", v: left.v - right.v };
      if (op === "mul") return { k: "num", v: left.v * right.v };
      if (op === "div" && right.v !== 0) return { k: "num", v: left.v / right.v };
      return UNKNOWN;
    }
    var moved = null;
    if (op === "add" && left.k === "date" && right.k === "dur") moved = shift(left.v, right.amount, right.unit);
    else if (op === "add" && left.k === "dur" && right.k === "date") moved = shift(right.v, left.amount, left.unit);
    else if (op === "sub" && left.k === "date" && right.k === "dur") moved = shift(left.v, -right.amount, right.unit);
    return moved ? { k: "date", v: moved } : UNKNOWN;
  }

  Evaluator.prototype.eval = function (frame, e) {
    var self = this, result, complete, i;
    switch (e.op) {
      case "bool": return { k: "bool", v: e.value };
      case "number": return { k: "num", v: e.value };
      case "text": case "code": return { k: "str", v: e.value };
      case "date": { var d = parseDate(e.value); return d ? { k: "date", v: d } : UNKNOWN; }
      case "today": return { k: "date", v: this.shape.today };
      case "duration": return { k: "dur", amount: e.amount, unit: e.unit };
      case "answer": return this.answer(frame, e.question);
      case "answered": return { k: "bool", v: this.answered(frame, e.question) };
      case "not": return fromTri(not(tri(this.eval(frame, e.operand))));
      case "and":
        result = true;
        for (i = 0; i < e.operands.length; i++) {
          var a = tri(this.eval(frame, e.operands[i]));
          if (a === false) return { k: "bool", v: false };
          if (a === null) result = null;
        }
        return fromTri(result);
      case "or":
        result = false;
        for (i = 0; i < e.operands.length; i++) {
          var o = tri(this.eval(frame, e.operands[i]));
          if (o === true) return { k: "bool", v: true };
          if (o === null) result = null;
        }
        return fromTri(result);
      case "compare":
        return this.compare(e.cmp, this.eval(frame, e.left), this.eval(frame, e.right), e.order);
      case "in": {
        var value = this.eval(frame, e.value);
        if (value.k === "unknown") return UNKNOWN;
        result = false;
        for (i = 0; i < e.list.length; i++) {
          var eq = this.compare("eq", value, this.eval(frame, e.list[i]), null);
          if (eq.k === "bool" && eq.v) { result = true; break; }
          if (eq.k !== "bool") result = null;
        }
        return fromTri(e.negated ? not(result) : result);
      }
      case "includes": {
        var codes = this.eval(frame, e.choices), code = this.eval(frame, e.code);
        if (codes.k !== "codes" || code.k !== "str") return UNKNOWN;
        var found = codes.v.some(function (c) { return c === code.v; });
        return { k: "bool", v: found !== !!e.negated };
      }
      case "arithmetic":
        return arithmetic(e.operator, this.eval(frame, e.left), this.eval(frame, e.right));
      case "negate": {
        var n = this.eval(frame, e.operand);
        return n.k === "num" ? { k: "num", v: -n.v } : UNKNOWN;
      }
      case "count": {
        var count = 0;
        complete = this.entries(frame, e.block, function (entry) {
          if (!e.filter || tri(self.eval(entry, e.filter)) === true) count += 1;
          return true;
        });
        return complete ? { k: "num", v: count } : UNKNOWN;
      }
      case "any":
        result = false;
        complete = this.entries(frame, e.block, function (entry) {
          var t = tri(self.eval(entry, e.condition));
          if (t === true) { result = true; return false; }
          if (t === null) result = null;
          return true;
        });
        return complete || result === true ? fromTri(result) : UNKNOWN;
      case "all":
        result = true;
        complete = this.entries(frame, e.block, function (entry) {
          var t = tri(self.eval(entry, e.condition));
          if (t === false) { result = false; return false; }
          if (t === null) result = null;
          return true;
        });
        return complete || result === false ? fromTri(result) : UNKNOWN;
      case "age": {
        var on = e.on ? this.eval(frame, e.on) : { k: "date", v: this.shape.today };
        var birth = this.eval(frame, e.birth);
        return birth.k === "date" && on.k === "date" ? { k: "num", v: age(birth.v, on.v) } : UNKNOWN;
      }
    }
    return UNKNOWN;
  };

  function escapeKey(key) {
    return key.replace(/~/g, "~0").replace(/\//g, "~1");
  }

  // Which sections and elements are shown: the runtime's Validator::visibility.
  function visibility(model, answers) {
    var shape = new Shape(model);
    var ev = new Evaluator(shape, answers);
    var out = { sections: [], elements: [] };
    function walk(frame, elements, path) {
      elements.forEach(function (element) {
        var pointer = path + "/" + escapeKey(element.id);
        var shown = ev.visible(frame, element.id);
        out.elements.push([pointer, shown]);
        var value = frame.object[element.id];
        if (shown && element.type === "block" && Array.isArray(value)) {
          value.forEach(function (entry, i) {
            if (entry && typeof entry === "object" && !Array.isArray(entry)) {
              walk(new Frame(element.id, entry, frame), element.elements || [], pointer + "/" + i);
            }
          });
        }
      });
    }
    (model.sections || []).forEach(function (section, index) {
      out.sections.push([section.id, ev.sectionVisible(index)]);
      walk(ev.root, section.elements || [], "");
    });
    return out;
  }

  // ----- the page ------------------------------------------------------------------------

  // The answers on the page, read as the server reads a posted page.
  function readPage(form, model) {
    var answers = {};
    function fields(name) {
      return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
    }
    function read(element, name) {
      var els;
      switch (element.type) {
        case "block": {
          var indices = {};
          Array.prototype.forEach.call(form.elements, function (el) {
            if (el.name && el.name.indexOf(name + ".") === 0) {
              var index = el.name.slice(name.length + 1).split(".")[0];
              if (/^[0-9]+$/.test(index)) indices[index] = true;
            }
          });
          var entries = Object.keys(indices).sort(function (a, b) { return a - b; }).map(function (index) {
            var entry = {};
            (element.elements || []).forEach(function (inner) {
              var value = read(inner, name + "." + index + "." + inner.id);
              if (value !== undefined) entry[inner.id] = value;
            });
            return entry;
          });
          return entries.length ? entries : undefined;
        }
        case "yes_no":
          els = fields(name).filter(function (el) { return el.checked; });
          return els.length ? els[0].value === "yes" : undefined;
        case "declaration":
          els = fields(name).filter(function (el) { return el.checked; });
          return els.length ? true : undefined;
        case "choice":
          els = fields(name).filter(function (el) { return el.type === "radio" ? el.checked : true; });
          return els.length && els[0].value ? els[0].value : undefined;
        case "multi_choice":
          els = fields(name).filter(function (el) { return el.checked; });
          return els.length ? els.map(function (el) { return el.value; }) : undefined;
        case "date": {
          var part = function (p) { var f = fields(name + "-" + p)[0]; return f ? f.value.trim() : ""; };
          var y = part("year"), m = part("month"), d = part("day");
          if (!y && !m && !d) return undefined;
          var pad = function (t, w) { return /^[0-9]+$/.test(t) ? ("0000" + t).slice(-Math.max(w, t.length)) : t; };
          return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2);
        }
        case "integer": case "decimal": {
          els = fields(name);
          if (!els.length || !els[0].value.trim()) return undefined;
          var n = Number(els[0].value.replace(/,/g, "").trim());
          return isFinite(n) ? n : els[0].value.trim();
        }
        case "content": case "file": return undefined;
        default:
          els = fields(name);
          return els.length && els[0].value.trim() ? els[0].value : undefined;
      }
    }
    (model.sections || []).forEach(function (section) {
      (section.elements || []).forEach(function (element) {
        var value = read(element, element.id);
        if (value !== undefined) answers[element.id] = value;
      });
    });
    return answers;
  }

  function update(form, model) {
    var answers = Object.assign({}, model.answers || {}, readPage(form, model));
    var shown = visibility(model, answers);
    var byPointer = {};
    shown.elements.forEach(function (pair) { byPointer[pair[0]] = pair[1]; });
    shown.sections.forEach(function (pair) { byPointer["section:" + pair[0]] = pair[1]; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-sendform-pointer]"), function (el) {
      var pointer = el.getAttribute("data-sendform-pointer");
      // An entry added on the page is not in the answers yet: it follows the rules once typed in.
      if (pointer in byPointer) el.hidden = !byPointer[pointer];
    });
  }

  // "Add another" without a round trip: copy the last entry, numbered on, emptied.
  function renumber(entry, from, to, block) {
    var name = block.replace(/^\//, "").split("/").join(".");
    var id = name.split(".").join("-");
    var attrs = ["name", "id", "for", "aria-describedby", "data-sendform-pointer", "value", "href"];
    Array.prototype.forEach.call(entry.querySelectorAll("*"), function (el) {
      attrs.forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value === null) return;
        value = value.split(name + "." + from + ".").join(name + "." + to + ".")
          .split(id + "-" + from + "-").join(id + "-" + to + "-")
          .split(block + "/" + from).join(block + "/" + to);
        el.setAttribute(attr, value);
      });
    });
  }

  function enhanceBlocks(form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[name=sendform-action]");
      if (!button || button.value.indexOf("add:") !== 0) return;
      var block = button.value.slice(4);
      var container = button.closest("[data-sendform-block]");
      var entries = container ? container.querySelectorAll(":scope > .sendform-entry") : [];
      if (!entries.length) return;
      event.preventDefault();
      var last = entries[entries.length - 1];
      var copy = last.cloneNode(true);
      renumber(copy, entries.length - 1, entries.length, block);
      Array.prototype.forEach.call(copy.querySelectorAll("input, textarea, select"), function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = false;
        else if (el.tagName === "SELECT") el.selectedIndex = 0;
        else el.value = "";
      });
      Array.prototype.forEach.call(copy.querySelectorAll(".govuk-error-message"), function (el) { el.remove(); });
      var legend = copy.querySelector("legend");
      if (legend) legend.textContent = legend.textContent.replace(/[0-9]+\s*$/, String(entries.length + 1));
      last.parentNode.insertBefore(copy, last.nextSibling);
      var first = copy.querySelector("input, textarea, select");
      if (first) first.focus();
    });
  }

  var api = { visibility: visibility, parseDate: parseDate, shift: shift };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  root.sendform = api;

  if (typeof document !== "undefined") {
    var start = function () {
      var source = document.getElementById("sendform-model");
      var form = document.querySelector("form");
      if (!source || !form) return;
      var model = JSON.parse(source.textContent);
      enhanceBlocks(form);
      update(form, model);
      form.addEventListener("input", function () { update(form, model); });
      form.addEventListener("change", function () { update(form, model); });
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : globalThis);
