#include "cli/analyse_command.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <set>

#include "cli/output.h"
#include "engine/people.h"
#include "engine/query.h"
#include "engine/trends.h"
#include "engine/vru_measures.h"
#include "store/sqlite_store.h"

namespace harmlens {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct AnalyseOptions {
  std::vector<std::string> filters;
  std::string json;
  std::string db = "harmlens.db";
  std::string data_dir;
  std::string format = "table";
  int threads = 1;
  bool explain = false;
  std::string series;  // "", "month", "week"
  std::string change;  // "", "same-period-last-year", "previous-12-months"
  bool matrix = false;
  std::string repeats;  // "", "victim", "offender"
  int window_days = kRepeatWindowDays;
  int top_persons = 20;
  bool overlap = false;
  bool cohorts = false;
  bool vru = false;
  std::string vru_explain;  // a measure's slug
};

void WritePersons(const std::vector<PersonSummary>& persons, OutputFormat format) {
  OutputTable out{{"person", "incidents", "first", "last"}, {true, true, false, false}, {}};
  for (const PersonSummary& p : persons) {
    out.rows.push_back({std::to_string(p.person_id), std::to_string(p.incidents), p.first, p.last});
  }
  WriteTable(out, format, std::cout);
}

int Fail(const Status& status) {
  std::cerr << "harmlens analyse: " << status.ToString() << '\n';
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

OutputFormat FormatOf(const std::string& name) {
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return OutputFormat::kTable;
}

void WriteResult(const QueryResult& result, OutputFormat format) {
  std::vector<std::string> columns = ResultColumnNames(result);
  std::vector<std::vector<std::string>> cells = ResultCells(result);
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    const size_t dims = result.dimensions.size();
    for (size_t r = 0; r < cells.size(); ++r) {
      nlohmann::json row = nlohmann::json::object();
      for (size_t c = 0; c < columns.size(); ++c) {
        if (c < dims) {
          row[columns[c]] = cells[r][c];
        } else if (cells[r][c].empty()) {
          row[columns[c]] = nullptr;
        } else {
          row[columns[c]] = std::stod(cells[r][c]);
        }
      }
      rows.push_back(std::move(row));
    }
    nlohmann::json doc = {{"incidents", result.incidents},
                          {"harm_days", result.harm_days},
                          {"harm_weights_version", result.harm_weights_version},
                          {"denominator", result.denominator},
                          {"rows", rows},
                          {"notes", result.notes}};
    std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return;
  }
  OutputTable table;
  table.columns = columns;
  for (size_t c = 0; c < columns.size(); ++c) table.numeric.push_back(c >= result.dimensions.size());
  table.rows = std::move(cells);
  WriteTable(table, format, std::cout);
  // CSV stays machine-readable: what the reader must know goes to stderr.
  std::ostream& notes = format == OutputFormat::kCsv ? std::cerr : std::cout;
  if (format == OutputFormat::kTable) {
    std::cout << "incidents matched: " << result.incidents << "\n";
    if (!result.denominator.empty()) std::cout << "rates per 1,000 " << result.denominator << "\n";
    for (Measure m : result.measures) {
      if (m == Measure::kHarm)
        std::cout << "harm weights: " << result.harm_weights_version << " (docs/harm-weights.md)\n";
    }
  }
  for (const std::string& note : result.notes) notes << "note: " << note << "\n";
}

// The stored records behind a figure: store id, source, the partner's id, file and line.
Status WriteExplain(Store* store, const IncidentTable& table, const std::vector<uint32_t>& rows,
                    OutputFormat format) {
  std::set<int64_t> ids;
  for (uint32_t r : rows) ids.insert(table.incidents().id[r]);
  OutputTable out{{"incident_id", "source", "source_id", "file", "line", "occurred"},
                  {true, false, false, false, true, false},
                  {}};
  const int64_t last = ids.empty() ? 0 : *ids.rbegin();
  HL_RETURN_IF_ERROR(store->ReadIncidents({}, [&](int64_t id, const Incident& inc) {
    if (id > last || !ids.count(id)) return;
    std::string when;
    switch (inc.occurred.precision) {
      case TimePrecision::kMonth:
        when = inc.occurred.month().ToString();
        break;
      default: {
        int64_t day = inc.occurred.local_minute / 1440;
        when = CivilDate::FromDays(day).ToString() + " (" + TimePrecisionName(inc.occurred.precision) + ")";
      }
    }
    out.rows.push_back({std::to_string(id), AgencyName(inc.source.agency), inc.source_id, inc.source.file,
                        std::to_string(inc.source.line), when});
  }));
  WriteTable(out, format, std::cout);
  return Status::Ok();
}

int Run(Env* env, const AnalyseOptions& options) {
  Result<Query> query = options.json.empty() ? ParseQueryArgs(options.filters) : ParseQueryJson(options.json);
  if (!options.json.empty() && !options.filters.empty()) {
    query = Status::InvalidArgument("give the query as field=value arguments or as --json, not both");
  }
  if (!query.ok()) return Fail(query.status());
  if (!env->Exists(options.db)) {
    return Fail(
        Status::NotFound("no store at " + options.db + " (run 'harmlens ingest ...' first, or give --db)"));
  }
  SqliteOptions store_options;
  store_options.create_if_missing = false;
  auto store = OpenSqliteStore(options.db, store_options);
  if (!store.ok()) return Fail(store.status());
  auto table = LoadIncidentTable(env, store->get(), options.data_dir + "/reference");
  if (!table.ok()) return Fail(table.status());
  const OutputFormat format = FormatOf(options.format);
  if (!options.vru_explain.empty()) {
    auto measure = VruMeasureFromSlug(options.vru_explain);
    if (!measure) {
      return Fail(
          Status::InvalidArgument("unknown VRU measure \"" + options.vru_explain +
                                  "\" (expected knife-assault-attendances, knife-enabled-serious-violence "
                                  "or non-domestic-homicide)"));
    }
    auto rows = MatchingIncidents(**table, MeasureQuery(*measure, *query, false));
    if (!rows.ok()) return Fail(rows.status());
    Status written = WriteExplain(store->get(), **table, *rows, format);
    return written.ok() ? 0 : Fail(written);
  }
  if (options.vru) {
    auto vru = VruMeasures(**table, *query, QueryOptions{options.threads});
    if (!vru.ok()) return Fail(vru.status());
    OutputTable out{{"measure", "csp", "month", "count", "under_25", "with_knife"},
                    {false, false, false, true, true, true},
                    {}};
    for (const VruRow& r : vru->rows) {
      out.rows.push_back({std::string(VruMeasureDefinitions()[static_cast<size_t>(r.measure)].slug), r.csp,
                          r.month, std::to_string(r.count), std::to_string(r.under25),
                          r.knife < 0 ? "" : std::to_string(r.knife)});
    }
    WriteTable(out, format, std::cout);
    std::ostream& notes = format == OutputFormat::kTable ? std::cout : std::cerr;
    notes << "definitions: docs/vru-measures.md; records behind a figure: --vru-explain MEASURE csp=... "
             "month=...\n";
    for (const std::string& note : vru->notes) notes << "note: " << note << "\n";
    return 0;
  }
  if (options.explain) {
    auto rows = MatchingIncidents(**table, *query);
    if (!rows.ok()) return Fail(rows.status());
    Status written = WriteExplain(store->get(), **table, *rows, format);
    return written.ok() ? 0 : Fail(written);
  }
  const QueryOptions run{options.threads};
  if (!options.series.empty()) {
    auto series =
        RunSeries(**table, *query, options.series == "week" ? SeriesStep::kWeek : SeriesStep::kMonth, run);
    if (!series.ok()) return Fail(series.status());
    char buf[64];
    OutputTable out{{options.series, "count", "flag"}, {false, true, false}, {}};
    for (const SeriesPoint& p : series->points) {
      out.rows.push_back({p.period, std::to_string(p.count), p.above ? "above" : p.below ? "below" : ""});
    }
    WriteTable(out, format, std::cout);
    std::ostream& notes = format == OutputFormat::kTable ? std::cout : std::cerr;
    std::snprintf(buf, sizeof buf, "%.2f; limits %.2f to %.2f; dispersion %.2f", series->centre,
                  series->lower, series->upper, series->dispersion);
    notes << "control chart: centre " << buf << " (quasi-Poisson, 3 sigma; docs/analysis.md)\n";
    for (const std::string& note : series->notes) notes << "note: " << note << "\n";
    return 0;
  }
  if (!options.change.empty()) {
    auto change =
        CompareWithBaseline(**table, *query,
                            options.change == "same-period-last-year" ? Baseline::kSamePeriodLastYear
                                                                      : Baseline::kPrevious12Months,
                            run);
    if (!change.ok()) return Fail(change.status());
    char ratio[32] = "", p[32];
    if (change->rate_ratio) std::snprintf(ratio, sizeof ratio, "%.3f", *change->rate_ratio);
    std::snprintf(p, sizeof p, "%.4g", change->p_value);
    OutputTable out{{"period", "count", "baseline_period", "baseline_count", "rate_ratio", "p_value"},
                    {false, true, false, true, true, true},
                    {{change->period, std::to_string(change->count), change->baseline_period,
                      std::to_string(change->baseline_count), ratio, p}}};
    WriteTable(out, format, std::cout);
    if (format == OutputFormat::kTable) {
      std::cout << "test: exact conditional test of two Poisson rates, two-sided (docs/analysis.md)\n";
    }
    return 0;
  }
  if (!options.repeats.empty()) {
    Part part = options.repeats == "victim" ? Part::kVictim : Part::kPerpetrator;
    auto report = FindRepeats(**table, *query, part, options.window_days, options.top_persons);
    if (!report.ok()) return Fail(report.status());
    std::ostream& info = format == OutputFormat::kTable ? std::cout : std::cerr;
    info << (part == Part::kVictim ? "victims" : "suspects and offenders") << ": " << report->persons
         << " named persons, " << report->repeat_persons << " in two or more incidents within "
         << report->window_days << " days, involved in " << report->incidents_with_repeat_persons
         << " incidents; " << report->unnamed_involvements << " involvements name no person\n";
    WritePersons(report->top, format);
    return 0;
  }
  if (options.overlap) {
    auto report = VictimOffenderOverlap(**table, *query, options.top_persons);
    if (!report.ok()) return Fail(report.status());
    std::ostream& info = format == OutputFormat::kTable ? std::cout : std::cerr;
    info << report->victims << " named victims, " << report->perpetrators << " named suspects/offenders, "
         << report->both << " both\n";
    WritePersons(report->top, format);
    return 0;
  }
  if (options.cohorts) {
    auto rows = Under25Cohorts(**table, *query);
    if (!rows.ok()) return Fail(rows.status());
    OutputTable out{{"age_band", "victims", "suspects_offenders"}, {false, true, true}, {}};
    for (const CohortRow& r : *rows) {
      out.rows.push_back({r.age_band, std::to_string(r.victims), std::to_string(r.perpetrators)});
    }
    WriteTable(out, format, std::cout);
    return 0;
  }
  if (options.matrix) {
    Query grid = *query;
    if (!grid.group_by.empty())
      return Fail(Status::InvalidArgument("--matrix groups by dow and hour itself: drop by="));
    grid.group_by = {Dimension::kDayOfWeek, Dimension::kHour};
    grid.measures = {Measure::kCount};
    auto result = RunQuery(**table, grid, run);
    if (!result.ok()) return Fail(result.status());
    OutputTable out;
    out.columns.push_back("dow");
    out.numeric.push_back(false);
    for (int h = 0; h < 24; ++h) {
      out.columns.push_back((h < 10 ? "0" : "") + std::to_string(h));
      out.numeric.push_back(true);
    }
    for (const char* day : {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}) {
      std::vector<std::string> row(25, "0");
      row[0] = day;
      for (const ResultRow& r : result->rows) {
        if (r.keys[0] == day && r.keys[1].front() != '(')
          row[1 + std::stoi(r.keys[1])] = std::to_string(r.count);
      }
      out.rows.push_back(std::move(row));
    }
    WriteTable(out, format, std::cout);
    std::ostream& notes = format == OutputFormat::kTable ? std::cout : std::cerr;
    for (const std::string& note : result->notes) notes << "note: " << note << "\n";
    return 0;
  }
  auto result = RunQuery(**table, *query, run);
  if (!result.ok()) return Fail(result.status());
  WriteResult(*result, format);
  return 0;
}

}  // namespace

std::function<std::optional<int>(Env*)> AddAnalyseCommand(CLI::App* app,
                                                          const std::string& default_data_dir) {
  auto options = std::make_shared<AnalyseOptions>();
  options->data_dir = default_data_dir;
  CLI::App* cmd = app->add_subcommand(
      "analyse",
      "incidents cut by nature, perpetrator, victim, time and location: counts, harm, rates, shares");
  cmd->add_option("filters", options->filters, "field=value ... (fields below)");
  cmd->add_option("--json", options->json, "the query as a JSON object of the same fields");
  cmd->add_option("--db", options->db, "the store: a SQLite file")->capture_default_str();
  cmd->add_option("--data", options->data_dir, "reference geography folder (data/)")->capture_default_str();
  cmd->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--threads", options->threads, "threads to scan with (results do not depend on it)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_flag("--explain", options->explain,
                "list the stored records the query counts (store id, source, source id, file, line)");
  cmd->add_option("--series", options->series, "a weekly or monthly series with control-chart flags")
      ->check(CLI::IsMember({"month", "week"}));
  cmd->add_option("--change", options->change, "the from..to period against a baseline, with an exact test")
      ->check(CLI::IsMember({"same-period-last-year", "previous-12-months"}));
  cmd->add_flag("--matrix", options->matrix, "a day-of-week x hour matrix of counts");
  cmd->add_option("--repeats", options->repeats, "repeat victims or offenders (suspects and offenders)")
      ->check(CLI::IsMember({"victim", "offender"}));
  cmd->add_option("--window-days", options->window_days, "two incidents this close make a repeat")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  cmd->add_option("--top-persons", options->top_persons, "persons listed by --repeats and --overlap")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cmd->add_flag("--overlap", options->overlap, "persons who are both victim and suspect/offender");
  cmd->add_flag("--cohorts", options->cohorts,
                "distinct persons under 25 by age band, victims and suspects/offenders");
  cmd->add_flag("--vru", options->vru, "the Home Office VRU success measures per CSP area and month");
  cmd->add_option("--vru-explain", options->vru_explain,
                  "list the records one VRU measure counts within the query's place and time cuts");
  cmd->footer("Query fields:\n" + QueryFieldsHelp() +
              "Example: harmlens analyse csp=Leicester weapon=knife-or-sharp victim_age=under-25 by=month");
  return [cmd, options](Env* env) -> std::optional<int> {
    if (!cmd->parsed()) return std::nullopt;
    return Run(env, *options);
  };
}

}  // namespace harmlens
