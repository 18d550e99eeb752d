#include "cli/linkage_commands.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "base/csv.h"
#include "linkage/cohort.h"
#include "linkage/event_linkage.h"
#include "linkage/linker.h"
#include "linkage/records.h"
#include "linkage/schema.h"
#include "linkage/truth.h"
#include "model/assessment_factor.h"
#include "model/behaviour_rules.h"
#include "store/linkage_run_log.h"
#include "store/sqlite_store.h"

namespace harmlens {

struct LinkageCommands {
  std::string* db = nullptr;
  const std::string* data_dir = nullptr;
  // encode
  CLI::App* encode = nullptr;
  std::vector<std::string> encode_files;
  std::string schema_file;
  std::string secret_file;
  std::string out;
  // link
  CLI::App* link = nullptr;
  std::vector<std::string> link_files;
  bool plaintext = false;
  std::string clustering = "average";
  std::string persons_file;
  std::vector<std::string> explain;
  std::vector<std::string> evaluate;  // {"febrl"|"synth", path}
  int threads = 2;
  std::string purpose;
  double threshold = -1;  // < 0: the schema's match_threshold
  // linkage-runs
  CLI::App* runs = nullptr;
  // link-events
  CLI::App* events = nullptr;
  std::string events_truth;
  // cohort
  CLI::App* cohort = nullptr;
  double population_scale = 1.0;
  std::string on_date;
  std::string truth_dir;
  std::string cohort_data_dir;
};

namespace {

using linkage::LinkageSchema;
using linkage::RecordSet;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr const char* kSecretVariable = "HARMLENS_LINKAGE_SECRET";

int Fail(const std::string& what, const Status& status) {
  std::cerr << "harmlens " << what << ": " << status.ToString() << "\n";
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed;
}

Result<std::string> ReadWhole(Env* env, const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> contents, env->ReadFile(path));
  return std::string(contents->bytes());
}

Result<LinkageSchema> LoadSchema(Env* env, const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::string text, ReadWhole(env, path));
  return linkage::ParseLinkageSchema(path, text);
}

// The partners' secret: from --secret-file, else the environment. Never printed.
Result<std::string> ReadSecret(Env* env, const std::string& file) {
  std::string secret;
  if (!file.empty()) {
    HL_ASSIGN_OR_RETURN(secret, ReadWhole(env, file));
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  } else if (const char* value = std::getenv(kSecretVariable); value != nullptr) {
    secret = value;
  } else {
    return Status::InvalidArgument(std::string("no linkage secret: give --secret-file or set ") +
                                   kSecretVariable);
  }
  return secret;
}

// The keyed encoder of the partners' secret (ReadSecret), which is wiped once the
// encoder holds its keys. A secret the encoder refuses is named by where it came from.
Result<linkage::KeyedEncoder> PartnersEncoder(Env* env, const linkage::LinkageSchema& schema,
                                              const std::string& secret_file) {
  HL_ASSIGN_OR_RETURN(std::string secret, ReadSecret(env, secret_file));
  auto encoder = linkage::KeyedEncoder::Create(schema, secret);
  sodium_memzero(secret.data(), secret.size());
  if (!encoder.ok()) {
    const std::string source = secret_file.empty() ? std::string("$") + kSecretVariable : secret_file;
    return Status::InvalidArgument(source + ": " + encoder.status().message());
  }
  return encoder;
}

Result<std::vector<linkage::IdentifiedRecord>> ReadIdentified(Env* env, const LinkageSchema& schema,
                                                              const std::vector<std::string>& files,
                                                              std::ostream* report) {
  std::vector<linkage::IdentifiedRecord> all;
  for (const std::string& file : files) {
    HL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(env, file));
    linkage::ReadStats stats;
    HL_ASSIGN_OR_RETURN(std::vector<linkage::IdentifiedRecord> records,
                        linkage::ReadIdentifiedRecords(file, bytes, schema, &stats));
    if (report) {
      *report << file << ": " << stats.rows << " rows, " << records.size() << " read, " << stats.refused
              << " refused (malformed)";
      for (size_t f = 0; f < schema.fields.size(); ++f) {
        *report << ", " << schema.fields[f].name << " missing " << stats.missing[f];
      }
      *report << "\n";
    }
    for (auto& r : records) all.push_back(std::move(r));
  }
  return all;
}

linkage::Clustering ClusteringOf(const std::string& name) {
  return name == "components" ? linkage::Clustering::kConnectedComponents
                              : linkage::Clustering::kAverageLinkage;
}

std::string Fixed(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string Blake2bHex(std::string_view bytes) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                     nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

// Which files a run combined, each with the hash of its bytes (the log never holds data).
Result<std::string> DescribeDatasets(Env* env, const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& file : files) {
    HL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(env, file));
    out += (out.empty() ? "" : "; ") + file + " (blake2b-256 " + Blake2bHex(bytes) + ")";
  }
  return out;
}

std::string OperatingSystemUser() {
  for (const char* name : {"USER", "LOGNAME"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value) return value;
  }
  return "unknown";
}

// Logs one run (DPA 2018 s.62: the combination of personal data) before its results are shown.
Status LogRun(Env* env, const LinkageCommands& c, const LinkageSchema& schema, const std::string& command,
              const std::string& mode, const std::string& clustering, const std::vector<std::string>& files,
              const linkage::LinkResult& result, int64_t records) {
  HL_ASSIGN_OR_RETURN(std::string datasets, DescribeDatasets(env, files));
  {
    // The log lives in a harmlens store: create one (with its schema) or check it is one.
    HL_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore(*c.db));
  }
  LinkageRun run;
  run.started_at = FormatUtcTimestamp(env->NowUnixSeconds());
  run.user = OperatingSystemUser();
  run.purpose = c.purpose;
  run.command = command;
  run.mode = mode;
  run.datasets = datasets;
  run.parameters = "{\"schema\":\"" + schema.name + "\",\"schema_blake2b\":\"" + Blake2bHex(schema.text) +
                   "\",\"match_threshold\":" + Fixed(schema.match_threshold, 4) +
                   ",\"cluster_threshold\":" + Fixed(schema.cluster_threshold, 4) + ",\"clustering\":\"" +
                   clustering + "\",\"match_share\":" + Fixed(result.model.match_share, 6) + "}";
  run.records = records;
  run.candidate_pairs = static_cast<int64_t>(result.candidates.pairs.size());
  run.matched_pairs = result.matched_pairs;
  run.persons = result.clusters;
  HL_ASSIGN_OR_RETURN(int64_t id, RecordLinkageRun(*c.db, run));
  (void)id;
  return Status::Ok();
}

int RunRuns(const LinkageCommands& c, OutputFormat format) {
  if (auto store = OpenSqliteStore(*c.db, SqliteOptions{.create_if_missing = false}); !store.ok()) {
    return Fail("linkage-runs", store.status());
  }
  auto runs = ListLinkageRuns(*c.db);
  if (!runs.ok()) return Fail("linkage-runs", runs.status());
  OutputTable table{{"id", "started_at", "user", "purpose", "command", "mode", "records", "candidate_pairs",
                     "matched_pairs", "persons", "datasets", "parameters"},
                    {true, false, false, false, false, false, true, true, true, true, false, false},
                    {}};
  for (const LinkageRun& r : *runs) {
    table.rows.push_back({std::to_string(r.id), r.started_at, r.user, r.purpose, r.command, r.mode,
                          std::to_string(r.records), std::to_string(r.candidate_pairs),
                          std::to_string(r.matched_pairs), std::to_string(r.persons), r.datasets,
                          r.parameters});
  }
  WriteTable(table, format, std::cout);
  return 0;
}

int RunEncode(Env* env, const LinkageCommands& c) {
  auto schema = LoadSchema(env, c.schema_file);
  if (!schema.ok()) return Fail("encode", schema.status());
  auto encoder = PartnersEncoder(env, *schema, c.secret_file);
  if (!encoder.ok()) return Fail("encode", encoder.status());
  auto records = ReadIdentified(env, *schema, c.encode_files, &std::cout);
  if (!records.ok()) return Fail("encode", records.status());
  const std::string text = linkage::WriteEncodings(*schema, *encoder, *records);
  if (Status s = env->WriteFile(c.out, text); !s.ok()) return Fail("encode", s);
  std::cout << "encoded " << records->size() << " records with linkage schema " << schema->name << " into "
            << c.out << "\n";
  return 0;
}

// Reads the earlier person ids ("source/record_key" -> id) of a persons file, if any.
Result<std::map<std::string, int64_t>> ReadPersonIds(Env* env, const std::string& file) {
  std::map<std::string, int64_t> ids;
  if (file.empty() || !env->Exists(file)) return ids;
  HL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(env, file));
  CsvReader reader(bytes);
  CsvRecord csv;
  if (!reader.Next(&csv) || csv.fields.size() < 3 || csv.fields[0] != "source" ||
      csv.fields[1] != "record_key" || csv.fields[2] != "person_id") {
    return Status::RejectedInput("not a persons file (expected the header source,record_key,person_id,...)",
                                 {file, 1, ""});
  }
  while (reader.Next(&csv)) {
    if (csv.blank) continue;
    if (csv.fields.size() < 3) return Status::RejectedInput("malformed row", {file, csv.line, ""});
    ids[std::string(csv.fields[0]) + "/" + std::string(csv.fields[1])] =
        std::atoll(std::string(csv.fields[2]).c_str());
  }
  return ids;
}

std::string PersonsCsv(const LinkageSchema& schema, const RecordSet& set, const std::vector<int64_t>& ids) {
  std::string out = "source,record_key,person_id";
  for (const std::string& c : schema.carry) out += "," + c;
  out += "\n";
  for (size_t r = 0; r < set.size(); ++r) {
    out +=
        set.sources[r] + "," + set.keys[r].substr(set.sources[r].size() + 1) + "," + std::to_string(ids[r]);
    for (const std::string& v : set.carry[r]) out += "," + v;
    out += "\n";
  }
  return out;
}

Result<RecordSet> LoadRecordSet(Env* env, const LinkageSchema& schema, const LinkageCommands& c) {
  if (c.plaintext) {
    HL_ASSIGN_OR_RETURN(std::vector<linkage::IdentifiedRecord> records,
                        ReadIdentified(env, schema, c.link_files, nullptr));
    return linkage::PlaintextRecordSet(schema, records);
  }
  RecordSet set;
  for (const std::string& file : c.link_files) {
    HL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(env, file));
    HL_RETURN_IF_ERROR(linkage::ReadEncodings(file, bytes, schema, &set));
  }
  return set;
}

int RunLink(Env* env, const LinkageCommands& c) {
  auto schema = LoadSchema(env, c.schema_file);
  if (!schema.ok()) return Fail("link", schema.status());
  if (c.threshold >= 0) schema->match_threshold = c.threshold;
  if (c.link_files.empty()) {
    std::cerr << "harmlens link: give the encodings files (or, with --plaintext, the record files) to link\n";
    return kExitUsage;
  }
  auto set = LoadRecordSet(env, *schema, c);
  if (!set.ok()) return Fail("link", set.status());
  std::map<std::string, uint32_t> index;
  for (uint32_t r = 0; r < set->size(); ++r) {
    if (!index.emplace(set->keys[r], r).second) {
      return Fail("link", Status::RejectedInput("record " + set->keys[r] + " appears twice in the input"));
    }
  }
  auto previous = ReadPersonIds(env, c.persons_file);
  if (!previous.ok()) return Fail("link", previous.status());
  linkage::LinkOptions options;
  options.clustering = ClusteringOf(c.clustering);
  options.threads = c.threads;
  std::cout << "records " << set->size() << " (" << linkage::LinkModeName(set->mode) << ")\n";
  const linkage::LinkResult result = linkage::Link(*schema, *set, options);
  if (Status s = LogRun(env, c, *schema, "link", linkage::LinkModeName(set->mode), c.clustering, c.link_files,
                        result, static_cast<int64_t>(set->size()));
      !s.ok()) {
    return Fail("link", s);
  }
  std::cout << "candidate pairs " << result.candidates.pairs.size() << " from " << result.candidates.blocks
            << " blocks (" << result.candidates.oversized_blocks << " blocks over the cap skipped)\n";
  std::cout << "EM: " << result.model.iterations << " iterations, match share among candidates "
            << Fixed(result.model.match_share, 4) << "\n";
  for (size_t f = 0; f < schema->fields.size(); ++f) {
    std::cout << "  " << schema->fields[f].name << " m/u by level:";
    for (size_t l = 0; l < result.model.fields[f].m.size(); ++l) {
      std::cout << " " << Fixed(result.model.fields[f].m[l], 4) << "/"
                << Fixed(result.model.fields[f].u[l], 4);
    }
    std::cout << "\n";
  }
  std::cout << "matched pairs " << result.matched_pairs << ", persons " << result.clusters << " ("
            << linkage::ClusteringName(options.clustering) << ")\n";
  if (!c.explain.empty()) {
    auto a = index.find(c.explain[0]);
    auto b = index.find(c.explain[1]);
    if (a == index.end() || b == index.end()) {
      std::cerr << "harmlens link: --explain: no record " << (a == index.end() ? c.explain[0] : c.explain[1])
                << " (give source/record_key, e.g. probation/PRB-00000001)\n";
      return kExitUsage;
    }
    std::cout << "\n"
              << c.explain[0] << " vs " << c.explain[1] << "\n"
              << linkage::ExplainPair(*schema, *set, result.model, std::min(a->second, b->second),
                                      std::max(a->second, b->second));
  }
  if (!c.persons_file.empty()) {
    const std::vector<int64_t> ids = linkage::AssignPersonIds(set->keys, result.cluster, *previous);
    if (Status s = env->WriteFile(c.persons_file, PersonsCsv(*schema, *set, ids)); !s.ok())
      return Fail("link", s);
    std::cout << "person ids written to " << c.persons_file << " (" << previous->size()
              << " records kept their earlier ids)\n";
  }
  return 0;
}

int RunEvaluate(Env* env, const LinkageCommands& c, OutputFormat format) {
  const std::string& kind = c.evaluate[0];
  const std::string& path = c.evaluate[1];
  std::string schema_file = c.schema_file;
  if (schema_file.empty())
    schema_file = *c.data_dir + (kind == "febrl" ? "/linkage/febrl-1.json" : "/linkage/schema-1.json");
  auto schema = LoadSchema(env, schema_file);
  if (!schema.ok()) return Fail("link --evaluate", schema.status());
  std::vector<std::string> files;
  if (kind == "febrl") {
    files = {path};
  } else {
    for (const char* agency : {"youth_offending", "childrens_social_care", "school_exclusions", "probation",
                               "substance_misuse", "mental_health"}) {
      files.push_back(path + "/agency_" + agency + ".csv");
    }
  }
  auto records = ReadIdentified(env, *schema, files, nullptr);
  if (!records.ok()) return Fail("link --evaluate", records.status());
  // A fresh random secret unless --secret-file names one: evaluation encodes in memory, so
  // no key need exist outside this process; a given key makes the encoded figures repeatable.
  Result<linkage::KeyedEncoder> encoder = Status::Internal("unset");
  if (c.secret_file.empty()) {
    std::string secret(32, '\0');
    randombytes_buf(secret.data(), secret.size());
    encoder = linkage::KeyedEncoder::Create(*schema, secret);
    sodium_memzero(secret.data(), secret.size());
  } else {
    encoder = PartnersEncoder(env, *schema, c.secret_file);
  }
  if (!encoder.ok()) return Fail("link --evaluate", encoder.status());
  OutputTable table{{"data", "mode", "clustering", "records", "candidate_pairs", "matched_pairs", "persons",
                     "true_pairs", "predicted_pairs", "precision", "recall", "f1"},
                    {false, false, false, true, true, true, true, true, true, true, true, true},
                    {}};
  for (linkage::LinkMode mode : {linkage::LinkMode::kEncoded, linkage::LinkMode::kPlaintext}) {
    const RecordSet set = mode == linkage::LinkMode::kEncoded
                              ? linkage::EncodedRecordSet(*schema, *encoder, *records)
                              : linkage::PlaintextRecordSet(*schema, *records);
    Result<std::vector<uint64_t>> truth = Status::Internal("unset");
    if (kind == "febrl") {
      truth = linkage::FebrlTruth(set.keys);
    } else {
      const std::string truth_file = path + "/truth/agency_records.csv";
      auto bytes = ReadWhole(env, truth_file);
      if (!bytes.ok()) return Fail("link --evaluate", bytes.status());
      truth = linkage::SyntheticAgencyTruth(truth_file, *bytes, set.keys);
    }
    if (!truth.ok()) return Fail("link --evaluate", truth.status());
    for (linkage::Clustering clustering :
         {linkage::Clustering::kConnectedComponents, linkage::Clustering::kAverageLinkage}) {
      linkage::LinkOptions options;
      options.clustering = clustering;
      options.threads = c.threads;
      const linkage::LinkResult result = linkage::Link(*schema, set, options);
      if (Status s =
              LogRun(env, c, *schema, "link --evaluate", linkage::LinkModeName(mode),
                     linkage::ClusteringName(clustering), files, result, static_cast<int64_t>(set.size()));
          !s.ok()) {
        return Fail("link --evaluate", s);
      }
      const linkage::PairAccuracy accuracy = linkage::EvaluateClusters(result.cluster, *truth);
      table.rows.push_back({path, linkage::LinkModeName(mode), linkage::ClusteringName(clustering),
                            std::to_string(set.size()), std::to_string(result.candidates.pairs.size()),
                            std::to_string(result.matched_pairs), std::to_string(result.clusters),
                            std::to_string(accuracy.true_pairs), std::to_string(accuracy.predicted_pairs),
                            Fixed(accuracy.precision(), 4), Fixed(accuracy.recall(), 4),
                            Fixed(accuracy.f1(), 4)});
    }
  }
  WriteTable(table, format, std::cout);
  return 0;
}

// Attendances and police incidents from the store, police incidents with their people.
Status ReadEvents(Store* store, std::vector<Incident>* attendances, std::vector<Incident>* incidents) {
  std::vector<int64_t> police_ids;
  HL_RETURN_IF_ERROR(store->ReadIncidents({}, [&](int64_t id, const Incident& incident) {
    if (incident.source.agency == Agency::kEmergencyDepartment) {
      attendances->push_back(incident);
    } else if (incident.source.agency == Agency::kPoliceExtract &&
               (incident.crime_type == CrimeType::kViolenceAndSexualOffences ||
                incident.crime_type == CrimeType::kRobbery)) {
      incidents->push_back(incident);
      police_ids.push_back(id);
    }
  }));
  for (size_t i = 0; i < incidents->size(); ++i) {
    HL_ASSIGN_OR_RETURN((*incidents)[i].involvements, store->InvolvementsOf(police_ids[i]));
  }
  return Status::Ok();
}

int RunEvents(Env* env, const LinkageCommands& c, OutputFormat format) {
  auto store = OpenSqliteStore(*c.db, SqliteOptions{.create_if_missing = false});
  if (!store.ok()) return Fail("link-events", store.status());
  std::vector<Incident> attendances, incidents;
  if (Status s = ReadEvents(store->get(), &attendances, &incidents); !s.ok()) return Fail("link-events", s);
  const std::vector<int64_t> links = linkage::LinkAttendances(attendances, incidents, {});
  int64_t linked = 0;
  for (int64_t l : links) linked += l >= 0;
  std::cout << "A&E assault attendances " << attendances.size() << ", police violence and robbery incidents "
            << incidents.size() << ", linked " << linked << " (unknown to police "
            << attendances.size() - linked << ", "
            << Fixed(attendances.empty() ? 0 : 100.0 * (attendances.size() - linked) / attendances.size(), 1)
            << "%)\n";
  if (!c.events_truth.empty()) {
    // truth/istv.csv: attendance_id, person_id, incident_id (empty: police never knew).
    auto bytes = ReadWhole(env, c.events_truth);
    if (!bytes.ok()) return Fail("link-events", bytes.status());
    std::map<std::string, std::string> truth;
    CsvReader reader(*bytes);
    CsvRecord csv;
    reader.Next(&csv);
    if (csv.fields.size() < 3 || csv.fields[0] != "attendance_id" || csv.fields[2] != "incident_id") {
      return Fail("link-events",
                  Status::RejectedInput("expected truth/istv.csv (attendance_id,person_id,incident_id,...)",
                                        {c.events_truth, 1, ""}));
    }
    while (reader.Next(&csv)) {
      if (csv.fields.size() >= 3) truth[std::string(csv.fields[0])] = std::string(csv.fields[2]);
    }
    int64_t true_links = 0, found = 0, correct = 0;
    for (const auto& [attendance, incident] : truth) true_links += !incident.empty();
    // Recall by what A&E recorded of the assault's time: an attendance with only a date or
    // only its arrival is compared with every violent incident of a day or more, so its
    // recall is a property of the data as much as of the linker (docs/linkage.md).
    enum Recorded { kTime, kDateOnly, kArrivalOnly };
    int64_t true_by[3] = {}, correct_by[3] = {};
    for (size_t a = 0; a < attendances.size(); ++a) {
      const std::string& id = attendances[a].source_id;
      const std::string attendance_id = id.substr(id.find('/') + 1);
      auto it = truth.find(attendance_id);
      const bool truly_linked = it != truth.end() && !it->second.empty();
      const bool right = links[a] >= 0 && it != truth.end() && it->second == incidents[links[a]].source_id;
      if (truly_linked) {
        const Recorded recorded = attendances[a].occurred_note == TimeNote::kArrivalNotAssault  ? kArrivalOnly
                                  : attendances[a].occurred.precision == TimePrecision::kMinute ? kTime
                                                                                                : kDateOnly;
        ++true_by[recorded];
        correct_by[recorded] += right;
      }
      if (links[a] < 0) continue;
      ++found;
      correct += right;
    }
    const double precision = found ? double(correct) / found : 1.0;
    const double recall = true_links ? double(correct) / true_links : 1.0;
    std::cout << "against " << c.events_truth << ": true links " << true_links << ", found " << found
              << ", correct " << correct << ", precision " << Fixed(precision, 4) << ", recall "
              << Fixed(recall, 4) << ", true share unknown "
              << Fixed(100.0 * (truth.size() - true_links) / std::max<size_t>(1, truth.size()), 1) << "%\n";
    std::cout << "recall by what A&E recorded of the assault:";
    const char* kRecordedName[3] = {"time", "date only", "arrival only"};
    for (int r = 0; r < 3; ++r) {
      std::cout << (r ? ";" : "") << " " << kRecordedName[r] << " " << correct_by[r] << " of " << true_by[r]
                << " " << Fixed(true_by[r] ? double(correct_by[r]) / true_by[r] : 1.0, 4);
    }
    std::cout << "\n";
  }
  OutputTable table{{"csp_area", "month", "attendances", "unknown_to_police", "share_unknown"},
                    {false, false, true, true, true},
                    {}};
  for (const auto& [key, share] : linkage::UnknownToPoliceByCspMonth(attendances, incidents, links)) {
    table.rows.push_back({key.substr(0, key.find('|')), key.substr(key.find('|') + 1),
                          std::to_string(share.attendances), std::to_string(share.unknown_to_police),
                          Fixed(double(share.unknown_to_police) / share.attendances, 3)});
  }
  WriteTable(table, format, std::cout);
  return 0;
}

// ---- cohort ----------------------------------------------------------------------------

// Under-25 usual residents of LLR from Census 2021 (the bands "Aged 15 years and under"
// and "Aged 16 to 24 years" of data/reference/census2021_age6_lsoa21_llr.csv).
Result<int64_t> CensusUnderTwentyFive(Env* env, const std::string& data_dir) {
  const std::string file = data_dir + "/reference/census2021_age6_lsoa21_llr.csv";
  HL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(env, file));
  CsvReader reader(bytes);
  CsvRecord csv;
  if (!reader.Next(&csv) || csv.fields.size() != 4 || csv.fields[2] != "age_group" ||
      csv.fields[3] != "usual_residents") {
    return Status::RejectedInput("expected the header lsoa21_code,lsoa21_name,age_group,usual_residents",
                                 {file, 1, ""});
  }
  int64_t under_25 = 0;
  int bands = 0;
  while (reader.Next(&csv)) {
    if (csv.blank || csv.fields.size() != 4) continue;
    if (csv.fields[2] == "Aged 15 years and under" || csv.fields[2] == "Aged 16 to 24 years") {
      under_25 += std::atoll(std::string(csv.fields[3]).c_str());
      ++bands;
    }
  }
  if (bands == 0) return Status::RejectedInput("no under-25 age bands found", {file, 0, "age_group"});
  return under_25;
}

struct HeldRecord {
  std::string event_type;
  std::string date_of_birth;  // as held, "" = not held
};

int RunCohort(Env* env, const LinkageCommands& c, OutputFormat format) {
  auto store = OpenSqliteStore(*c.db, SqliteOptions{.create_if_missing = false});
  if (!store.ok()) return Fail("cohort", store.status());
  // Police incidents tagged serious violence, with their people.
  std::vector<Incident> incidents;
  std::vector<int64_t> ids;
  Status read = (*store)->ReadIncidents({}, [&](int64_t id, const Incident& incident) {
    if (incident.source.agency == Agency::kPoliceExtract &&
        TagBehaviours(incident).Has(HarmfulBehaviour::kSeriousViolence)) {
      incidents.push_back(incident);
      ids.push_back(id);
    }
  });
  if (!read.ok()) return Fail("cohort", read);
  for (size_t i = 0; i < incidents.size(); ++i) {
    auto people = (*store)->InvolvementsOf(ids[i]);
    if (!people.ok()) return Fail("cohort", people.status());
    incidents[i].involvements = std::move(*people);
  }
  const std::vector<linkage::CohortMember> members = linkage::UnderTwentyFiveSeriousViolence(incidents);

  // Partner records held at the hub: event type (for the ACEs) and date of birth (for the
  // population's age). The latest event date is the default reference day.
  std::unordered_map<std::string, HeldRecord> held;
  std::unordered_map<std::string, std::string> event_type_of;
  CivilDate latest{};
  read = (*store)->ReadAgencyRecords([&](int64_t, const AgencyRecord& r) {
    const std::string key = std::string(PartnerAgencyName(r.agency)) + "/" + r.record_id;
    held[key] = {r.event_type, r.date_of_birth ? r.date_of_birth->ToString() : ""};
    event_type_of[key] = r.event_type;
    latest = std::max(latest, r.event_date);
  });
  if (!read.ok()) return Fail("cohort", read);
  int64_t reference_day = latest.DaysSinceEpoch();
  if (!c.on_date.empty()) {
    auto on = ParseCivilDate(c.on_date);
    if (!on) {
      std::cerr << "harmlens cohort: --on must be a date YYYY-MM-DD\n";
      return kExitUsage;
    }
    reference_day = on->DaysSinceEpoch();
  } else if (held.empty()) {
    std::cerr << "harmlens cohort: the store holds no agency records: give --on for the population's age\n";
    return kExitUsage;
  }

  // Linked persons.
  auto bytes = ReadWhole(env, c.persons_file);
  if (!bytes.ok()) return Fail("cohort", bytes.status());
  linkage::PersonFacts facts;
  std::unordered_map<int64_t, std::map<std::string, int>> births;  // person -> held dates of birth
  int64_t records_not_held = 0;
  size_t factors_column = 0;  // 0 = the persons file carries no assessment factors
  int64_t unreadable_factors = 0;
  std::unordered_map<std::string, uint32_t> factors_of_record;  // "agency/record_id" -> factor bits
  {
    CsvReader reader(*bytes);
    CsvRecord csv;
    if (!reader.Next(&csv) || csv.fields.size() < 3 || csv.fields[0] != "source" ||
        csv.fields[1] != "record_key" || csv.fields[2] != "person_id") {
      return Fail("cohort", Status::RejectedInput(
                                "not a persons file (expected the header source,record_key,person_id,...)",
                                {c.persons_file, 1, ""}));
    }
    // The event type travels with the encodings (a carried column), so the ACEs need no
    // record in clear; the store's copy is the fallback.
    size_t event_type_column = 0;
    for (size_t i = 3; i < csv.fields.size(); ++i) {
      if (csv.fields[i] == "event_type") event_type_column = i;
      if (csv.fields[i] == "factors") factors_column = i;
    }
    while (reader.Next(&csv)) {
      if (csv.blank || csv.fields.size() < 3) continue;
      const std::string source(csv.fields[0]);
      const std::string record_key(csv.fields[1]);
      const int64_t person = std::atoll(std::string(csv.fields[2]).c_str());
      if (source == linkage::kPoliceNominalSource) {
        facts.person_of_police_key[record_key] = person;
        continue;
      }
      auto agency = PartnerAgencyFromName(source);
      if (!agency) continue;
      auto it = held.find(source + "/" + record_key);
      if (it == held.end()) ++records_not_held;
      std::string_view event_type = it == held.end() ? std::string_view() : it->second.event_type;
      if (event_type_column > 0 && event_type_column < csv.fields.size() &&
          !csv.fields[event_type_column].empty()) {
        event_type = csv.fields[event_type_column];
      }
      // Assessment factors travel the same way (schema agency-records-2); the store keeps none.
      uint32_t assessment_factors = 0;
      if (factors_column > 0 && factors_column < csv.fields.size() && !csv.fields[factors_column].empty()) {
        ParsedFactors parsed = ParseAssessmentFactors(csv.fields[factors_column]);
        if (parsed.error.empty()) {
          assessment_factors = parsed.bits;
          factors_of_record[source + "/" + record_key] = parsed.bits;
        } else {
          ++unreadable_factors;
        }
      }
      facts.factors_of_person[person] |= linkage::FactorsShownBy(*agency, event_type, assessment_factors);
      if (it != held.end() && !it->second.date_of_birth.empty()) ++births[person][it->second.date_of_birth];
    }
  }
  // A person's date of birth: the one most of their records hold (the earliest on a tie).
  int64_t persons_without_birth = 0;
  for (const auto& [person, factors] : facts.factors_of_person) {
    auto b = births.find(person);
    if (b == births.end()) {
      ++persons_without_birth;
      continue;
    }
    const std::pair<const std::string, int>* best = nullptr;
    for (const auto& entry : b->second) {
      if (!best || entry.second > best->second) best = &entry;
    }
    auto date = ParseCivilDate(best->first);
    if (date && linkage::UnderTwentyFiveOn(*date, reference_day)) facts.under_25.insert(person);
  }
  auto census = CensusUnderTwentyFive(env, c.cohort_data_dir);
  if (!census.ok()) return Fail("cohort", census.status());
  facts.population_under_25 = std::llround(static_cast<double>(*census) * c.population_scale);
  const linkage::CohortPrevalence table = linkage::ComputeCohortPrevalence(members, facts);

  std::optional<linkage::CohortPrevalence> by_records, lifetime;
  if (!c.truth_dir.empty()) {
    auto police = ReadWhole(env, c.truth_dir + "/police_persons.csv");
    auto agency = ReadWhole(env, c.truth_dir + "/agency_records.csv");
    auto persons = ReadWhole(env, c.truth_dir + "/persons.csv");
    for (const auto* r : {&police, &agency, &persons}) {
      if (!r->ok()) return Fail("cohort", r->status());
    }
    auto truth = linkage::ReadSyntheticCohortTruth(*police, *agency, *persons, event_type_of, reference_day,
                                                   factors_of_record);
    if (!truth.ok()) return Fail("cohort", truth.status());
    by_records = linkage::ComputeCohortPrevalence(members, truth->by_records);
    lifetime = linkage::ComputeCohortPrevalence(members, truth->lifetime);
  }

  int64_t victims = 0, perpetrators = 0, with_person = 0, with_contact = 0;
  for (const auto& m : members) {
    victims += m.victim;
    perpetrators += m.perpetrator;
    auto it = facts.person_of_police_key.find(m.person_key);
    if (it == facts.person_of_police_key.end()) continue;
    ++with_person;
    with_contact += facts.factors_of_person.count(it->second);
  }
  std::cout << "under-25 victims " << victims << ", under-25 perpetrators " << perpetrators
            << " of serious violence; " << with_person << " of " << members.size()
            << " police persons found in " << c.persons_file << ", " << with_contact
            << " linked to an agency record (the rest count as no contact found)\n"
            << "under-25 population " << facts.population_under_25
            << " (Census 2021, ages 0-15 and 16-24, data/reference/census2021_age6_lsoa21_llr.csv, x "
            << c.population_scale << "); linked persons under 25 on "
            << CivilDate::FromDays(reference_day).ToString() << ": " << facts.under_25.size() << " ("
            << persons_without_birth << " persons with no date of birth held are left out"
            << ", " << records_not_held << " linked records not in the store)\n";
  if (factors_column == 0) {
    std::cout
        << "the persons file carries no assessment factors (link encodings of schema agency-records-2): "
           "the four household ACEs are not observable\n";
  } else if (unreadable_factors > 0) {
    std::cout << unreadable_factors << " records with an unreadable factors value count as no factor\n";
  }

  // Without any date of birth (an encoded-only hub) the population's ages are unknown:
  // say so rather than report zeros.
  const bool population_known = persons_without_birth < static_cast<int64_t>(facts.factors_of_person.size());
  OutputTable out{
      {"cohort", "factor", "kind", "count", "total", "prevalence", "ci95_low", "ci95_high"}, {}, {}};
  if (by_records) {
    out.columns.push_back("true_by_records");
    out.columns.push_back("true_lifetime");
  }
  for (int k = 0; k < linkage::kCohortCount; ++k) {
    for (int f = 0; f < linkage::kRiskFactorCount; ++f) {
      const auto& info = linkage::InfoOf(static_cast<linkage::RiskFactor>(f));
      const linkage::Prevalence& p = table[k][f];
      const bool household = f >= static_cast<int>(linkage::RiskFactor::kAceDomesticAbuse);
      const bool observable = info.observable && (factors_column > 0 || !household);
      std::vector<std::string> row = {std::string(linkage::CohortName(static_cast<linkage::Cohort>(k))),
                                      std::string(info.name), std::string(info.kind)};
      if (k == static_cast<int>(linkage::Cohort::kPopulation) && !population_known && observable) {
        row.insert(row.end(), {"", "", "no date of birth at the hub", "", ""});
      } else if (observable) {
        row.insert(row.end(), {std::to_string(p.count), std::to_string(p.total), Fixed(p.estimate, 4),
                               Fixed(p.interval.low, 4), Fixed(p.interval.high, 4)});
      } else {
        row.insert(row.end(), {"", "", "not observable", "", ""});
      }
      if (by_records) {
        row.push_back(observable ? Fixed((*by_records)[k][f].estimate, 4) : "");
        row.push_back(f >= static_cast<int>(linkage::RiskFactor::kAceLookedAfter)
                          ? Fixed((*lifetime)[k][f].estimate, 4)
                          : "");
      }
      out.rows.push_back(std::move(row));
    }
  }
  WriteTable(out, format, std::cout);
  return 0;
}

}  // namespace

std::shared_ptr<LinkageCommands> AddLinkageCommands(CLI::App* app, std::string* db, std::string* format,
                                                    const std::string* data_dir) {
  auto c = std::make_shared<LinkageCommands>();
  c->db = db;
  c->data_dir = data_dir;
  c->encode = app->add_subcommand(
      "encode", "partner side: turn agency records into keyed Bloom-filter encodings (docs/linkage.md)");
  c->encode->add_option("files", c->encode_files, "record files with identifiers (agency-records/1)")
      ->required();
  c->encode->add_option("--schema", c->schema_file, "the linkage schema (data/linkage/schema-1.json)")
      ->required();
  c->encode->add_option(
      "--secret-file", c->secret_file,
      std::string("file holding the partners' shared secret (else $") + kSecretVariable + ")");
  c->encode->add_option("--out", c->out, "the encodings file to write")->required();

  c->link = app->add_subcommand("link", "hub side: link records into persons (docs/linkage.md)");
  c->link->add_option("files", c->link_files, "encodings files (or record files with --plaintext)");
  c->link->add_option("--schema", c->schema_file, "the linkage schema the files were encoded with");
  c->link->add_flag("--plaintext", c->plaintext,
                    "link identifiers in clear (only where the law allows sharing them)");
  c->link->add_option("--clustering", c->clustering, "how matched pairs become persons")
      ->check(CLI::IsMember({"average", "components"}))
      ->capture_default_str();
  c->link->add_option(
      "--persons", c->persons_file,
      "person ids: read if it exists (earlier ids are kept), then rewritten with every record");
  c->link->add_option("--explain", c->explain, "explain one pair's score: two keys source/record_key")
      ->expected(2);
  c->link
      ->add_option("--evaluate", c->evaluate,
                   "precision, recall and F1 against ground truth, both modes: febrl FILE or synth DIR")
      ->expected(2);
  c->link->add_option("--secret-file", c->secret_file,
                      "with --evaluate: encode with this secret, not a fresh random one (repeatable)");
  c->link->add_option("--threads", c->threads, "threads for comparing pairs")->capture_default_str();
  c->link->add_option("--threshold", c->threshold, "match probability a pair needs (default: the schema's)")
      ->check(CLI::Range(0.001, 0.999));
  c->link->add_option("--purpose", c->purpose, "why this linkage is run (kept in the run log)");
  c->link->add_option("--db", *db, "the store whose log records the run")->capture_default_str();
  c->runs =
      app->add_subcommand("linkage-runs", "every linkage run: who, when, which data, parameters, counts");
  c->runs->add_option("--db", *db, "the store")->capture_default_str();
  c->runs->add_option("--format", *format, "output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  c->link->add_option("--format", *format, "output format of --evaluate")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  c->events = app->add_subcommand(
      "link-events",
      "A&E assault attendances to police incidents; per CSP x month the share unknown to police");
  c->events->add_option("--db", *db, "the store holding the ISTV and police extract loads")
      ->capture_default_str();
  c->events->add_option("--truth", c->events_truth,
                        "synthetic ground truth (truth/istv.csv): precision and recall");
  c->events->add_option("--format", *format, "output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  c->cohort = app->add_subcommand("cohort",
                                  "risk factors of under-25 victims and perpetrators of serious violence "
                                  "against all under-25s, on linked persons");
  c->cohort->add_option("--db", *db, "the store holding the police extract and agency records")
      ->capture_default_str();
  c->cohort
      ->add_option("--persons", c->persons_file,
                   "the persons file of a link run that included the police nominals")
      ->required();
  c->cohort
      ->add_option("--population-scale", c->population_scale,
                   "multiply the Census under-25 count (0.1 for a synthetic LLR made with --scale 0.1)")
      ->check(CLI::Range(0.0001, 1000.0))
      ->capture_default_str();
  c->cohort->add_option("--on", c->on_date,
                        "the day ages are taken on for the population (default: the latest agency record)");
  c->cohort_data_dir = *data_dir;
  c->cohort->add_option("--data", c->cohort_data_dir, "bundled data folder (data/): the Census denominators")
      ->capture_default_str();
  c->cohort->add_option("--truth", c->truth_dir,
                        "synthetic ground truth folder (truth/): true prevalences beside");
  c->cohort->add_option("--format", *format, "output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  return c;
}

std::optional<int> RunLinkageCommands(Env* env, const LinkageCommands& c, OutputFormat format) {
  if (c.encode->parsed()) return RunEncode(env, c);
  if (c.link->parsed()) {
    if (!c.evaluate.empty()) {
      if (c.evaluate[0] != "febrl" && c.evaluate[0] != "synth") {
        std::cerr << "harmlens link: --evaluate takes febrl FILE or synth DIR\n";
        return kExitUsage;
      }
      return RunEvaluate(env, c, format);
    }
    if (!c.secret_file.empty()) {
      std::cerr << "harmlens link: --secret-file is for --evaluate only; the hub links encodings and "
                   "never holds the partners' secret\n";
      return kExitUsage;
    }
    if (c.schema_file.empty()) {
      std::cerr << "harmlens link: --schema is required\n";
      return kExitUsage;
    }
    return RunLink(env, c);
  }
  if (c.runs->parsed()) return RunRuns(c, format);
  if (c.events->parsed()) return RunEvents(env, c, format);
  if (c.cohort->parsed()) return RunCohort(env, c, format);
  return std::nullopt;
}

}  // namespace harmlens
