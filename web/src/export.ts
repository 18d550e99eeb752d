// Export what is on screen: the map's table as CSV (RFC 4180, with the filters and any
// synthetic sources in '#' lines first) and as GeoJSON (the same rows on the boundaries,
// and the KDE layer's cells when it is shown).

import type { KdeSurface } from "./api";
import type { Feature } from "./map";

export interface ExportRow {
  code: string;
  name: string;
  incidents: number;
  population: number | null;
  rate_per_1000: number | null;
  harm_days: number | null;  // only when the map shows harm
}

function save(name: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function csvField(value: string | number | null): string {
  if (value === null) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
}

export function downloadCsv(rows: ExportRow[], filters: string, synthetic: string[], level: string) {
  const lines = [
    `# harmlens dashboard export, ${new Date().toISOString()}; areas: ${level}; filters: ${filters}`,
    ...(synthetic.length ? [`# includes SYNTHETIC data from: ${synthetic.join(", ")}`] : []),
    "code,name,incidents,population,rate_per_1000,harm_days",
    ...rows.map((r) => [r.code, r.name, r.incidents, r.population, r.rate_per_1000, r.harm_days].map(csvField).join(",")),
  ];
  save(`harmlens-${level}-${stamp()}.csv`, "text/csv", lines.join("\r\n") + "\r\n");
}

export function downloadGeoJson(features: Feature[], level: string, rows: ExportRow[], filters: string, synthetic: string[],
                                kde: KdeSurface | null) {
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const codeProp = level === "lsoa" ? "LSOA11CD" : "LAD19CD";
  const areas = features.map((f) => {
    const code = String(f.properties[codeProp]);
    const r = byCode.get(code);
    return { type: "Feature", geometry: f.geometry,
      properties: { layer: level, code, name: r?.name ?? "", incidents: r?.incidents ?? null, population: r?.population ?? null,
        rate_per_1000: r?.rate_per_1000 ?? null, harm_days: r?.harm_days ?? null } };
  });
  const cells = (kde?.cells.features ?? []).map((f) => ({ type: "Feature", geometry: f.geometry,
    properties: { layer: "kde", ...f.properties } }));
  const out = {
    type: "FeatureCollection",
    harmlens: { exported_at: new Date().toISOString(), areas: level, filters, synthetic_sources: synthetic,
      ...(kde ? { kde: { kernel: "quartic", bandwidth_m: kde.bandwidth_m, bandwidth_from: kde.bandwidth_from, cell_m: kde.cell_m,
        mean_density_per_km2: kde.mean_density, cells: "at or above the mean density, class = whole multiples of it (5 = 5 or more)" } } : {}) },
    features: [...areas, ...cells],
  };
  save(`harmlens-${level}-${stamp()}.geojson`, "application/geo+json", JSON.stringify(out));
}
