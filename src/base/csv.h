// An RFC 4180 record reader over bytes already in memory. Partner files are untrusted,
// so the reader never throws and never reads past the buffer: a malformed record is
// returned with an error describing which field is wrong, and reading resumes at the
// next line. Not thread-safe; use one reader per buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace harmlens {

struct CsvOptions {
  char delimiter = ',';
  // police.uk and the reference files never put a line break inside a quoted field, so
  // by default an unclosed quote ends at the end of its line: one bad row is quarantined
  // instead of swallowing the rest of the file.
  bool allow_newlines_in_quotes = false;
};

struct CsvRecord {
  std::vector<std::string_view> fields;  // valid until the next call to Next()
  std::string_view raw;                  // the record's bytes without its line ending
  int64_t line = 0;                      // 1-based physical line where the record starts
  size_t offset = 0;                     // byte offset of the record in the buffer
  bool blank = false;                    // the line holds nothing at all
  bool ascii = false;                    // the reader saw every byte below 0x80 (so valid UTF-8)
  // Set when the record is malformed; `error_field` is the 0-based field at fault.
  std::string error;
  size_t error_field = 0;
};

class CsvReader {
 public:
  // A leading UTF-8 byte-order mark is skipped. `text` must outlive the reader.
  explicit CsvReader(std::string_view text, CsvOptions options = {});

  // Fills `record` with the next record; false at the end of the input.
  bool Next(CsvRecord* record);

  size_t offset() const { return pos_; }
  // Continues reading at `offset`, which must be the start of a record on physical line
  // `line`: lets several readers share one buffer, each reading its own stretch of lines.
  void StartAt(size_t offset, int64_t line) {
    pos_ = offset;
    line_ = line;
  }
  size_t size() const { return text_.size(); }

 private:
  // The usual record, with no quote in it and at least 64 bytes before the end of the
  // text: its fields cut at the delimiters found 64 bytes at a time (a field at a time
  // was a tenth of police.uk ingest). False, having filled nothing, for any other.
  bool NextUnquoted(CsvRecord* record);

  std::string_view text_;
  CsvOptions options_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  struct FieldSpan {
    bool in_scratch;  // in unescaped_ rather than the input
    size_t offset;
    size_t length;
  };
  std::vector<FieldSpan> spans_;
  std::string unescaped_;  // storage for fields that contained "" escapes
};

// The offset just past the `lines`-th line from `from` (a line ends at a line feed or
// at the end of `text`), or the end of `text` if it has fewer; `*skipped` is how many
// lines that was. Counts lines as bytes, not as CSV records (quoted line feeds count).
size_t SkipLines(std::string_view text, size_t from, int64_t lines, int64_t* skipped);

bool HasUtf8Bom(std::string_view text);
// True if `text` is well-formed UTF-8 (no overlongs, surrogates or truncation).
bool IsValidUtf8(std::string_view text);

}  // namespace harmlens
