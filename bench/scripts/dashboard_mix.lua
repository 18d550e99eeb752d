-- A realistic mix of dashboard requests for wrk (bench/scripts/load_dashboard.sh): what
-- the front end asks as analysts change filters, drill down and open the SPB view.
-- Filters are drawn at random, so a good share of requests miss the server's response
-- cache and scan the incidents. Seeded per thread: runs are repeatable.

local crime_types = {"", "violence-and-sexual-offences", "burglary", "robbery", "drugs", "public-order",
  "anti-social-behaviour", "shoplifting", "vehicle-crime", "criminal-damage-and-arson", "other-theft",
  "possession-of-weapons", "theft-from-the-person", "bicycle-theft", "other-crime"}
local csps = {"", "E06000016", "E06000017", "E07000129", "E07000130", "E07000131", "E07000132", "E07000133",
  "E07000134", "E07000135"}
local lsoas = {"E01032867", "E01025720", "E01032873", "E01013648", "E01025631", "E01013615", "E01013600",
  "E01025786", "E01025896", "E01025936", "E01025690", "E01013788"}
-- Filled in by init() from the months the store holds (passed as arguments).
local months = {}

local function pick(list) return list[math.random(#list)] end

local function filters()
  local q = ""
  local t = pick(crime_types)
  if t ~= "" then q = q .. "&crime_type=" .. t end
  local c = pick(csps)
  if c ~= "" then q = q .. "&csp=" .. c end
  if #months > 0 and math.random() < 0.5 then
    local m = pick(months)
    q = q .. "&from=" .. m .. "&to=" .. m
  end
  return q
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed or 1)
  for _, m in ipairs(args) do months[#months + 1] = m end
end

function request()
  local r = math.random(100)
  local path
  if r <= 30 then
    path = "/api/v1/counts?group=lsoa" .. filters()
  elseif r <= 50 then
    path = "/api/v1/trend?" .. filters():sub(2)
  elseif r <= 65 then
    path = "/api/v1/counts?group=day_hour&source=police-extract" .. filters()
  elseif r <= 75 then
    path = "/api/v1/counts?group=crime_type&lsoa=" .. pick(lsoas) .. filters():gsub("&csp=[^&]*", "")
  elseif r <= 85 then
    path = "/api/v1/query?by=category&measures=count,harm&lsoa=" .. pick(lsoas)
  elseif r <= 90 then
    path = "/api/v1/spb"
  elseif r <= 95 then
    path = "/api/v1/measures"
  else
    path = "/api/v1/meta"
  end
  return wrk.format("GET", path)
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("requests %d in %.1f s (%.0f/s)\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: non-200 %d, connect %d, read %d, write %d, timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
