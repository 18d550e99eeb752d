#include "cli/serve_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "engine/incident_table.h"
#include "geo/reference_geography.h"
#include "model/incident.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/incident_facts.h"
#include "store/sqlite_store.h"

#ifndef HARMLENS_DEFAULT_WEB_DIR
#define HARMLENS_DEFAULT_WEB_DIR "web/dist"
#endif

namespace harmlens {

CLI::App* AddServeCommand(CLI::App* app, ServeCommand* command) {
  CLI::App* cmd =
      app->add_subcommand("serve", "serve the dashboard: JSON API (docs/api.md) and web front end");
  cmd->add_option("--db", command->db, "the store: a SQLite file made by ingest")->capture_default_str();
  cmd->add_option("--port", command->port, "TCP port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option(
         "--host", command->host,
         "address to listen on; only requests from this machine are answered until agency sign-in exists")
      ->capture_default_str();
  cmd->add_option("--data", command->data_dir, "bundled data folder (data/)")->capture_default_str();
  cmd->add_option("--web", command->web_dir, "the built front end (scripts/build-web.sh makes web/dist)");
  cmd->add_option("--query-timeout-ms", command->query_timeout_ms, "longest a query may run")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  cmd->add_option("--page-size-max", command->page_size_max, "most rows one page of /api/v1/counts returns")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option(
         "--synthetic", command->synthetic_sources,
         "sources whose data in the store is synthetic (harmlens synth); labelled so in the dashboard")
      ->check(CLI::IsMember({"police-uk", "police-extract", "emergency-department"}))
      ->delimiter(',');
  cmd->add_flag("--quiet", command->quiet, "no access log on standard error");
  return cmd;
}

int RunServe(Env* env, const ServeCommand& command) {
  auto fail = [](const std::string& what, const Status& status) {
    std::cerr << "harmlens serve: " << what << status.ToString() << "\n";
    return 1;
  };
  if (!env->Exists(command.db)) {
    return fail("", Status::NotFound("no store at " + command.db +
                                     " (run 'harmlens ingest ...' first, or give --db)"));
  }
  SqliteOptions store_options;
  store_options.create_if_missing = false;
  auto store = OpenSqliteStore(command.db, store_options);
  if (!store.ok()) return fail("", store.status());
  auto geography = ReferenceGeography::Load(env, command.data_dir + "/reference");
  if (!geography.ok()) return fail("reference geography: ", geography.status());
  const auto started = std::chrono::steady_clock::now();
  auto denominators = LoadDenominators(env, command.data_dir + "/reference", **geography);
  if (!denominators.ok()) return fail("populations: ", denominators.status());
  auto engine = IncidentTable::Load(store->get(), *geography, std::move(*denominators));
  if (!engine.ok()) return fail("reading the store: ", engine.status());
  store->reset();  // everything needed is in memory now
  // The fixed views come from the engine's columns: one read of the store, one set of counts.
  auto facts = IncidentFacts::FromTable(**engine);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::cerr << "harmlens serve: " << facts->size() << " incidents in memory (" << ms.count() << " ms; engine "
            << (*engine)->MemoryBytes() / (1 << 20) << " MiB, fixed views "
            << facts->MemoryBytes() / (1 << 20) << " MiB)\n";

  ApiOptions api_options;
  api_options.query_timeout = std::chrono::milliseconds(command.query_timeout_ms);
  api_options.max_page_size = command.page_size_max;
  for (const std::string& name : command.synthetic_sources) {
    for (Agency a : {Agency::kPoliceUk, Agency::kPoliceExtract, Agency::kEmergencyDepartment}) {
      if (name == AgencyName(a)) api_options.synthetic_sources.push_back(static_cast<uint8_t>(a));
    }
  }
  auto api = Api::Create(env, *facts, engine->get(), command.data_dir, api_options);
  if (!api.ok()) return fail("", api.status());
  (*api)->PrecomputeOpeningView();

  HttpOptions http;
  http.host = command.host;
  http.port = command.port;
  http.web_dir = command.web_dir.empty() ? HARMLENS_DEFAULT_WEB_DIR : command.web_dir;
  if (!env->IsDirectory(http.web_dir)) {
    if (!command.web_dir.empty()) {
      return fail(
          "", Status::NotFound("no built front end at " + command.web_dir + " (run scripts/build-web.sh)"));
    }
    std::cerr
        << "harmlens serve: the web front end is not built (scripts/build-web.sh): serving the API only\n";
    http.web_dir.clear();
  }
  if (!command.quiet) http.access_log = [](std::string_view line) { std::cerr << line << "\n"; };
  auto server = HttpServer::Bind(api->get(), http);
  if (!server.ok()) return fail("", server.status());
  std::cout << "harmlens: dashboard at http://" << (command.host == "::1" ? "[::1]" : command.host) << ":"
            << (*server)->port() << "/  (Ctrl-C stops it)" << std::endl;
  Status status = (*server)->Run();
  if (!status.ok()) return fail("", status);
  return 0;
}

}  // namespace harmlens
