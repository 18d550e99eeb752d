// An SVG map of LLR drawn from the bundled boundaries (no tiles, no network): LSOAs or
// CSP areas filled by a value, district outlines on top, a click selects an area.

export interface Feature {
  type: "Feature";
  properties: Record<string, string | number>;
  geometry: { type: "Polygon" | "MultiPolygon"; coordinates: number[][][] | number[][][][] };
}
export interface FeatureCollection { type: "FeatureCollection"; features: Feature[] }

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;

// A sequential, colour-blind-safe ramp (light to dark); grey for areas with no value.
export const RAMP = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
export const NO_VALUE = "#e6e6e6";

function rings(feature: Feature): number[][][] {
  const g = feature.geometry;
  return g.type === "Polygon" ? (g.coordinates as number[][][]) : (g.coordinates as number[][][][]).flat();
}

export class LlrMap {
  private svg: SVGSVGElement;
  private lsoaLayer: SVGGElement;
  private districtFill: SVGGElement;
  private outline: SVGGElement;
  private kde: SVGGElement;
  private hotspots: SVGGElement;
  private project: (lon: number, lat: number) => [number, number];
  private height: number;
  onSelect: (level: "lsoa" | "csp", code: string) => void = () => {};

  constructor(container: HTMLElement, private lsoas: FeatureCollection, private districts: FeatureCollection) {
    let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
    for (const f of districts.features) {
      for (const ring of rings(f)) {
        for (const [lon, lat] of ring) {
          minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
          minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
        }
      }
    }
    // Equirectangular with the mid-latitude's cosine: true enough for a county.
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const scale = WIDTH / ((maxLon - minLon) * k);
    this.height = Math.ceil((maxLat - minLat) * scale);
    this.project = (lon, lat) => [(lon - minLon) * k * scale, (maxLat - lat) * scale];

    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("viewBox", `-4 -4 ${WIDTH + 8} ${this.height + 8}`);
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "Map of Leicester, Leicestershire and Rutland");
    this.lsoaLayer = this.layer("lsoas", lsoas, "LSOA11CD", "LSOA11NM", "lsoa");
    this.districtFill = this.layer("districts-fill", districts, "LAD19CD", "LAD19NM", "csp");
    this.kde = document.createElementNS(SVG, "g");
    this.kde.setAttribute("id", "kde");
    this.svg.appendChild(this.kde);
    this.hotspots = document.createElementNS(SVG, "g");
    this.hotspots.setAttribute("id", "hotspots");
    this.svg.appendChild(this.hotspots);
    this.outline = this.layer("districts-outline", districts, "LAD19CD", "LAD19NM", null);
    container.replaceChildren(this.svg);
  }

  private layer(id: string, fc: FeatureCollection, codeProp: string, nameProp: string,
                level: "lsoa" | "csp" | null): SVGGElement {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("id", id);
    for (const f of fc.features) {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", this.pathOf(f));
      const code = String(f.properties[codeProp]);
      path.dataset.code = code;
      path.dataset.name = String(f.properties[nameProp]);
      if (level) {
        const title = document.createElementNS(SVG, "title");
        title.textContent = path.dataset.name;
        path.appendChild(title);
        path.addEventListener("click", () => this.onSelect(level, code));
      }
      g.appendChild(path);
    }
    this.svg.appendChild(g);
    return g;
  }

  private pathOf(f: Feature): string {
    let d = "";
    for (const ring of rings(f)) {
      d += ring.map(([lon, lat], i) => {
        const [x, y] = this.project(lon, lat);
        return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
      }).join("") + "Z";
    }
    return d;
  }

  // Fills the areas of `level` by `values` (code -> value) in five quantile classes; returns the class breaks.
  fill(level: "lsoa" | "csp", values: Map<string, number>, label: (code: string, v: number | undefined) => string): number[] {
    const active = level === "lsoa" ? this.lsoaLayer : this.districtFill;
    this.lsoaLayer.style.display = level === "lsoa" ? "" : "none";
    this.districtFill.style.display = level === "csp" ? "" : "none";
    const sorted = [...values.values()].sort((a, b) => a - b);
    const breaks = [1, 2, 3, 4].map((q) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length / 5))] : 0);
    for (const path of active.querySelectorAll("path")) {
      const code = path.dataset.code ?? "";
      const v = values.get(code);
      let cls = 0;
      while (v !== undefined && cls < 4 && v > breaks[cls]) cls++;
      path.setAttribute("fill", v === undefined ? NO_VALUE : RAMP[cls]);
      path.dataset.value = v === undefined ? "" : String(v);
      const title = path.querySelector("title");
      if (title) title.textContent = label(code, v);
    }
    return breaks;
  }

  select(code: string | null) {
    for (const path of this.svg.querySelectorAll("path.selected")) path.classList.remove("selected");
    if (!code) return;
    for (const path of this.svg.querySelectorAll(`path[data-code="${code}"]`)) {
      if (path.parentNode !== this.outline) path.classList.add("selected");
    }
  }

  // Outlines the LSOAs in `colours` (code -> CSS colour) above the fill: the Gi* layer.
  overlay(colours: Map<string, string> | null) {
    this.hotspots.replaceChildren();
    if (!colours) return;
    for (const path of this.lsoaLayer.querySelectorAll("path")) {
      const colour = colours.get(path.dataset.code ?? "");
      if (!colour) continue;
      const copy = document.createElementNS(SVG, "path");
      copy.setAttribute("d", path.getAttribute("d") ?? "");
      copy.setAttribute("stroke", colour);
      copy.dataset.code = path.dataset.code;
      this.hotspots.appendChild(copy);
    }
  }

  // Draws the KDE layer's cells (class 1..5 -> colours[class - 1]) above the fill and
  // below the Gi* outlines and district lines; clicks go through to the areas.
  surface(cells: FeatureCollection | null, colours: string[] = []) {
    this.kde.replaceChildren();
    // The choropleth fades under the surface, so the hot spots read first.
    this.svg.classList.toggle("with-kde", cells !== null);
    if (!cells) return;
    for (const f of cells.features) {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", this.pathOf(f));
      const cls = Number(f.properties.class);
      path.setAttribute("fill", colours[cls - 1] ?? NO_VALUE);
      path.dataset.kdeClass = String(cls);
      this.kde.appendChild(path);
    }
  }

  features(level: "lsoa" | "csp"): Feature[] {
    return (level === "lsoa" ? this.lsoas : this.districts).features;
  }
}
