// Status and Result<T>: how errors cross module boundaries in harmlens.
// Every fallible call at a public header returns one of these; exceptions never cross
// a header. A Status carries a code, a message a person can act on, and where the
// problem is (file, line, column) when that is known. Values are immutable and safe
// to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace harmlens {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller asked for something impossible (bad option value, unknown field)
  kNotFound,         // a named file, table or record does not exist
  kRejectedInput,    // a partner file is not what it claims to be; nothing from it was stored
  kCorruption,       // stored data fails a check (schema version, integrity)
  kIoError,          // the operating system refused a read or write
  kInternal,         // a bug in harmlens
};

const char* StatusCodeName(StatusCode code);

// Where in an input a problem was found. Empty fields mean "not known".
struct InputPosition {
  std::string file;
  int64_t line = 0;     // 1-based physical line; 0 = not known
  std::string column;   // column name as the file spells it
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, InputPosition where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(StatusCode::kNotFound, std::move(message));
  }
  static Status RejectedInput(std::string message, InputPosition where = {}) {
    return Status(StatusCode::kRejectedInput, std::move(message), std::move(where));
  }
  static Status Corruption(std::string message) {
    return Status(StatusCode::kCorruption, std::move(message));
  }
  static Status IoError(std::string message) {
    return Status(StatusCode::kIoError, std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(StatusCode::kInternal, std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const InputPosition& where() const { return where_; }

  // Adds context in front of the message ("ingest: ..."), keeping code and position.
  Status WithPrefix(const std::string& prefix) const;

  // "police/2025-06.csv line 2 column "Month": cannot read ..." — the form users see.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  InputPosition where_;
};

// A value or the Status explaining why there is none (GCC 12 has no std::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace harmlens

#define HL_CONCAT_INNER(a, b) a##b
#define HL_CONCAT(a, b) HL_CONCAT_INNER(a, b)

#define HL_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::harmlens::Status hl_status_ = (expr);      \
    if (!hl_status_.ok()) return hl_status_;     \
  } while (false)

#define HL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

#define HL_ASSIGN_OR_RETURN(lhs, expr) \
  HL_ASSIGN_OR_RETURN_IMPL(HL_CONCAT(hl_result_, __LINE__), lhs, expr)
