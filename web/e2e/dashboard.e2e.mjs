// End-to-end test of the dashboard in Debian's chromium, driven by playwright-core (no
// downloaded browser). It builds a small store (the bundled police.uk data and a small
// synthetic partner set), starts `harmlens serve` on a free port, then opens the
// dashboard, changes filters, checks that the map and charts change and agree with the
// API, drills down, exports CSV and GeoJSON, and opens the SPB view. Screenshots and
// the exports are kept in the artifacts folder.
//
//   node e2e/dashboard.e2e.mjs HARMLENS_BIN DATA_DIR WEB_DIST ARTIFACTS_DIR
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const [bin, dataDir, webDir, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error("usage: dashboard.e2e.mjs HARMLENS_BIN DATA_DIR WEB_DIST ARTIFACTS_DIR");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), "harmlens-e2e-"));
const db = join(scratch, "e2e.db");
const run = (...args) => execFileSync(bin, args, { stdio: ["ignore", "ignore", "inherit"] });

// The store: 22 months of real police.uk data, and one synthetic year of the force's
// extract and A&E (times to the minute, victims' ages) labelled synthetic.
run("ingest", "police-uk", "--db", db, "--quiet", "--data", dataDir, join(dataDir, "police-uk"));
run("synth", "--seed", "7", "--scale", "0.05", "--years", "1", "--start", "2021-11", "--out", join(scratch, "synth"), "--data", dataDir);
run("ingest", "police-extract", "--db", db, "--quiet", "--data", dataDir,
    join(scratch, "synth", "police_extract_incidents.csv"), join(scratch, "synth", "police_extract_persons.csv"));
run("ingest", "istv", "--db", db, "--quiet", "--data", dataDir, join(scratch, "synth", "istv.csv"));

const server = spawn(bin, ["serve", "--db", db, "--port", "0", "--data", dataDir, "--web", webDir, "--quiet",
  "--synthetic", "police-extract,emergency-department"], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  let out = "";
  const timer = setTimeout(() => reject(new Error("harmlens serve printed no URL in 60 s")), 60000);
  server.stdout.on("data", (chunk) => {
    out += chunk;
    const m = out.match(/dashboard at (http:\/\/\S+\/)/);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
  server.on("exit", (code) => reject(new Error(`harmlens serve exited with ${code}`)));
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1300 }, acceptDownloads: true });
const foreign = [];
page.on("request", (r) => { if (!r.url().startsWith(base) && !/^(blob|data):/.test(r.url())) foreign.push(r.url()); });
const consoleErrors = [];
page.on("pageerror", (e) => consoleErrors.push(String(e)));

let passed = 0, failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}\n${error.stack ?? error}`);
    await page.screenshot({ path: join(artifacts, `failed-${name.replace(/\W+/g, "-")}.png`) }).catch(() => {});
  }
}
const api = (path) => page.evaluate(async (p) => (await fetch(p)).json(), `${base}api/v1/${path}`);
const generation = () => page.evaluate(() => Number(document.body.dataset.generation ?? 0));
async function changed(before) {
  await page.waitForFunction((g) => Number(document.body.dataset.generation ?? 0) > g, before, { timeout: 15000 });
}
const fills = () => page.$$eval("#lsoas path", (ps) => ps.map((p) => p.getAttribute("fill")).join(","));
const trendPath = () => page.$eval("#trend path.series", (p) => p.getAttribute("d"));
const matched = () => page.$eval("#matched", (e) => Number(e.dataset.matched));

try {
  await check("opens the dashboard with the LLR map, charts and the synthetic label", async () => {
    await page.goto(base);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
    assert.equal(await page.locator("#lsoas path").count(), 611);
    assert.equal(await page.locator("#districts-outline path").count(), 9);
    const banner = await page.textContent("#synthetic-banner");
    assert.match(banner, /SYNTHETIC/);
    assert.match(banner, /police-extract/);
    const meta = await api("meta");
    assert.equal(await matched(), meta.incidents);  // no filters: every incident
    assert.ok(await page.locator("#heatmap rect").count() === 168, "the day x hour grid is drawn");
    await page.screenshot({ path: join(artifacts, "01-open.png") });
  });

  await check("a crime type filter changes the count, the map and the trend, and agrees with the API", async () => {
    const [f0, t0, m0, g0] = [await fills(), await trendPath(), await matched(), await generation()];
    await page.selectOption("#filter-crime-type", "burglary");
    await changed(g0);
    const m1 = await matched();
    const expected = await api("counts?group=total&crime_type=burglary");
    assert.equal(m1, expected.matched);
    assert.ok(m1 > 0 && m1 < m0, `burglaries ${m1} of ${m0}`);
    assert.notEqual(await fills(), f0, "the choropleth changed");
    assert.notEqual(await trendPath(), t0, "the trend changed");
    // The map's value for the busiest LSOA is the API's count for it.
    const top = (await api("counts?group=lsoa&crime_type=burglary&sort=incidents&limit=1")).rows[0];
    const shown = await page.$eval(`#lsoas path[data-code="${top.key}"]`, (p) => Number(p.dataset.value));
    assert.equal(shown, top.incidents);
    await page.screenshot({ path: join(artifacts, "02-burglary.png") });
  });

  await check("the day x hour heat map follows the sources: none for police.uk alone, cells for the extract", async () => {
    // One change at a time, each waited for: when the server answers in milliseconds, the
    // re-draw for the first change can land before the second is made and be taken for it.
    let g = await generation();
    await page.selectOption("#filter-crime-type", "");
    await changed(g);
    g = await generation();
    await page.uncheck("#filter-source input[value=police-extract]");
    await changed(g);
    g = await generation();
    await page.uncheck("#filter-source input[value=emergency-department]");
    await changed(g);
    assert.match(await page.textContent("#heatmap"), /police\.uk gives the month only/);
    g = await generation();
    await page.check("#filter-source input[value=police-extract]");
    await changed(g);
    const cells = await page.$$eval("#heatmap rect", (rs) => rs.reduce((s, r) => s + Number(r.dataset.value), 0));
    const expected = await api("counts?group=day_hour&source=police-uk,police-extract");
    assert.equal(cells, expected.rows.reduce((s, r) => s + r.incidents, 0));
    assert.ok(cells > 0);
    g = await generation();
    await page.check("#filter-source input[value=emergency-department]");
    await changed(g);
  });

  await check("the Gi* layer outlines the hot and cold LSOAs the API finds", async () => {
    const g = await generation();
    await page.check("#layer-gi");
    await changed(g);
    const spots = await api("hotspots?method=gi");
    const classed = spots.rows.filter((r) => r.class !== "none").map((r) => r.key).sort();
    assert.ok(classed.length > 0, "some LSOAs are hot spots");
    const drawn = (await page.$$eval("#hotspots path", (ps) => ps.map((p) => p.dataset.code))).sort();
    assert.deepEqual(drawn, classed);
    await page.screenshot({ path: join(artifacts, "03-gi-star.png") });
    const g2 = await generation();
    await page.uncheck("#layer-gi");
    await changed(g2);
    assert.equal(await page.locator("#hotspots path").count(), 0);
  });

  await check("the KDE layer draws the cells the API computes, follows the filters and is exported", async () => {
    let g = await generation();
    await page.check("#layer-kde");
    await changed(g);
    const surface = await api("hotspots?method=kde");
    assert.ok(surface.cells_shown > 100, `${surface.cells_shown} cells shown`);
    const classes = (features) => [1, 2, 3, 4, 5].map((k) => features.filter((c) => c === k).length);
    const drawn = await page.$$eval("#kde path", (ps) => ps.map((p) => Number(p.dataset.kdeClass)));
    assert.deepEqual(classes(drawn), classes(surface.cells.features.map((f) => f.properties.class)));
    assert.match(await page.textContent("#layers-note"), /KDE \(quartic, bandwidth [\d,]+ m, \d+ m cells\)/);
    assert.match(await page.textContent("#legend"), /KDE/);
    await page.screenshot({ path: join(artifacts, "03-kde.png") });
    // Burglaries alone: another surface, the one the API gives for the same filter.
    g = await generation();
    await page.selectOption("#filter-crime-type", "burglary");
    await changed(g);
    const burglary = await api("hotspots?method=kde&crime_type=burglary");
    assert.notEqual(burglary.cells_shown, surface.cells_shown);
    assert.equal(await page.locator("#kde path").count(), burglary.cells_shown);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-geojson")]);
    const path = join(artifacts, "export-kde.geojson");
    await download.saveAs(path);
    const geo = JSON.parse(readFileSync(path, "utf8"));
    assert.equal(geo.features.filter((f) => f.properties.layer === "kde").length, burglary.cells_shown);
    assert.equal(geo.harmlens.kde.cell_m, burglary.cell_m);
    g = await generation();
    await page.selectOption("#filter-crime-type", "");
    await changed(g);
    g = await generation();
    await page.uncheck("#layer-kde");
    await changed(g);
    assert.equal(await page.locator("#kde path").count(), 0);
  });

  await check("clicking an area drills down to its table, which adds up to the map's value", async () => {
    const code = "E01032867";  // Leicester 041A, the city centre
    const onMap = await page.$eval(`#lsoas path[data-code="${code}"]`, (p) => Number(p.dataset.value));
    await page.click(`#lsoas path[data-code="${code}"]`, { force: true });
    await page.waitForSelector("#drill-table tbody tr");
    assert.match(await page.textContent("#drill-title"), /Leicester 041A/);
    const total = await page.$$eval("#drill-table tbody tr td:nth-child(2)", (tds) => tds.reduce((s, td) => s + Number(td.textContent), 0));
    assert.match(await page.textContent("#drill-table thead"), /Harm \(days\)/);
    assert.equal(total, onMap);
    await page.screenshot({ path: join(artifacts, "04-drill-down.png") });
  });

  await check("exports what is on screen as CSV and GeoJSON", async () => {
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
    const csvPath = join(artifacts, "export.csv");
    await csvDownload.saveAs(csvPath);
    const lines = readFileSync(csvPath, "utf8").trim().split(/\r\n/);
    assert.match(lines[0], /^# harmlens dashboard export/);
    assert.match(lines[1], /SYNTHETIC/);
    assert.equal(lines[2], "code,name,incidents,population,rate_per_1000,harm_days");
    const rows = lines.slice(3);
    assert.equal(rows.length, 611);
    const sum = rows.reduce((s, l) => s + Number(l.split(",")[2]), 0);
    const totals = await api("counts?group=lsoa");
    assert.equal(sum, totals.matched - totals.not_grouped);
    const [geoDownload] = await Promise.all([page.waitForEvent("download"), page.click("#export-geojson")]);
    const geoPath = join(artifacts, "export.geojson");
    await geoDownload.saveAs(geoPath);
    const geo = JSON.parse(readFileSync(geoPath, "utf8"));
    assert.equal(geo.features.length, 611);
    assert.equal(geo.features.reduce((s, f) => s + f.properties.incidents, 0), sum);
    assert.deepEqual(geo.harmlens.synthetic_sources, ["police-extract", "emergency-department"]);
  });

  await check("harm from the analysis engine fills the map and agrees with /api/v1/query", async () => {
    const g = await generation();
    await page.selectOption("#measure", "harm");
    await changed(g);
    assert.match(await page.textContent("#map-title"), /Harm/);
    const q = await api("query?by=lsoa&measures=count,harm&lsoa=E01032867");
    const shown = await page.$eval('#lsoas path[data-code="E01032867"]', (p) => Number(p.dataset.value));
    assert.equal(shown, Number(q.rows[0][2]));
    assert.ok(shown > 0);
    await page.screenshot({ path: join(artifacts, "05-harm.png") });
  });

  await check("rates per 1,000 residents and CSP areas re-draw the map", async () => {
    let g = await generation();
    await page.selectOption("#measure", "rate");
    await changed(g);
    assert.match(await page.textContent("#map-title"), /per 1,000 residents/);
    g = await generation();
    await page.selectOption("#level", "csp");
    await changed(g);
    const leicester = await page.$eval('#districts-fill path[data-code="E06000016"]', (p) => Number(p.dataset.value));
    const expected = (await api("counts?group=csp")).rows.find((r) => r.key === "E06000016").rate_per_1000;
    assert.equal(leicester, expected);
  });

  await check("the SPB view has one tile per priority behaviour and says 'no data' instead of zero", async () => {
    await page.click("#tab-spb");
    await page.waitForSelector("#tiles .tile");
    assert.equal(await page.locator("#tiles .tile").count(), 10);
    const sv = page.locator('#tiles .tile[data-slug="serious-violence"]');
    assert.equal(await sv.getAttribute("class"), "tile tile-ok");
    assert.equal(await sv.locator("svg.sparkline").count(), 1);
    for (const slug of ["missing-children", "exploitation", "gang-related", "cyber-crime-and-fraud", "specific-sites"]) {
      const tile = page.locator(`#tiles .tile[data-slug="${slug}"]`);
      const text = await tile.textContent();
      assert.match(text, /No data yet/, slug);
      assert.equal(await tile.locator(".value").count(), 0, `${slug} shows no figure`);
      assert.doesNotMatch(text, /(^|\s)0(\s|$)/, `${slug} shows no zero`);
    }
    const knife = page.locator('#measures .tile[data-slug="knife-assault-hospital-attendances"]');
    assert.match(await knife.textContent(), /SYNTHETIC/);
    assert.match(await knife.textContent(), /Victims under 25/);
    await page.screenshot({ path: join(artifacts, "07-spb.png"), fullPage: true });
  });

  await check("works offline: every request went to harmlens itself, no script error", async () => {
    assert.deepEqual(foreign, []);
    assert.deepEqual(consoleErrors, []);
  });
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
