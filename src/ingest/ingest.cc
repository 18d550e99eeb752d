#include "ingest/ingest.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "base/csv.h"
#include "ingest/agency_records.h"
#include "ingest/istv.h"
#include "ingest/police_extract.h"
#include "ingest/police_uk.h"
#include "model/behaviour_rules.h"
#include "store/incident_segment.h"

namespace harmlens {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A batch handed from the parsing thread to the writing thread.
template <typename Batch>
struct ParsedBatch {
  Batch batch;
  int64_t bytes_done = 0;
  int64_t rows_located = 0;  // accepted rows with a point
  bool last = false;
  std::string content_hash;  // of the whole file, set on its last batch
};

// SHA-256 of a file (recorded as "sha256:<hex>", what `sha256sum` prints), fed batch
// by batch in file order while parsing runs. SHA-256 rather than BLAKE2b because
// OpenSSL's uses the CPU's SHA instructions: 1.27 GB/s against libsodium's BLAKE2b at
// 0.51 GB/s here, and the hash of a 500 MB file is work no other thread can share.
class ContentHash {
 public:
  explicit ContentHash(std::string_view bytes) : bytes_(bytes), ctx_(EVP_MD_CTX_new()) {
    // Without a context or SHA-256 the digest comes out empty and FinishLoad records
    // no hash: nothing is stored wrongly, and OpenSSL always has SHA-256.
    if (ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) ctx_.reset();
  }
  void HashTo(size_t offset) {
    if (ctx_) EVP_DigestUpdate(ctx_.get(), bytes_.data() + done_, offset - done_);
    done_ = offset;
  }
  std::string Recorded() {
    HashTo(bytes_.size());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!ctx_ || EVP_DigestFinal_ex(ctx_.get(), digest, &size) != 1) return "";
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    sodium_bin2hex(hex, sizeof hex, digest, size);
    return std::string("sha256:") + hex;
  }

 private:
  struct FreeContext {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::string_view bytes_;
  std::unique_ptr<EVP_MD_CTX, FreeContext> ctx_;
  size_t done_ = 0;
};

// Hands parsed batches to the writer and the written ones back to the parser, which
// refills them: the strings inside each row keep their capacity, so steady-state
// parsing allocates almost nothing. At most `capacity` batches are ever in flight.
template <typename Batch>
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // A batch to fill: a recycled one if any, a new one while under capacity, otherwise
  // waits. Null if the writer has given up.
  std::unique_ptr<ParsedBatch<Batch>> Empty() {
    std::unique_lock lock(mu_);
    cond_.wait(lock, [&] { return !recycled_.empty() || created_ < capacity_ || cancelled_; });
    if (cancelled_) return nullptr;
    if (!recycled_.empty()) {
      auto batch = std::move(recycled_.back());
      recycled_.pop_back();
      return batch;
    }
    ++created_;
    return std::make_unique<ParsedBatch<Batch>>();
  }
  void Push(std::unique_ptr<ParsedBatch<Batch>> batch) {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(batch));
    cond_.notify_all();
  }
  std::unique_ptr<ParsedBatch<Batch>> Pop() {
    std::unique_lock lock(mu_);
    cond_.wait(lock, [&] { return !full_.empty(); });
    auto batch = std::move(full_.front());
    full_.pop_front();
    return batch;
  }
  void Recycle(std::unique_ptr<ParsedBatch<Batch>> batch) {
    std::lock_guard lock(mu_);
    recycled_.push_back(std::move(batch));
    cond_.notify_all();
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    cond_.notify_all();
  }
  // For the parsing side once it has nothing left to parse: frees each batch the writer
  // hands back, until Cancel(). Freeing a batch of 20,000 rows (each with several
  // strings on the heap) takes milliseconds; done here, it overlaps the writer's last
  // commits instead of following them.
  void FreeReturnedUntilCancelled() {
    std::unique_lock lock(mu_);
    for (;;) {
      cond_.wait(lock, [&] { return !recycled_.empty() || cancelled_; });
      std::vector<std::unique_ptr<ParsedBatch<Batch>>> returned = std::move(recycled_);
      recycled_.clear();
      const bool done = cancelled_;
      lock.unlock();
      returned.clear();
      if (done) return;
      lock.lock();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cond_;
  std::deque<std::unique_ptr<ParsedBatch<Batch>>> full_;
  std::vector<std::unique_ptr<ParsedBatch<Batch>>> recycled_;
  size_t capacity_;
  size_t created_ = 0;
  bool cancelled_ = false;
};

// The rows of each kind of batch, so one parsing loop serves every adapter.
std::vector<Incident>& RowsOf(IncidentBatch& batch) { return batch.incidents; }
std::vector<AgencyRecord>& RowsOf(AgencyRecordBatch& batch) { return batch.records; }

// Work done on the parsing thread once a batch of incidents is complete: their keys,
// and the LSOA check, which applies to rows with a point and an LLR LSOA label (the CSP
// area then comes from the label): only those have a polygon to test the point against.
// Returns how many have a point.
// Counts a row into its batch's LSOA check (rows with a point and an LLR LSOA label,
// and of those the ones inside that LSOA's polygon); true if the row has a point.
bool CountLocation(const Incident& inc, IncidentBatch& batch) {
  if (!inc.location.point) return false;
  if (!inc.location.lsoa_reported.empty() && !inc.location.csp_area.empty()) {
    ++batch.rows_lsoa_checked;
    if (inc.location.lsoa_by_point == inc.location.lsoa_reported) ++batch.rows_lsoa_agreed;
  }
  return true;
}

int64_t FinishRows(IncidentBatch& batch, const IncidentKeySecret& secret) {
  int64_t located = 0;
  batch.rows_lsoa_checked = batch.rows_lsoa_agreed = 0;
  batch.keys.resize(batch.incidents.size());
  for (size_t i = 0; i < batch.incidents.size(); ++i) {
    const Incident& inc = batch.incidents[i];
    batch.keys[i] = KeyOf(secret, inc.source.agency, inc.source_id);
    located += CountLocation(inc, batch);
  }
  return located;
}
int64_t FinishRows(AgencyRecordBatch&, const IncidentKeySecret&) { return 0; }

// Parses one file with `parser` into batches and pushes them. False if the writer gave
// up. A parser that accounts rows of a second file (police extract persons) attaches
// them as each batch closes.
template <typename Parser, typename Batch>
bool ParseFile(Parser& parser, std::string_view bytes, int64_t batch_rows, const IncidentKeySecret& secret,
               BatchQueue<Batch>* queue) {
  ContentHash content_hash(bytes);
  CsvReader reader(bytes);
  CsvRecord record;
  QuarantinedRow rejected;
  reader.Next(&record);  // the header, checked before the load began
  int64_t batch_no = 0;
  for (bool more = true; more;) {
    std::unique_ptr<ParsedBatch<Batch>> parsed = queue->Empty();
    if (!parsed) return false;
    Batch& batch = parsed->batch;
    auto& rows = RowsOf(batch);
    batch.batch_no = batch_no++;
    batch.quarantined.clear();
    batch.first_line = batch.last_line = 0;
    size_t stored = 0;  // rows[0, stored) are this batch's; the rest are spares
    int64_t read = 0;
    while (read < batch_rows) {
      more = reader.Next(&record);
      // A final empty line is the file's last line ending, not a blank record.
      if (more && record.blank && reader.offset() >= bytes.size()) more = false;
      if (!more) break;
      if (read == 0) batch.first_line = record.line;
      batch.last_line = record.line;
      ++read;
      if (stored == rows.size()) rows.emplace_back();
      if (!parser.Parse(record, &rows[stored], &rejected)) {
        batch.quarantined.push_back(std::move(rejected));
        continue;
      }
      ++stored;
    }
    rows.resize(stored);
    parsed->rows_located = FinishRows(batch, secret);
    parsed->bytes_done = static_cast<int64_t>(reader.offset());
    parsed->last = !more || reader.offset() >= bytes.size();
    more = !parsed->last;
    content_hash.HashTo(std::min(reader.offset(), bytes.size()));
    parsed->content_hash.clear();
    if (parsed->last) parsed->content_hash = content_hash.Recorded();
    if constexpr (requires { parser.CloseBatch(&batch, true); }) parser.CloseBatch(&batch, parsed->last);
    queue->Push(std::move(parsed));
  }
  return true;
}

// Work that must be done in batch order (the file hash, numbering identical ASB rows,
// handing batches to the writer) while parsing runs on several threads: a worker waits
// for its batch's turn. Cancel() releases every waiter.
class Turns {
 public:
  // False if cancelled.
  bool Wait(int64_t turn) {
    std::unique_lock lock(mu_);
    cond_.wait(lock, [&] { return next_ == turn || cancelled_; });
    return !cancelled_;
  }
  void Done() {
    std::lock_guard lock(mu_);
    ++next_;
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
  int64_t next_ = 0;
  bool cancelled_ = false;
};

// A stretch of whole lines of a police.uk file: one batch. police.uk records never hold
// a line break (CsvOptions: an unclosed quote ends at its line), so a record is a line
// and a file splits into batches at line ends without parsing it.
struct LineStretch {
  int64_t batch_no = 0;
  size_t begin = 0, end = 0;  // bytes [begin, end)
  int64_t first_line = 0;     // physical line at `begin`
  bool last = false;          // ends at the end of the file
  std::string content_hash;   // of the whole file, on its last stretch
};

// Hands out consecutive stretches of `lines` lines each, from the first record on, in
// file order, and hashes the file as it goes. Not thread-safe.
class LineStretches {
 public:
  LineStretches(std::string_view bytes, size_t first_record, int64_t lines)
      : bytes_(bytes), offset_(first_record), lines_(lines), hash_(bytes) {}
  // False once the stretch ending the file has been handed out.
  bool Next(LineStretch* stretch) {
    if (finished_) return false;
    stretch->batch_no = batch_no_++;
    stretch->begin = offset_;
    stretch->first_line = line_;
    // A chunk at a time: its pages mapped in one call (faulting them in one by one cost
    // about a sixth of a big ingest's page faults), its lines counted, then hashed
    // while still in the core's cache: one pass over the file from memory, not two.
    constexpr size_t kChunk = 128 * 1024;
    for (int64_t n = 0; n < lines_ && offset_ < bytes_.size();) {
      const size_t limit = std::min(bytes_.size(), offset_ + kChunk);
      Prefault(offset_, limit);
      int64_t counted = 0;
      offset_ = SkipLines(bytes_.substr(0, limit), offset_, lines_ - n, &counted);
      // A line cut by the chunk's end is not over: it is counted when its end is found.
      if (offset_ < bytes_.size() && bytes_[offset_ - 1] != '\n') --counted;
      n += counted;
      line_ += counted;
      hash_.HashTo(offset_);
    }
    stretch->end = offset_;
    stretch->last = finished_ = offset_ >= bytes_.size();
    stretch->content_hash = stretch->last ? hash_.Recorded() : std::string();
    return true;
  }

 private:
  // Advice only: a kernel without MADV_POPULATE_READ (before 5.14) faults the pages in
  // as they are read.
  void Prefault(size_t begin, size_t end) const {
    const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t first = reinterpret_cast<uintptr_t>(bytes_.data() + begin) & ~(page - 1);
    const uintptr_t last = reinterpret_cast<uintptr_t>(bytes_.data() + end);
    if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_READ);
  }

  std::string_view bytes_;
  size_t offset_;
  int64_t lines_;
  ContentHash hash_;
  int64_t line_ = 2;  // the header is line 1
  int64_t batch_no_ = 0;
  bool finished_ = false;
};

// A police.uk file to parse, with what must follow it in file order: the occurrence
// numbers of its identical ASB rows.
struct PoliceUkFileWork {
  const std::string* path = nullptr;
  std::string_view bytes;
  std::unique_ptr<LineStretches> stretches;  // made when the first worker reaches the file
  AsbOccurrences asb_occurrences;
};

// The next stretch of the files in turn, numbered across all of them: the order in
// which batches go to the writer.
class PoliceUkStretches {
 public:
  PoliceUkStretches(std::vector<PoliceUkFileWork>* files, int64_t batch_rows)
      : files_(*files), rows_(batch_rows) {}
  // False once every file is handed out; otherwise the file, the stretch and its turn.
  bool Next(size_t* file, LineStretch* stretch, int64_t* turn) {
    std::lock_guard lock(mu_);
    while (file_ < files_.size()) {
      PoliceUkFileWork& work = files_[file_];
      if (!work.stretches) {
        CsvReader header_reader(work.bytes);
        CsvRecord header;
        header_reader.Next(&header);  // checked before the load began
        work.stretches = std::make_unique<LineStretches>(work.bytes, header_reader.offset(), rows_);
      }
      if (work.stretches->Next(stretch)) {
        *file = file_;
        *turn = turn_++;
        return true;
      }
      ++file_;
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::vector<PoliceUkFileWork>& files_;
  int64_t rows_;
  size_t file_ = 0;
  int64_t turn_ = 0;
};

// ParseFile for police.uk on every core, over all the files of a command (so that a
// folder of small monthly files keeps both cores busy too): each worker takes the next
// stretch of lines (the file is hashed as stretches are cut, in order), parses it into
// a batch of keys, an encoded segment and its summary; the other order-bound steps (ASB
// occurrence numbers, the hand-over to the writer) go in turn. Everything stored is the
// same as from ParseFile's batches, file by file.
bool ParsePoliceUkFiles(std::vector<PoliceUkFileWork>& files, const ReferenceGeography& geography,
                        int64_t batch_rows, const IncidentKeySecret& secret, BatchQueue<IncidentBatch>* queue) {
  PoliceUkStretches stretches(&files, batch_rows);
  Turns numbered, hand_over;
  std::atomic<bool> writer_gave_up = false;

  auto work = [&] {
    std::optional<PoliceUkParser> parser;
    size_t parser_file = files.size();
    CsvRecord record;
    QuarantinedRow rejected;
    // Every row is parsed into this one incident, which stays in the cache, and goes
    // into the batch only as its key, segment row and summary count.
    Incident row;
    // Rows awaiting their ASB occurrence number, their ids (end to end) and then their
    // occurrences.
    std::vector<size_t> unnumbered;
    std::string unnumbered_ids, numbered_id;
    std::vector<size_t> unnumbered_ends;
    std::vector<int> occurrences;
    SegmentBuilder segment;
    LineStretch stretch;
    size_t f = 0;
    int64_t turn = 0;
    while (stretches.Next(&f, &stretch, &turn)) {
      PoliceUkFileWork& file = files[f];
      if (!parser) {
        parser.emplace(*file.path, geography, /*number_asb_later=*/true);
      } else if (parser_file != f) {
        parser->StartFile(*file.path);
      }
      parser_file = f;
      std::unique_ptr<ParsedBatch<IncidentBatch>> parsed = queue->Empty();
      if (!parsed) {
        writer_gave_up = true;
        numbered.Cancel();
        hand_over.Cancel();
        return;
      }
      IncidentBatch& batch = parsed->batch;
      batch.batch_no = stretch.batch_no;
      batch.incidents.clear();  // the batch carries its rows encoded
      batch.quarantined.clear();
      batch.first_line = batch.last_line = 0;
      unnumbered.clear();
      unnumbered_ids.clear();
      unnumbered_ends.clear();
      segment.Clear();
      batch.summary.Clear();
      batch.keys.clear();
      batch.rows_lsoa_checked = batch.rows_lsoa_agreed = 0;
      int64_t located = 0;
      size_t stored = 0;
      CsvReader reader(file.bytes);
      reader.StartAt(stretch.begin, stretch.first_line);
      while (reader.offset() < stretch.end && reader.Next(&record)) {
        // A final empty line is the file's last line ending, not a blank record.
        if (record.blank && reader.offset() >= file.bytes.size()) break;
        if (batch.first_line == 0) batch.first_line = record.line;
        batch.last_line = record.line;
        if (!parser->Parse(record, &row, &rejected)) {
          batch.quarantined.push_back(std::move(rejected));
          continue;
        }
        // Keyed, encoded and counted now, while the row is in the cache; an ASB row is
        // keyed once its id has its occurrence number.
        if (parser->NeedsOccurrenceNumber()) {
          unnumbered.push_back(stored);
          unnumbered_ids += row.source_id;
          unnumbered_ends.push_back(unnumbered_ids.size());
          batch.keys.emplace_back();
        } else {
          batch.keys.push_back(KeyOf(secret, row.source.agency, row.source_id));
        }
        located += CountLocation(row, batch);
        segment.Add(row);
        batch.summary.Add(row);
        ++stored;
      }
      parsed->rows_located = located;
      parsed->bytes_done = static_cast<int64_t>(stretch.end);
      parsed->last = stretch.last;
      parsed->content_hash = std::move(stretch.content_hash);

      // Numbered in turn; keyed after, in parallel.
      if (!numbered.Wait(turn)) return;
      occurrences.clear();
      for (size_t k = 0, begin = 0; k < unnumbered.size(); begin = unnumbered_ends[k++]) {
        occurrences.push_back(
            file.asb_occurrences.Occurrence(std::string_view(unnumbered_ids).substr(begin, unnumbered_ends[k] - begin)));
      }
      numbered.Done();
      for (size_t k = 0, begin = 0; k < unnumbered.size(); begin = unnumbered_ends[k++]) {
        numbered_id.assign(unnumbered_ids, begin, unnumbered_ends[k] - begin);
        AsbOccurrences::AppendOccurrence(&numbered_id, occurrences[k]);
        batch.keys[unnumbered[k]] = KeyOf(secret, Agency::kPoliceUk, numbered_id);
        segment.SetSourceId(unnumbered[k], numbered_id);
      }
      batch.encoded_incidents = stored == 0 ? std::string() : segment.Encode();

      if (!hand_over.Wait(turn)) return;
      queue->Push(std::move(parsed));
      hand_over.Done();
    }
  };
  // One worker per core; this thread is one of them. The writer's thread mostly waits
  // on SQLite's writes and fsync.
  unsigned cores = std::max(1u, std::min(std::thread::hardware_concurrency(), 4u));
  std::vector<std::thread> helpers;
  for (unsigned i = 1; i < cores; ++i) {
    helpers.emplace_back([&, i] {
      std::string name = "hl-parse-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.c_str());
      work();
    });
  }
  work();
  for (std::thread& t : helpers) t.join();
  return !writer_gave_up;
}

Result<BatchCounts> Write(Store* store, const IncidentBatch& batch) { return store->WriteBatch(batch); }
Result<BatchCounts> Write(Store* store, const AgencyRecordBatch& batch) {
  HL_ASSIGN_OR_RETURN(LoadCounts counts, store->WriteAgencyRecords(batch));
  return BatchCounts{counts, {}};
}

// A file that passed its header check, with its bytes.
struct CheckedFile {
  std::string path;
  std::string feed;  // the load's feed: the file's format
  std::unique_ptr<FileContents> contents;
  std::string_view bytes() const { return contents->bytes(); }
};

// Files loaded together, each with a load of its own: one file, or a police extract's
// incidents file and its persons file (the companion).
struct LoadUnit {
  size_t main = 0;
  std::optional<size_t> companion;
};

struct CheckedInputs {
  std::vector<CheckedFile> files;
  std::vector<LoadUnit> units;
  int64_t bytes = 0;
};

std::string FolderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Pairs the files of police extracts: one incidents file and at most one persons file
// per folder, and no persons file without its incidents file.
Status PairExtractFiles(CheckedInputs* inputs, const std::vector<PoliceExtractFile>& kinds) {
  struct Extract {
    std::optional<size_t> incidents, persons;
  };
  std::map<std::string, Extract> by_folder;
  for (size_t i = 0; i < inputs->files.size(); ++i) {
    Extract& extract = by_folder[FolderOf(inputs->files[i].path)];
    std::optional<size_t>& slot =
        kinds[i] == PoliceExtractFile::kIncidents ? extract.incidents : extract.persons;
    if (slot) {
      const char* what = kinds[i] == PoliceExtractFile::kIncidents ? "incidents" : "persons";
      return Status::RejectedInput(
          std::string("a second ") + what + " file in the folder of " + inputs->files[*slot].path +
              "; an extract is one incidents file and its persons file, and each extract "
              "must be in a folder of its own",
          {inputs->files[i].path, 0, ""});
    }
    slot = i;
  }
  for (const auto& [folder, extract] : by_folder) {
    if (!extract.incidents) {
      return Status::RejectedInput(
          "a police extract persons file needs the incidents file of its extract, in the same folder "
          "(persons "
          "rows are loaded with their incidents)",
          {inputs->files[*extract.persons].path, 0, ""});
    }
  }
  // Extracts in the order of their incidents files (the sorted command-line order).
  for (size_t i = 0; i < inputs->files.size(); ++i) {
    if (kinds[i] != PoliceExtractFile::kIncidents) continue;
    inputs->units.push_back({i, by_folder[FolderOf(inputs->files[i].path)].persons});
  }
  return Status::Ok();
}

// Reads and checks every file, storing nothing.
Result<CheckedInputs> CheckFiles(Feed feed, Env* env, const std::vector<std::string>& paths) {
  HL_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputPaths(env, paths));
  if (feed == Feed::kPoliceExtract) {
    // The same file named twice (say, as a folder and by name) is one file of its extract.
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
  }
  CheckedInputs inputs;
  std::vector<PoliceExtractFile> kinds;
  for (const std::string& file : files) {
    CheckedFile checked{file, "", nullptr};
    HL_ASSIGN_OR_RETURN(checked.contents, env->ReadFile(file));
    std::string_view bytes = checked.bytes();
    switch (feed) {
      case Feed::kPoliceUk:
        HL_RETURN_IF_ERROR(CheckPoliceUkHeader(file, bytes));
        checked.feed = kPoliceUkFeed;
        break;
      case Feed::kPoliceExtract: {
        HL_ASSIGN_OR_RETURN(PoliceExtractFile kind, IdentifyPoliceExtractFile(file, bytes));
        kinds.push_back(kind);
        checked.feed =
            kind == PoliceExtractFile::kIncidents ? kPoliceExtractIncidentsFeed : kPoliceExtractPersonsFeed;
        break;
      }
      case Feed::kIstv:
        HL_RETURN_IF_ERROR(CheckIstvHeader(file, bytes));
        checked.feed = kIstvFeed;
        break;
      case Feed::kAgencyRecords:
        HL_RETURN_IF_ERROR(CheckAgencyRecordsHeader(file, bytes));
        checked.feed = kAgencyRecordsFeed;
        break;
    }
    inputs.bytes += static_cast<int64_t>(bytes.size());
    inputs.files.push_back(std::move(checked));
  }
  if (feed == Feed::kPoliceExtract) {
    HL_RETURN_IF_ERROR(PairExtractFiles(&inputs, kinds));
  } else {
    for (size_t i = 0; i < inputs.files.size(); ++i) inputs.units.push_back({i, std::nullopt});
  }
  return inputs;
}

// Parses unit after unit on the parser thread: the `parse_all` of every feed but police.uk.
template <typename Batch, typename ParseUnit>
std::function<bool(BatchQueue<Batch>*)> UnitByUnit(const CheckedInputs& inputs, ParseUnit parse_unit) {
  return [&inputs, parse_unit](BatchQueue<Batch>* queue) {
    for (const LoadUnit& unit : inputs.units) {
      if (!parse_unit(unit, queue)) return false;
    }
    return true;
  };
}

// The writing side, shared by every feed: one load per file, batches written as the
// parser thread (running `parse_all`, which delivers every unit's batches in turn)
// delivers them.
template <typename Batch>
Result<IngestReport> RunLoads(Store* store, Env* env, const CheckedInputs& inputs,
                              const IngestOptions& options,
                              const std::function<bool(BatchQueue<Batch>*)>& parse_all,
                              int64_t expected_incidents = 0) {
  IngestReport report;
  report.bytes = inputs.bytes;
  double started = env->MonotonicSeconds();
  BatchQueue<Batch> queue(4);
  std::thread parser_thread([&] {
    pthread_setname_np(pthread_self(), "hl-parse");  // names the thread in top and perf
    parse_all(&queue);
    queue.FreeReturnedUntilCancelled();
  });
  // While the first batch is parsed, which this thread would only wait for.
  if (expected_incidents > 0) store->ExpectIncidents(expected_incidents);

  Status failure;
  int64_t bytes_before_unit = 0;
  int64_t rows_read = 0;
  auto begin_load = [&](const CheckedFile& file, FileLoadReport* file_report) -> Status {
    file_report->file = file.path;
    file_report->feed = file.feed;
    HL_ASSIGN_OR_RETURN(file_report->load_id,
                        store->BeginLoad({file.feed, file.path, static_cast<int64_t>(file.bytes().size()),
                                          std::string(kBehaviourRulesVersion)}));
    return Status::Ok();
  };
  for (const LoadUnit& unit : inputs.units) {
    const CheckedFile& main = inputs.files[unit.main];
    const CheckedFile* companion = unit.companion ? &inputs.files[*unit.companion] : nullptr;
    FileLoadReport main_report, companion_report;
    failure = begin_load(main, &main_report);
    if (failure.ok() && companion) failure = begin_load(*companion, &companion_report);
    if (!failure.ok()) break;
    for (;;) {
      std::unique_ptr<ParsedBatch<Batch>> parsed_ptr = queue.Pop();
      ParsedBatch<Batch>& parsed = *parsed_ptr;
      parsed.batch.load_id = main_report.load_id;
      if constexpr (std::is_same_v<Batch, IncidentBatch>) {
        if (parsed.batch.involvement_rows) parsed.batch.involvement_rows->load_id = companion_report.load_id;
        parsed.batch.completes_load = parsed.last ? parsed.content_hash : std::string();
      }
      Result<BatchCounts> counts = Write(store, parsed.batch);
      if (!counts.ok()) {
        failure = counts.status();
        break;
      }
      main_report.counts += counts->rows;
      if constexpr (std::is_same_v<Batch, IncidentBatch>) {
        main_report.rows_lsoa_checked += parsed.batch.rows_lsoa_checked;
        main_report.rows_lsoa_agreed += parsed.batch.rows_lsoa_agreed;
      }
      main_report.rows_located += parsed.rows_located;
      companion_report.counts += counts->involvement_rows;
      rows_read += counts->rows.read + counts->involvement_rows.read;
      if (options.on_batch_committed) {
        options.on_batch_committed(main_report, {parsed.batch.batch_no, parsed.batch.first_line,
                                                 parsed.batch.last_line, counts->rows});
        if constexpr (std::is_same_v<Batch, IncidentBatch>) {
          if (const auto& part = parsed.batch.involvement_rows) {
            options.on_batch_committed(companion_report, {part->batch_no, part->first_line, part->last_line,
                                                          counts->involvement_rows});
          }
        }
      }
      if (options.on_progress) {
        options.on_progress({bytes_before_unit + parsed.bytes_done, report.bytes, rows_read,
                             env->MonotonicSeconds() - started});
      }
      // Taken before the batch goes back: a parsing thread may refill it at once.
      const bool last = parsed.last;
      const std::string content_hash = std::move(parsed.content_hash);
      queue.Recycle(std::move(parsed_ptr));
      if (last) {
        // An incident batch completed its load in its own transaction.
        if constexpr (!std::is_same_v<Batch, IncidentBatch>) {
          failure = store->FinishLoad(main_report.load_id, content_hash);
        }
        if (failure.ok() && companion) {
          failure = store->FinishLoad(companion_report.load_id, ContentHash(companion->bytes()).Recorded());
        }
        break;
      }
    }
    bytes_before_unit +=
        static_cast<int64_t>(main.bytes().size() + (companion ? companion->bytes().size() : 0));
    report.total += main_report.counts;
    report.files.push_back(std::move(main_report));
    if (companion) {
      report.total += companion_report.counts;
      report.files.push_back(std::move(companion_report));
    }
    if (!failure.ok()) break;
  }
  queue.Cancel();
  parser_thread.join();
  if (!failure.ok()) return failure;
  report.seconds = env->MonotonicSeconds() - started;
  return report;
}

}  // namespace

std::string_view FeedCommandName(Feed feed) {
  switch (feed) {
    case Feed::kPoliceUk:
      return "police-uk";
    case Feed::kPoliceExtract:
      return "police-extract";
    case Feed::kIstv:
      return "istv";
    case Feed::kAgencyRecords:
      return "agency";
  }
  return "unknown";
}

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

Status CheckInputs(Feed feed, Env* env, const std::vector<std::string>& paths) {
  return CheckFiles(feed, env, paths).status();
}

Result<IngestReport> Ingest(Feed feed, Store* store, Env* env, const ReferenceGeography& geography,
                            const std::vector<std::string>& paths, const IngestOptions& options) {
  if (sodium_init() < 0) return Status::Internal("ingest: libsodium failed to initialise");
  if (options.batch_rows < 1) return Status::InvalidArgument("ingest: batch size must be at least 1 row");
  // Check every file before storing anything: a wrong file refuses the whole command.
  HL_ASSIGN_OR_RETURN(CheckedInputs inputs, CheckFiles(feed, env, paths));
  const auto& files = inputs.files;
  const int64_t batch_rows = options.batch_rows;
  const IncidentKeySecret& secret = store->incident_key_secret();

  switch (feed) {
    case Feed::kPoliceUk: {
      std::vector<PoliceUkFileWork> work(inputs.units.size());
      for (size_t u = 0; u < inputs.units.size(); ++u) {
        work[u].path = &files[inputs.units[u].main].path;
        work[u].bytes = files[inputs.units[u].main].bytes();
      }
      // police.uk rows are about 235 bytes (170 without a Crime ID): an estimate on
      // the low side, which never makes the store's key set bigger than it needs.
      return RunLoads<IncidentBatch>(
          store, env, inputs, options,
          [&](BatchQueue<IncidentBatch>* queue) {
            return ParsePoliceUkFiles(work, geography, batch_rows, secret, queue);
          },
          inputs.bytes / 256);
    }
    case Feed::kPoliceExtract:
      return RunLoads<IncidentBatch>(
          store, env, inputs, options,
          UnitByUnit<IncidentBatch>(inputs, [&](const LoadUnit& unit, auto* queue) {
            // The persons file is read whole first: its rows wait for their incidents.
            std::optional<PoliceExtractPersons> persons;
            if (unit.companion) persons.emplace(files[*unit.companion].path, files[*unit.companion].bytes());
            PoliceExtractParser parser(files[unit.main].path, geography, persons ? &*persons : nullptr);
            return ParseFile(parser, files[unit.main].bytes(), batch_rows, secret, queue);
          }));
    case Feed::kIstv:
      return RunLoads<IncidentBatch>(
          store, env, inputs, options,
          UnitByUnit<IncidentBatch>(inputs, [&](const LoadUnit& unit, auto* queue) {
            IstvParser parser(files[unit.main].path, geography, options.geocoder);
            return ParseFile(parser, files[unit.main].bytes(), batch_rows, secret, queue);
          }));
    case Feed::kAgencyRecords:
      return RunLoads<AgencyRecordBatch>(
          store, env, inputs, options,
          UnitByUnit<AgencyRecordBatch>(inputs, [&](const LoadUnit& unit, auto* queue) {
            AgencyRecordParser parser(files[unit.main].path,
                                      AgencyRecordsHaveFactors(files[unit.main].bytes()));
            return ParseFile(parser, files[unit.main].bytes(), batch_rows, secret, queue);
          }));
  }
  return Status::Internal("ingest: unknown feed");
}

Status CheckPoliceUkInputs(Env* env, const std::vector<std::string>& paths) {
  return CheckInputs(Feed::kPoliceUk, env, paths);
}

Result<IngestReport> IngestPoliceUk(Store* store, Env* env, const ReferenceGeography& geography,
                                    const std::vector<std::string>& paths, const IngestOptions& options) {
  return Ingest(Feed::kPoliceUk, store, env, geography, paths, options);
}

}  // namespace harmlens
