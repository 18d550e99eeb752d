#include "ingest/ingest.h"

#include <pthread.h>
#include <sodium.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "base/csv.h"
#include "ingest/police_uk.h"
#include "model/behaviour_rules.h"

namespace harmlens {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A batch handed from the parsing thread to the writing thread.
struct ParsedBatch {
  IncidentBatch batch;
  int64_t bytes_done = 0;
  bool last = false;
};

// BLAKE2b-256 of a file, fed batch by batch on the writing thread, which has spare
// time while the parser works.
class ContentHash {
 public:
  explicit ContentHash(std::string_view bytes) : bytes_(bytes) {
    crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES);
  }
  void HashTo(size_t offset) {
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(bytes_.data()) + done_,
                              offset - done_);
    done_ = offset;
  }
  std::string Hex() {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash_final(&state_, digest, sizeof digest);
    static const char* kDigits = "0123456789abcdef";
    std::string hex;
    for (unsigned char b : digest) {
      hex += kDigits[b >> 4];
      hex += kDigits[b & 15];
    }
    return hex;
  }

 private:
  std::string_view bytes_;
  crypto_generichash_state state_;
  size_t done_ = 0;
};

// Hands parsed batches to the writer and the written ones back to the parser, which
// refills them: the strings inside each Incident keep their capacity, so steady-state
// parsing allocates almost nothing. At most `capacity` batches are ever in flight.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // A batch to fill: a recycled one if any, a new one while under capacity, otherwise
  // waits. Null if the writer has given up.
  std::unique_ptr<ParsedBatch> Empty() {
    std::unique_lock lock(mu_);
    cond_.wait(lock, [&] { return !recycled_.empty() || created_ < capacity_ || cancelled_; });
    if (cancelled_) return nullptr;
    if (!recycled_.empty()) {
      auto batch = std::move(recycled_.back());
      recycled_.pop_back();
      return batch;
    }
    ++created_;
    return std::make_unique<ParsedBatch>();
  }
  void Push(std::unique_ptr<ParsedBatch> batch) {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(batch));
    cond_.notify_all();
  }
  std::unique_ptr<ParsedBatch> Pop() {
    std::unique_lock lock(mu_);
    cond_.wait(lock, [&] { return !full_.empty(); });
    auto batch = std::move(full_.front());
    full_.pop_front();
    return batch;
  }
  void Recycle(std::unique_ptr<ParsedBatch> batch) {
    std::lock_guard lock(mu_);
    recycled_.push_back(std::move(batch));
    cond_.notify_all();
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    cond_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cond_;
  std::deque<std::unique_ptr<ParsedBatch>> full_;
  std::vector<std::unique_ptr<ParsedBatch>> recycled_;
  size_t capacity_;
  size_t created_ = 0;
  bool cancelled_ = false;
};

// Parses one file into batches and pushes them. False if the writer gave up.
bool ParseFile(const std::string& path, std::string_view bytes, const ReferenceGeography& geography,
               int64_t batch_rows, BatchQueue* queue) {
  PoliceUkParser parser(path, geography);
  CsvReader reader(bytes);
  CsvRecord record;
  QuarantinedRow rejected;
  reader.Next(&record);  // the header, checked before the load began
  int64_t batch_no = 0;
  for (bool more = true; more;) {
    std::unique_ptr<ParsedBatch> parsed = queue->Empty();
    if (!parsed) return false;
    IncidentBatch& batch = parsed->batch;
    batch.batch_no = batch_no++;
    batch.quarantined.clear();
    batch.rows_lsoa_checked = batch.rows_lsoa_agreed = 0;
    size_t stored = 0;  // incidents[0, stored) are this batch's; the rest are spares
    int64_t rows = 0;
    while (rows < batch_rows) {
      more = reader.Next(&record);
      // A final empty line is the file's last line ending, not a blank record.
      if (more && record.blank && reader.offset() >= bytes.size()) more = false;
      if (!more) break;
      if (rows == 0) batch.first_line = record.line;
      batch.last_line = record.line;
      ++rows;
      if (stored == batch.incidents.size()) batch.incidents.emplace_back();
      Incident& inc = batch.incidents[stored];
      if (!parser.Parse(record, &inc, &rejected)) {
        batch.quarantined.push_back(std::move(rejected));
        continue;
      }
      // The LSOA check applies to rows with a point and an LLR LSOA label (the CSP area
      // then comes from the label): only those have a polygon to test the point against.
      if (inc.location.point && !inc.location.lsoa_reported.empty() && !inc.location.csp_area.empty()) {
        ++batch.rows_lsoa_checked;
        if (inc.location.lsoa_by_point == inc.location.lsoa_reported) ++batch.rows_lsoa_agreed;
      }
      ++stored;
    }
    batch.incidents.resize(stored);
    batch.keys.resize(stored);
    for (size_t i = 0; i < stored; ++i) {
      batch.keys[i] = KeyOf(batch.incidents[i].source.agency, batch.incidents[i].source_id);
    }
    parsed->bytes_done = static_cast<int64_t>(reader.offset());
    parsed->last = !more || reader.offset() >= bytes.size();
    more = !parsed->last;
    queue->Push(std::move(parsed));
  }
  return true;
}

}  // namespace

Result<std::vector<std::string>> ExpandInputPaths(Env* env, const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (env->IsDirectory(path)) {
      HL_ASSIGN_OR_RETURN(std::vector<std::string> below, env->ListFilesRecursively(path));
      size_t before = files.size();
      for (std::string& f : below) {
        if (EndsWith(f, ".csv")) files.push_back(std::move(f));
      }
      if (files.size() == before) {
        return Status::RejectedInput("no .csv files in the directory", {path, 0, ""});
      }
    } else if (env->Exists(path)) {
      files.push_back(path);
    } else {
      return Status::NotFound(path + ": no such file or directory");
    }
  }
  if (files.empty()) return Status::InvalidArgument("no input files given");
  return files;
}

Status CheckPoliceUkInputs(Env* env, const std::vector<std::string>& paths) {
  HL_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputPaths(env, paths));
  for (const std::string& file : files) {
    HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> contents, env->ReadFile(file));
    HL_RETURN_IF_ERROR(CheckPoliceUkHeader(file, contents->bytes()));
  }
  return Status::Ok();
}

Result<IngestReport> IngestPoliceUk(Store* store, Env* env, const ReferenceGeography& geography,
                                    const std::vector<std::string>& paths, const IngestOptions& options) {
  if (sodium_init() < 0) return Status::Internal("ingest: libsodium failed to initialise");
  if (options.batch_rows < 1) return Status::InvalidArgument("ingest: batch size must be at least 1 row");
  HL_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputPaths(env, paths));

  // Check every file before storing anything: a wrong file refuses the whole command.
  std::vector<std::unique_ptr<FileContents>> contents;
  IngestReport report;
  for (const std::string& file : files) {
    HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> c, env->ReadFile(file));
    HL_RETURN_IF_ERROR(CheckPoliceUkHeader(file, c->bytes()));
    report.bytes += static_cast<int64_t>(c->bytes().size());
    contents.push_back(std::move(c));
  }

  double started = env->MonotonicSeconds();
  BatchQueue queue(3);
  std::thread parser_thread([&] {
    pthread_setname_np(pthread_self(), "hl-parse");  // names the thread in top and perf
    for (size_t i = 0; i < files.size(); ++i) {
      if (!ParseFile(files[i], contents[i]->bytes(), geography, options.batch_rows, &queue)) return;
    }
  });

  Status failure;
  int64_t bytes_before_file = 0;
  int64_t rows_read = 0;
  for (size_t i = 0; i < files.size() && failure.ok(); ++i) {
    FileLoadReport file_report;
    file_report.file = files[i];
    Result<int64_t> load_id = store->BeginLoad(
        {std::string(kPoliceUkFeed), files[i], static_cast<int64_t>(contents[i]->bytes().size()),
         std::string(kBehaviourRulesVersion)});
    if (!load_id.ok()) {
      failure = load_id.status();
      break;
    }
    file_report.load_id = *load_id;
    ContentHash content_hash(contents[i]->bytes());
    for (;;) {
      std::unique_ptr<ParsedBatch> parsed_ptr = queue.Pop();
      ParsedBatch& parsed = *parsed_ptr;
      content_hash.HashTo(static_cast<size_t>(parsed.bytes_done));
      parsed.batch.load_id = file_report.load_id;
      Result<BatchCounts> written = store->WriteBatch(parsed.batch);
      if (!written.ok()) {
        failure = written.status();
        break;
      }
      const LoadCounts* counts = &written->rows;
      file_report.counts += *counts;
      file_report.rows_lsoa_checked += parsed.batch.rows_lsoa_checked;
      file_report.rows_lsoa_agreed += parsed.batch.rows_lsoa_agreed;
      rows_read += counts->read;
      if (options.on_batch_committed) options.on_batch_committed(file_report, parsed.batch, *counts);
      if (options.on_progress) {
        options.on_progress({bytes_before_file + parsed.bytes_done, report.bytes, rows_read,
                             env->MonotonicSeconds() - started});
      }
      bool last = parsed.last;
      queue.Recycle(std::move(parsed_ptr));
      if (last) {
        failure = store->FinishLoad(file_report.load_id, content_hash.Hex());
        break;
      }
    }
    bytes_before_file += static_cast<int64_t>(contents[i]->bytes().size());
    report.total += file_report.counts;
    report.files.push_back(std::move(file_report));
  }
  queue.Cancel();
  parser_thread.join();
  if (!failure.ok()) return failure;
  report.seconds = env->MonotonicSeconds() - started;
  return report;
}

}  // namespace harmlens
