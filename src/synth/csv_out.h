// A CSV file written row by row through Env's WritableFile, buffered in about a
// megabyte so memory stays flat however many rows are written. Fields are quoted only
// when RFC 4180 requires it (a comma, quote or line break) or when they have a leading or
// trailing space. One writer per file; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"

namespace harmlens::synth {

class CsvOut {
 public:
  // Creates `path` and writes `header` (already comma-separated, no line ending).
  static Result<std::unique_ptr<CsvOut>> Create(Env* env, const std::string& path, std::string_view header);

  // Fields of the current row, in order; End() finishes the row.
  void Field(std::string_view text);
  void Field(int64_t value);
  // The raw buffer, for callers formatting a field in place (dates, coordinates):
  // call Open() first, then append to Buffer().
  void Open();
  std::string* Buffer() { return &buffer_; }
  Status End();

  // Flushes, syncs and renames into place (Env::WritableFile::Close).
  Status Close();
  int64_t rows() const { return rows_; }
  const std::string& path() const { return path_; }

 private:
  CsvOut(std::string path, std::unique_ptr<WritableFile> file) : path_(std::move(path)), file_(std::move(file)) {}
  std::string path_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
  bool first_field_ = true;
  int64_t rows_ = 0;
};

}  // namespace harmlens::synth
