// The plain line: -/+ buttons and a slider over whole steps, the four figures per 1,000, a
// sentence, and a picture of 100 people. Every step's figures arrive with the page (a small
// table), so a move redraws here at once; when the line settles the step goes back to Python.
const CODE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const OFFSET = 8;
const KINDS = ["true_alarm", "false_alarm", "missed", "not_flagged"];
const SETTLE_MS = 350;

function decode(text) {  // the inverse of tradeoffs.encode_changes
  const out = [];
  let current = 0;
  for (let i = 0; i < text.length; ) {
    let d;
    if (text[i] === "~") {
      const end = text.indexOf(";", i);
      d = parseInt(text.slice(i + 1, end), 10);
      i = end + 1;
    } else {
      d = CODE.indexOf(text[i]) - OFFSET;
      i += 1;
    }
    current += d;
    out.push(current);
  }
  return out;
}

const fmt = (n) => n.toLocaleString("en-GB");
const people = (n, one, many) => `${fmt(n)} ${n === 1 ? one : many}`;

function countsAt(t, step) {
  const f = t.flagged[step], a = t.true_alarm[step], e = t.escalated;
  return { true_alarm: a, false_alarm: f - a, missed: e - a, not_flagged: 1000 - f - e + a,
           flagged: f, escalated: e };
}

// As tradeoffs.largest_remainder(values, 100): floors, then the largest remainders (earlier wins ties).
function toHundred(values) {
  const total = values.reduce((x, y) => x + y, 0);
  if (total === 0) return values.map(() => 0);
  const exact = values.map((v) => (v / total) * 100);
  const base = exact.map((x) => Math.min(Math.floor(x + 1e-12), Math.ceil(x)));
  let left = 100 - base.reduce((x, y) => x + y, 0);
  const order = exact.map((x, i) => [x - base[i], i]).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
  for (let j = 0; left > 0; j++, left--) base[order[j][1]] += 1;
  return base;
}

// As tradeoffs.summary_sentence.
function summary(c) {
  const flagged = c.true_alarm + c.false_alarm;
  if (flagged === 0) {
    return `Out of every 1,000 referrals, the tool would flag none. It would miss ${people(c.missed, "child", "children")} who went on to a plan or care.`;
  }
  return `Out of every 1,000 referrals, the tool would flag ${fmt(flagged)}. Of these, ${fmt(c.true_alarm)} went on to a plan or care and ${fmt(c.false_alarm)} would be false alarms. It would miss ${people(c.missed, "child", "children")} who did go on to a plan or care.`;
}

// As tradeoffs.picture_sentence.
function pictureSentence(marks, pic) {
  const parts = KINDS.map((k, j) => {
    const w = marks[k];
    return `${fmt(pic[j])} ${pic[j] === 1 ? w[0] : w[1]} ${pic[j] === 1 ? w[2] : w[3]}.`;
  });
  return `Each person stands for 10 of the 1,000 referrals. ${parts.join(" ")}`;
}

function lineText(t, step, c) {
  if (t.mode === "per_1000") return `The line flags ${fmt(c.flagged)} in every 1,000 referrals.`;
  if (t.mode === "fixed") return `This tool only says yes or no: it flags ${fmt(c.flagged)} in every 1,000 referrals.`;
  if (t.labels[step] === "nobody") return "The line is above every score, so nobody is flagged.";
  return `The line flags referrals with a score of ${t.labels[step]}: ${fmt(c.flagged)} in every 1,000 referrals.`;
}

function valueText(t, step, c) {
  if (t.mode === "per_1000") return `${fmt(c.flagged)} in every 1,000 flagged`;
  return t.labels[step] === "nobody" ? "nobody flagged" : `score ${t.labels[step]}`;
}

function draw(ui, step) {
  const t = ui.table;
  const c = countsAt(t, step);
  ui.range.value = String(step);
  ui.range.setAttribute("aria-valuetext", valueText(t, step, c));
  ui.minus.disabled = step <= 0;
  ui.plus.disabled = step >= t.flagged.length - 1;
  ui.line.textContent = lineText(t, step, c);
  for (const k of ["flagged", "true_alarm", "false_alarm", "missed"]) {
    ui.fig[k].textContent = fmt(c[k]);
    ui.range_text[k].textContent = step === ui.settled ? ui.intervals[k] || "" : "";
  }
  ui.summary.textContent = summary(c);
  const pic = toHundred(KINDS.map((k) => c[k]));
  let i = 0;
  KINDS.forEach((k, j) => {
    ui.count[k].textContent = fmt(c[k]);
    for (let n = 0; n < pic[j]; n++, i++) ui.cells[i].setAttribute("data-kind", k);
  });
  ui.pictext.textContent = pictureSentence(ui.marks, pic);
  ui.shown = step;
}

function build(root, data) {
  const ui = { root, fig: {}, range_text: {}, count: {}, cells: [] };
  ui.range = root.querySelector("input[type=range]");
  ui.minus = root.querySelector("button.minus");
  ui.plus = root.querySelector("button.plus");
  ui.line = root.querySelector(".line-text");
  ui.summary = root.querySelector(".summary");
  ui.pictext = root.querySelector(".picture-text");
  for (const el of root.querySelectorAll("[data-figure]")) ui.fig[el.dataset.figure] = el;
  for (const el of root.querySelectorAll("[data-range]")) ui.range_text[el.dataset.range] = el;
  for (const el of root.querySelectorAll("[data-count]")) ui.count[el.dataset.count] = el;
  const svg = root.querySelector("svg.people");
  const person = root.querySelector("template.person").innerHTML;
  const NS = "http://www.w3.org/2000/svg";
  for (let i = 0; i < 100; i++) {
    const g = document.createElementNS(NS, "g");
    g.setAttribute("transform", `translate(${(i % 10) * 40},${Math.floor(i / 10) * 48})`);
    g.innerHTML = person;
    svg.appendChild(g);
    ui.cells.push(g);
  }
  return ui;
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const root = parentElement.querySelector(".csc-line");
  let ui = root.__csc;
  if (!ui) {
    ui = root.__csc = build(root, data);
    const settle = () => {
      clearTimeout(ui.timer);
      ui.pending = true;
      ui.timer = setTimeout(() => {
        ui.pending = false;
        ui.sent = ui.shown;
        // The small messenger in the fragment reruns only the fragment; without it, this
        // component's own state reruns the page.
        if (window.__cscLineSettle) window.__cscLineSettle(ui.shown);
        else setStateValue("step", ui.shown);
      }, SETTLE_MS);
    };
    const move = (step) => {
      const last = ui.table.flagged.length - 1;
      draw(ui, Math.max(0, Math.min(last, step)));
      settle();
    };
    ui.range.addEventListener("input", () => move(parseInt(ui.range.value, 10)));
    ui.minus.addEventListener("click", () => move(ui.shown - 1));
    ui.plus.addEventListener("click", () => move(ui.shown + 1));
    root.querySelector("svg.people").addEventListener("click", (ev) => {
      const kind = ev.target.closest("g[data-kind]")?.getAttribute("data-kind");
      if (kind) setTriggerValue("story", kind);
    });
    window.addEventListener("csc-line-settled", (ev) => {
      ui.settled = ev.detail.step;
      ui.intervals = ev.detail.intervals || {};
      ui.sent = undefined;
      if (!ui.pending) draw(ui, ui.shown);
    });
    for (const b of root.querySelectorAll("button[data-story]")) {
      b.addEventListener("click", () => setTriggerValue("story", b.dataset.story));
    }
  }
  ui.marks = data.marks;
  if (ui.tableCode !== data.table.flagged + "|" + data.table.true_alarm) {
    ui.table = { ...data.table, flagged: decode(data.table.flagged),
                 true_alarm: decode(data.table.true_alarm) };
    ui.tableCode = data.table.flagged + "|" + data.table.true_alarm;
    ui.range.max = String(ui.table.flagged.length - 1);
  }
  ui.settled = data.step;
  ui.intervals = data.intervals || {};
  const fixed = ui.table.flagged.length <= 1;
  root.querySelector(".controls").hidden = fixed;
  root.querySelector(".prompt").hidden = fixed;
  // A new step from Python (a "use this line" button, another page) wins unless this browser
  // has a move of its own still on its way.
  const moving = ui.pending || (ui.sent !== undefined && ui.sent !== data.step);
  draw(ui, moving && ui.shown !== undefined ? ui.shown : data.step);
  if (!moving) ui.sent = undefined;
}
