// The harmlens dashboard: the analyst's five-variable view (map, trend, day x hour,
// top areas, drill-down, export) and the SPB's progress tiles. Everything it shows comes
// from the same-origin API; filters are query parameters of aggregate routes only.

import "./style.css";
import { ApiError, getJson } from "./api";
import type { Counts, KdeSurface, Measure, Meta, Params, Progress, Tile, Trend } from "./api";
import { barList, heatMap, sparkline, trendChart } from "./charts";
import { LlrMap, NO_VALUE, RAMP } from "./map";
import type { FeatureCollection } from "./map";
import { downloadCsv, downloadGeoJson } from "./export";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

interface FilterDef { param: string; label: string; options: [string, string][]; group: string }

let meta: Meta;
let map: LlrMap;
let selected: { level: "lsoa" | "csp"; code: string } | null = null;
// What the map shows now, for export: code -> row.
type ScreenRow = { name: string; incidents: number; population?: number; rate?: number; harm?: number };
let onScreen: { level: "lsoa" | "csp"; rows: Map<string, ScreenRow> } =
  { level: "lsoa", rows: new Map() };
// The KDE layer on screen (null when off), for the legend and the GeoJSON export.
let kdeOnScreen: KdeSurface | null = null;
let generation = 0;

function showError(error: unknown) {
  const box = $("error");
  box.hidden = false;
  box.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

function months(): string[] {
  const all = new Set<string>();
  for (const s of meta.sources) s.months.forEach((m) => all.add(m));
  return [...all].sort();
}

function filterDefs(): FilterDef[] {
  const pretty = (s: string) => s.replace(/-/g, " ");
  return [
    { group: "Nature", param: "crime_type", label: "Crime type", options: meta.crime_types.map((t) => [t.slug, t.name]) },
    { group: "Nature", param: "behaviour", label: "Harmful behaviour",
      options: meta.behaviours.map((b) => [b.slug, b.title + (b.seen ? "" : " (no data yet)")]) },
    { group: "Nature", param: "weapon", label: "Weapon", options: meta.weapons.map((w) => [w, pretty(w)]) },
    { group: "Perpetrator", param: "perpetrator_age", label: "Age", options: meta.age_groups.map((a) => [a, pretty(a)]) },
    { group: "Perpetrator", param: "perpetrator_sex", label: "Sex", options: ["female", "male", "other", "unknown"].map((s) => [s, s]) },
    { group: "Victim", param: "victim_age", label: "Age", options: meta.age_groups.map((a) => [a, pretty(a)]) },
    { group: "Victim", param: "victim_sex", label: "Sex", options: ["female", "male", "other", "unknown"].map((s) => [s, s]) },
    { group: "Location", param: "csp", label: "CSP area", options: meta.csp_areas.map((a) => [a.code, a.name]) },
    { group: "Location", param: "imd_decile", label: "IMD decile (1 = most deprived)",
      options: Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)]) },
  ];
}

function buildFilters() {
  const aside = $("filters");
  aside.replaceChildren();
  const section = (title: string) => {
    const fs = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = title;
    fs.appendChild(legend);
    aside.appendChild(fs);
    return fs;
  };
  const select = (parent: HTMLElement, id: string, label: string, options: [string, string][], any = "Any") => {
    const wrap = document.createElement("label");
    wrap.textContent = label;
    const s = document.createElement("select");
    s.id = id;
    if (any) s.appendChild(option("", any));
    for (const [v, l] of options) s.appendChild(option(v, l));
    s.addEventListener("change", refresh);
    wrap.appendChild(s);
    parent.appendChild(wrap);
    return s;
  };

  const time = section("Time");
  const all = months();
  select(time, "filter-from", "From", all.map((m) => [m, m]), "First month");
  select(time, "filter-to", "To", all.map((m) => [m, m]), "Last month");
  const days = document.createElement("div");
  days.className = "days";
  days.id = "filter-day";
  for (const d of ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]) {
    const l = document.createElement("label");
    const c = document.createElement("input");
    c.type = "checkbox";
    c.value = d;
    c.addEventListener("change", refresh);
    l.append(c, d);
    days.appendChild(l);
  }
  time.appendChild(days);
  const hours = Array.from({ length: 24 }, (_, h) => [String(h), `${String(h).padStart(2, "0")}:00`] as [string, string]);
  select(time, "filter-hour-from", "Hours from", hours, "Any");
  select(time, "filter-hour-to", "to", hours, "Any");

  const sources = section("Source");
  sources.id = "filter-source";
  for (const s of meta.sources) {
    const l = document.createElement("label");
    const c = document.createElement("input");
    c.type = "checkbox";
    c.value = s.slug;
    c.checked = s.months.length > 0;
    c.disabled = s.months.length === 0;
    c.addEventListener("change", refresh);
    l.append(c, ` ${s.slug}${s.synthetic ? " (SYNTHETIC)" : ""}${s.months.length ? "" : " (not loaded)"}`);
    sources.appendChild(l);
  }

  const groups = new Map<string, HTMLElement>();
  for (const def of filterDefs()) {
    if (!groups.has(def.group)) groups.set(def.group, section(def.group));
    select(groups.get(def.group)!, `filter-${def.param.replace(/_/g, "-")}`, def.label, def.options);
  }
  const reset = document.createElement("button");
  reset.id = "filter-reset";
  reset.textContent = "Clear filters";
  reset.addEventListener("click", () => {
    for (const s of aside.querySelectorAll("select")) (s as HTMLSelectElement).value = "";
    for (const c of aside.querySelectorAll<HTMLInputElement>("#filter-day input")) c.checked = false;
    refresh();
  });
  aside.appendChild(reset);
}

// The filter parameters as the API takes them.
function filterParams(): Params {
  const p: Params = {};
  const value = (id: string) => ($(id) as HTMLSelectElement | null)?.value || undefined;
  p.from = value("filter-from");
  p.to = value("filter-to");
  for (const def of filterDefs()) p[def.param] = value(`filter-${def.param.replace(/_/g, "-")}`);
  const days = [...document.querySelectorAll<HTMLInputElement>("#filter-day input:checked")].map((c) => c.value);
  if (days.length) p.day = days.join(",");
  const hf = value("filter-hour-from"), ht = value("filter-hour-to");
  if (hf !== undefined || ht !== undefined) {
    const lo = Number(hf ?? 0), hi = Number(ht ?? 23);
    const hs: number[] = [];
    for (let h = lo; h !== (hi + 1) % 24 || hs.length === 0; h = (h + 1) % 24) { hs.push(h); if (hs.length >= 24) break; }
    p.hour = hs.join(",");
  }
  const sources = [...document.querySelectorAll<HTMLInputElement>("#filter-source input")];
  const chosen = sources.filter((c) => c.checked && !c.disabled).map((c) => c.value);
  if (chosen.length < sources.filter((c) => !c.disabled).length) p.source = chosen.length ? chosen.join(",") : "none";
  return p;
}

// The same filters in the engine's field names (/api/v1/query, docs/api.md).
function engineParams(p: Params): Params {
  const age = (v: string | undefined) => v?.split(",").map((a) => (a === "25-and-over" ? "25+" : a)).join(",");
  return {
    from: p.from, to: p.to, category: p.crime_type, behaviour: p.behaviour, weapon: p.weapon, source: p.source,
    victim_age: age(p.victim_age), victim_sex: p.victim_sex, offender_age: age(p.perpetrator_age),
    offender_sex: p.perpetrator_sex, dow: p.day, hour: p.hour, csp: p.csp, imd_decile: p.imd_decile,
  };
}

interface EngineResult { columns: string[]; rows: string[][]; incidents: number; notes: string[]; harm_weights_version: string }

function describeFilters(p: Params): string {
  const parts = Object.entries(p).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join("; ") : "no filters";
}

function measure(): "incidents" | "rate" | "harm" {
  return ($("measure") as HTMLSelectElement).value as "incidents" | "rate" | "harm";
}

function level(): "lsoa" | "csp" {
  return ($("level") as HTMLSelectElement).value as "lsoa" | "csp";
}

function format(n: number | undefined, kind: string): string {
  if (n === undefined) return "–";
  return kind === "rate" ? n.toFixed(2) : Math.round(n).toLocaleString("en-GB");
}

async function refresh() {
  const mine = ++generation;
  $("error").hidden = true;
  const p = filterParams();
  if (p.source === "none") {
    showError("Choose at least one source.");
    return;
  }
  const lvl = level();
  const kind = measure();
  try {
    const [areas, trend, dayHour] = await Promise.all([
      getJson<Counts>("counts", { ...p, group: lvl }),
      getJson<Trend>("trend", p),
      getJson<Counts>("counts", { ...p, group: "day_hour" }),
    ]);
    if (mine !== generation) return;  // a newer request has started
    const synthetic = areas.synthetic_sources;
    $("summary").innerHTML = "";
    const summary = document.createElement("span");
    summary.id = "matched";
    summary.dataset.matched = String(areas.matched);
    summary.textContent = `${areas.matched.toLocaleString("en-GB")} incidents match (${describeFilters(p)})` +
      (areas.not_grouped ? `; ${areas.not_grouped.toLocaleString("en-GB")} have no LLR location and are not on the map` : "");
    $("summary").appendChild(summary);
    if (synthetic.length) {
      const badge = document.createElement("span");
      badge.className = "synthetic-badge";
      badge.textContent = `includes SYNTHETIC data: ${synthetic.join(", ")}`;
      $("summary").appendChild(badge);
    }

    const rows = new Map<string, ScreenRow>();
    for (const r of areas.rows) rows.set(String(r.key), { name: r.label, incidents: r.incidents, population: r.population, rate: r.rate_per_1000 });
    // Every area of the level gets a value: an area with no incident is a real zero here
    // (the sources cover all of LLR), unlike a month with no data.
    const names = lvl === "lsoa" ? meta.lsoas.map((l) => [l.code, l.name, l.population] as const)
                                 : meta.csp_areas.map((a) => [a.code, a.name, a.population] as const);
    for (const [code, name, population] of names) {
      if (!rows.has(code)) rows.set(code, { name, incidents: 0, population, rate: 0 });
    }
    for (const code of [...rows.keys()]) if (!names.some(([c]) => c === code)) rows.delete(code);  // outside LLR, no location
    onScreen = { level: lvl, rows };
    const values = new Map<string, number>();
    for (const [code, r] of rows) values.set(code, kind === "rate" ? r.rate ?? 0 : r.incidents);
    if (kind === "harm") {
      // Harm comes from the analysis engine: days of imprisonment (Cambridge CHI style).
      const harm = await getJson<EngineResult>("query", { ...engineParams(p), by: lvl, measures: "count,harm" });
      if (mine !== generation) return;
      const col = harm.columns.indexOf("harm_days");
      const codeOf = (key: string) => lvl === "lsoa" ? key : meta.csp_areas.find((a) => a.name === key)?.code ?? key;
      for (const code of values.keys()) values.set(code, 0);
      for (const row of harm.rows) if (values.has(codeOf(row[0]))) values.set(codeOf(row[0]), Number(row[col]));
      for (const [code, r] of rows) r.harm = values.get(code);
    }
    const unit = kind === "rate" ? " per 1,000 residents" : kind === "harm" ? " days of harm" : " incidents";
    const breaks = map.fill(lvl, values, (code, v) => `${rows.get(code)?.name ?? code}: ${format(v, kind)}${unit}`);
    const title = kind === "rate" ? "Incidents per 1,000 residents" : kind === "harm" ? "Harm (days, CHI)" : "Incidents";
    $("map-title").textContent = `${title} by ${lvl === "lsoa" ? "LSOA" : "CSP area"}`;
    legend(breaks, kind);

    const top = [...rows.entries()].sort((a, b) => (values.get(b[0]) ?? 0) - (values.get(a[0]) ?? 0)).slice(0, 10);
    barList($("top-areas"), top.map(([code, r]) => ({ code, label: r.name, value: values.get(code) ?? 0, display: format(values.get(code), kind) })),
      (code) => drill(lvl, code));

    const notes: string[] = [];
    const kde = $("layer-kde") as HTMLInputElement;
    kdeOnScreen = null;
    if (kde.checked && !kde.disabled) {
      const surface = await getJson<KdeSurface>("hotspots", { ...p, method: "kde" });
      if (mine !== generation) return;
      kdeOnScreen = surface;
      map.surface(surface.cells, surface.classes.map((c) => c.colour));
      notes.push(surface.note ? `KDE: ${surface.note}` :
        `KDE (quartic, bandwidth ${Math.round(surface.bandwidth_m).toLocaleString("en-GB")} m, ${surface.cell_m} m cells): ` +
        `${surface.cells_shown.toLocaleString("en-GB")} cells at or above the mean of ${surface.mean_density.toFixed(1)} incidents per km²` +
        (surface.without_point ? `; ${surface.without_point.toLocaleString("en-GB")} incidents have no place` : ""));
      kdeLegend(surface);
    } else {
      map.surface(null);
    }
    const gi = $("layer-gi") as HTMLInputElement;
    if (gi.checked && !gi.disabled) {
      const spots = await getJson<{ rows: { key: string; class: string; colour: string }[] }>("hotspots", { ...p, method: "gi" });
      if (mine !== generation) return;
      const colours = new Map<string, string>();
      for (const r of spots.rows) if (r.class !== "none") colours.set(r.key, r.colour);
      map.overlay(colours);
      notes.push(`Gi* (queen contiguity, FDR): ${colours.size} LSOAs hot or cold`);
    } else {
      map.overlay(null);
    }
    $("layers-note").textContent = notes.length ? notes.join(" · ") : layersHint();

    trendChart($("trend"), trend.series);
    const cells = new Map<string, number>();
    const dayIndex = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    for (const r of dayHour.rows) {
      const k = r.key as { day: string; hour: number };
      cells.set(`${dayIndex.indexOf(k.day)}:${k.hour}`, r.incidents);
    }
    heatMap($("heatmap"), cells, dayHour.rows.length ? null :
      "No time of day in the incidents selected: police.uk gives the month only. Load the police extract or A&E data for day and hour.");
    document.body.dataset.generation = String(mine);
    if (selected) await drill(selected.level, selected.code);
  } catch (error) {
    showError(error);
  }
}

function legend(breaks: number[], kind: string) {
  const box = $("legend");
  box.replaceChildren();
  const labels = [`≤ ${format(breaks[0], kind)}`, ...breaks.slice(1).map((b, i) => `${format(breaks[i], kind)} – ${format(b, kind)}`), `> ${format(breaks[3], kind)}`];
  RAMP.forEach((colour, i) => {
    const item = document.createElement("span");
    item.innerHTML = `<i style="background:${colour}"></i>`;
    item.append(labels[i]);
    box.appendChild(item);
  });
  const none = document.createElement("span");
  none.innerHTML = `<i style="background:${NO_VALUE}"></i>`;
  none.append("no value");
  box.appendChild(none);
}

function kdeLegend(surface: KdeSurface) {
  const box = $("legend");
  const title = document.createElement("span");
  title.className = "legend-title";
  title.textContent = "KDE, × mean density:";
  box.appendChild(title);
  for (const c of surface.classes) {
    const item = document.createElement("span");
    item.innerHTML = `<i style="background:${c.colour}"></i>`;
    item.append(c.label.replace(" x mean", ""));
    box.appendChild(item);
  }
}

function layersHint(): string {
  if (!meta.hotspots_available && !meta.kde_available) return "not in this build (spatial layer)";
  return meta.kde_available ? "KDE: density of the incidents' places; Gi*: LSOA hot and cold spots"
                            : "KDE needs the analysis engine; Gi*: LSOA hot and cold spots";
}

async function drill(lvl: "lsoa" | "csp", code: string) {
  selected = { level: lvl, code };
  map.select(code);
  const p = filterParams();
  const area: Params = lvl === "lsoa" ? { lsoa: code } : { csp: code };
  const name = lvl === "lsoa" ? meta.lsoas.find((l) => l.code === code)?.name : meta.csp_areas.find((a) => a.code === code)?.name;
  try {
    // The area's table comes from the analysis engine (counts and harm by crime type).
    const [byType, byMonth] = await Promise.all([
      getJson<EngineResult>("query", { ...engineParams(p), ...area, csp: lvl === "csp" ? code : p.csp, by: "category",
        measures: meta.harm_available ? "count,harm" : "count" }),
      getJson<Counts>("counts", { ...p, ...area, csp: lvl === "csp" ? code : p.csp, group: "month" }),
    ]);
    $("drill-title").textContent = `Area detail: ${name ?? code} (${code})`;
    const body = $("drill-body");
    body.replaceChildren();
    const info = document.createElement("p");
    const lsoa = meta.lsoas.find((l) => l.code === code);
    info.textContent = `${byType.incidents.toLocaleString("en-GB")} incidents` +
      (lsoa ? ` · ${lsoa.population.toLocaleString("en-GB")} residents · IMD decile ${lsoa.imd_decile}` : "");
    body.appendChild(info);
    const harmCol = byType.columns.indexOf("harm_days");
    const rowsByCount = [...byType.rows].sort((a, b) => Number(b[1]) - Number(a[1]));
    body.appendChild(table("drill-table", harmCol >= 0 ? ["Crime type", "Incidents", "Harm (days)"] : ["Crime type", "Incidents"],
      rowsByCount.map((r) => harmCol >= 0 ? [r[0], r[1], String(Math.round(Number(r[harmCol])))] : [r[0], r[1]])));
    for (const note of byType.notes) body.appendChild(Object.assign(document.createElement("p"), { className: "note", textContent: note }));
    const details = document.createElement("details");
    details.innerHTML = "<summary>By month</summary>";
    details.appendChild(table("drill-months", ["Month", "Incidents"], byMonth.rows.map((r) => [r.label, String(r.incidents)])));
    body.appendChild(details);
    const close = document.createElement("button");
    close.textContent = "Close";
    close.addEventListener("click", () => {
      selected = null;
      map.select(null);
      $("drill-title").textContent = "Area detail";
      body.innerHTML = '<p class="note">Click an area on the map for its table.</p>';
    });
    body.appendChild(close);
  } catch (error) {
    showError(error);
  }
}

function table(id: string, head: string[], rows: string[][]): HTMLTableElement {
  const t = document.createElement("table");
  t.id = id;
  const thead = t.createTHead().insertRow();
  for (const h of head) thead.appendChild(Object.assign(document.createElement("th"), { textContent: h }));
  const tbody = t.createTBody();
  for (const r of rows) {
    const tr = tbody.insertRow();
    r.forEach((cell, i) => {
      const td = tr.insertCell();
      td.textContent = cell;
      if (i > 0) td.className = "num";
    });
  }
  return t;
}

function exportRows() {
  return [...onScreen.rows.entries()].map(([code, r]) => ({
    code, name: r.name, incidents: r.incidents, population: r.population ?? null, rate_per_1000: r.rate ?? null,
    harm_days: r.harm ?? null,
  }));
}

function synthDescription(): string[] {
  return meta.sources.filter((s) => s.synthetic && s.months.length).map((s) => s.slug);
}

function progressBlock(p: Progress, label: string): HTMLElement {
  const box = document.createElement("div");
  box.className = "progress";
  const latest = p.latest?.incidents;
  const change = p.change_percent;
  box.innerHTML = `<div class="label"></div><div class="value"></div><div class="change"></div>`;
  (box.querySelector(".label") as HTMLElement).textContent = `${label} ${p.latest?.month ?? ""}`;
  (box.querySelector(".value") as HTMLElement).textContent = latest === null || latest === undefined ? "no data for the month" : latest.toLocaleString("en-GB");
  (box.querySelector(".change") as HTMLElement).textContent = p.baseline === null || p.baseline === undefined
    ? "baseline: fewer than 6 months with data"
    : `baseline ${p.baseline} · ${change === null || change === undefined ? "n/a" : `${change > 0 ? "+" : ""}${change}%`}`;
  if (change !== null && change !== undefined) box.classList.add(change > 0 ? "up" : change < 0 ? "down" : "flat");
  if (p.sparkline) box.appendChild(sparkline(p.sparkline.map((s) => s.incidents)));
  return box;
}

function tileElement(t: Tile | Measure): HTMLElement {
  const tile = document.createElement("article");
  tile.className = `tile ${t.status === "ok" ? "tile-ok" : "tile-nodata"}`;
  tile.dataset.slug = t.slug;
  const h = document.createElement("h3");
  h.textContent = t.title;
  tile.appendChild(h);
  if (t.status !== "ok") {
    const p = document.createElement("p");
    p.className = "nodata";
    p.textContent = t.reason ?? "No data yet.";
    tile.appendChild(p);
    return tile;
  }
  if (t.synthetic_sources?.length) {
    const s = document.createElement("span");
    s.className = "synthetic-badge";
    s.textContent = `SYNTHETIC data: ${t.synthetic_sources.join(", ")}`;
    tile.appendChild(s);
  }
  tile.appendChild(progressBlock(t, "All,"));
  const m = t as Measure;
  if (m.under_25) tile.appendChild(progressBlock(m.under_25, "Victims under 25,"));
  return tile;
}

async function showSpb() {
  try {
    const [spb, measures] = await Promise.all([
      getJson<{ tiles: Tile[] }>("spb"),
      getJson<{ measures: Measure[] }>("measures"),
    ]);
    $("tiles").replaceChildren(...spb.tiles.map(tileElement));
    $("measures").replaceChildren(...measures.measures.map(tileElement));
  } catch (error) {
    showError(error);
  }
}

function tab(which: "analyst" | "spb") {
  $("analyst").hidden = which !== "analyst";
  $("spb").hidden = which !== "spb";
  $("tab-analyst").setAttribute("aria-selected", String(which === "analyst"));
  $("tab-spb").setAttribute("aria-selected", String(which === "spb"));
  if (which === "spb") showSpb();
}

async function start() {
  try {
    const [m, lsoas, districts] = await Promise.all([
      getJson<Meta>("meta"),
      getJson<FeatureCollection>("geography/lsoas"),
      getJson<FeatureCollection>("geography/districts"),
    ]);
    meta = m;
    const synthetic = synthDescription();
    if (synthetic.length) {
      const banner = $("synthetic-banner");
      banner.hidden = false;
      banner.textContent = `This store holds SYNTHETIC data (generated by harmlens synth, not real people or events) from: ${synthetic.join(", ")}. Figures that include these sources are labelled.`;
    }
    const measureSelect = $("measure") as HTMLSelectElement;
    measureSelect.append(option("incidents", "Incidents"), option("rate", "Rate per 1,000 residents"));
    const harm = option("harm", meta.harm_available ? "Harm (days, Cambridge CHI style)" : "Harm: needs the analysis engine");
    harm.disabled = !meta.harm_available;
    measureSelect.append(harm);
    measureSelect.addEventListener("change", refresh);
    $("level").addEventListener("change", () => { selected = null; map.select(null); refresh(); });
    map = new LlrMap($("map"), lsoas, districts);
    const gi = $("layer-gi") as HTMLInputElement;
    gi.disabled = !meta.hotspots_available;
    gi.parentElement!.title = "Getis-Ord Gi* hot and cold spots over LSOAs, Benjamini-Hochberg FDR classes";
    gi.addEventListener("change", refresh);
    const kde = $("layer-kde") as HTMLInputElement;
    kde.disabled = !meta.kde_available;
    kde.parentElement!.title = "Kernel density of the incidents' places (quartic kernel), cells at or above the mean density";
    kde.addEventListener("change", refresh);
    $("layers-note").textContent = layersHint();
    map.onSelect = (lvl, code) => drill(lvl, code);
    buildFilters();
    $("export-csv").addEventListener("click", () => downloadCsv(exportRows(), describeFilters(filterParams()), synthDescription(), onScreen.level));
    $("export-geojson").addEventListener("click", () => downloadGeoJson(map.features(onScreen.level), onScreen.level, exportRows(),
      describeFilters(filterParams()), synthDescription(), kdeOnScreen));
    $("tab-analyst").addEventListener("click", () => tab("analyst"));
    $("tab-spb").addEventListener("click", () => tab("spb"));
    await refresh();
    document.body.dataset.ready = "true";
  } catch (error) {
    showError(error);
  }
}

start();
