// Small SVG charts with no library: a monthly trend with its baseline, a day x hour
// heat map, a bar list of top areas and a sparkline. A month with no data is a gap in
// the line, never a zero.

import type { TrendPoint } from "./api";
import { RAMP } from "./map";

const SVG = "http://www.w3.org/2000/svg";

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}) {
  const t = el("text", { x, y, ...attrs });
  t.textContent = content;
  return t;
}

// Line segments through the points that have values; null breaks the line.
function segments(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

export function trendChart(container: HTMLElement, series: TrendPoint[]) {
  const W = 640, H = 220, L = 48, R = 10, T = 10, B = 34;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Incidents by month with baseline" });
  if (!series.length) {
    container.replaceChildren(Object.assign(document.createElement("p"), { className: "note", textContent: "No data for these filters." }));
    return;
  }
  const values = series.map((p) => p.incidents);
  const baselines = series.map((p) => p.baseline);
  const max = Math.max(1, ...values.map((v) => v ?? 0), ...baselines.map((v) => v ?? 0));
  const x = (i: number) => L + (series.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (series.length - 1));
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  for (const f of [0, 0.5, 1]) {
    svg.appendChild(el("line", { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), class: "grid" }));
    svg.appendChild(text(L - 4, y(max * f) + 4, String(Math.round(max * f)), { "text-anchor": "end", class: "axis" }));
  }
  const step = Math.max(1, Math.ceil(series.length / 8));
  series.forEach((p, i) => {
    if (i % step === 0) svg.appendChild(text(x(i), H - 12, p.month, { "text-anchor": "middle", class: "axis" }));
    if (p.incidents === null) svg.appendChild(el("rect", { x: x(i) - 2, y: T, width: 4, height: H - T - B, class: "gap" }));
  });
  svg.appendChild(el("path", { d: segments(baselines, x, y), class: "baseline" }));
  svg.appendChild(el("path", { d: segments(values, x, y), class: "series", "data-points": values.filter((v) => v !== null).length }));
  series.forEach((p, i) => {
    if (p.incidents === null) return;
    const dot = el("circle", { cx: x(i), cy: y(p.incidents), r: 2.5, class: "dot" });
    const title = el("title");
    title.textContent = `${p.month}: ${p.incidents}${p.baseline !== null ? ` (baseline ${p.baseline})` : ""}`;
    dot.appendChild(title);
    svg.appendChild(dot);
  });
  const legend = document.createElement("p");
  legend.className = "chart-legend";
  legend.innerHTML = '<span class="key series"></span> incidents <span class="key baseline"></span> baseline <span class="key gap"></span> no data';
  container.replaceChildren(svg, legend);
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export function heatMap(container: HTMLElement, cells: Map<string, number>, note: string | null) {
  if (note) {
    container.replaceChildren(Object.assign(document.createElement("p"), { className: "note", textContent: note }));
    return;
  }
  const W = 640, H = 200, L = 36, T = 8, B = 22;
  const cw = (W - L) / 24, ch = (H - T - B) / 7;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Incidents by day of week and hour" });
  const max = Math.max(1, ...cells.values());
  DAYS.forEach((day, d) => {
    svg.appendChild(text(L - 4, T + d * ch + ch * 0.65, day, { "text-anchor": "end", class: "axis" }));
    for (let h = 0; h < 24; h++) {
      const v = cells.get(`${d}:${h}`) ?? 0;
      const cls = v === 0 ? -1 : Math.min(4, Math.floor((v / max) * 5));
      const cell = el("rect", { x: L + h * cw, y: T + d * ch, width: cw - 1, height: ch - 1,
        fill: cls < 0 ? "#f4f4f4" : RAMP[cls], "data-day": d, "data-hour": h, "data-value": v });
      const title = el("title");
      title.textContent = `${day} ${String(h).padStart(2, "0")}:00 — ${v}`;
      cell.appendChild(title);
      svg.appendChild(cell);
    }
  });
  for (let h = 0; h < 24; h += 3) svg.appendChild(text(L + h * cw + cw / 2, H - 6, String(h).padStart(2, "0"), { "text-anchor": "middle", class: "axis" }));
  container.replaceChildren(svg);
}

export function barList(container: HTMLElement, rows: { code: string; label: string; value: number; display: string }[],
                        onPick: (code: string) => void) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const list = document.createElement("ol");
  list.className = "bars";
  for (const r of rows) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.className = "bar";
    button.dataset.code = r.code;
    button.innerHTML = `<span class="bar-label"></span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value"></span>`;
    (button.querySelector(".bar-label") as HTMLElement).textContent = r.label;
    (button.querySelector(".bar-fill") as HTMLElement).style.width = `${(100 * r.value) / max}%`;
    (button.querySelector(".bar-value") as HTMLElement).textContent = r.display;
    button.addEventListener("click", () => onPick(r.code));
    item.appendChild(button);
    list.appendChild(item);
  }
  container.replaceChildren(list);
}

export function sparkline(values: (number | null)[]): SVGSVGElement {
  const W = 160, H = 36;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "sparkline", role: "img", "aria-label": "last 12 months" });
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const x = (i: number) => 2 + (i * (W - 4)) / Math.max(1, values.length - 1);
  const y = (v: number) => H - 3 - (H - 6) * (v / max);
  svg.appendChild(el("path", { d: segments(values, x, y), class: "series" }));
  return svg;
}
