import type { FeatureCollection } from "./map";
// The harmlens JSON API (docs/api.md), same origin: no credentials leave the page, and
// every data response is fetched fresh (the server sends Cache-Control: no-store).

export interface SourceInfo { slug: string; synthetic: boolean; months: string[] }
export interface Named { slug: string; name?: string; title?: string }
export interface BehaviourInfo { slug: string; title: string; has_rule: boolean; seen: boolean }
export interface AreaInfo { code: string; name: string; population: number }
export interface LsoaInfo { code: string; name: string; csp: string; imd_decile: number; population: number }

export interface Meta {
  incidents: number;
  sources: SourceInfo[];
  crime_types: { slug: string; name: string }[];
  behaviours: BehaviourInfo[];
  csp_areas: AreaInfo[];
  lsoas: LsoaInfo[];
  weapons: string[];
  age_groups: string[];
  limits: { page_size_max: number; query_timeout_ms: number };
  harm_available: boolean;
  hotspots_available: boolean;
  kde_available: boolean;
}

// /hotspots?method=kde: the cells at or above the mean density, classed by multiples of it.
export interface KdeSurface {
  bandwidth_m: number;
  bandwidth_from: string;
  cell_m: number;
  computation: string;
  mean_density: number;
  cells_shown: number;
  matched: number;
  without_point: number;
  note: string;
  classes: { class: number; label: string; colour: string }[];
  cells: FeatureCollection;
  synthetic_sources: string[];
}

export interface CountRow {
  key: string | number | { day: string; hour: number };
  label: string;
  incidents: number;
  harm: number | null;
  population?: number;
  rate_per_1000?: number;
}

export interface Counts {
  group: string;
  matched: number;
  not_grouped: number;
  total_rows: number;
  rows: CountRow[];
  synthetic_sources: string[];
}

export interface TrendPoint { month: string; incidents: number | null; baseline: number | null }
export interface Trend { series: TrendPoint[]; baseline_definition: string; synthetic_sources: string[] }

export interface Progress {
  latest?: { month: string; incidents: number | null };
  baseline?: number | null;
  change_percent?: number | null;
  sparkline?: { month: string; incidents: number | null }[];
}
export interface Tile extends Progress {
  slug: string; title: string; status: "ok" | "no_data"; reason?: string; synthetic_sources?: string[];
}
export interface Measure extends Tile { under_25?: Progress }

export class ApiError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

export type Params = Record<string, string | undefined>;

export async function getJson<T>(path: string, params: Params = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(name, value);
  }
  const url = `api/v1/${path}${query.toString() ? "?" + query.toString() : ""}`;
  const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new ApiError(body.code ?? "error", body.message ?? `HTTP ${response.status}`);
  return body as T;
}
