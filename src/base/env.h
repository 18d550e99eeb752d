// Env: the one seam between harmlens and the operating system — files, the clock and
// randomness. Production code gets Env::Default(); tests substitute an Env that fixes
// the time or fails a read. Implementations must be safe to call from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace harmlens {

// Read-only bytes of a whole file, valid for the object's lifetime.
class FileContents {
 public:
  virtual ~FileContents() = default;
  virtual std::string_view bytes() const = 0;
};

// A file being written front to back. Not thread-safe: one writer per file.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // Syncs and closes. Until it returns OK the file is not at its final path, so a reader
  // never sees half a file; a file destroyed without Close() is discarded.
  virtual Status Close() = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment. Never null; not owned by the caller.
  static Env* Default();

  // Maps (or reads) a whole file. NotFound if it does not exist, IoError otherwise.
  virtual Result<std::unique_ptr<FileContents>> ReadFile(const std::string& path) = 0;
  virtual Status WriteFile(const std::string& path, std::string_view bytes) = 0;
  // Creates (or truncates) `path` for streaming writes. The default Env refuses (IoError);
  // tests that need it substitute their own.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path);
  // Creates `path` and any missing parents; OK if it already exists as a directory.
  virtual Status CreateDirectories(const std::string& path);
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Regular files below `dir`, recursively, sorted by path so loads are reproducible.
  virtual Result<std::vector<std::string>> ListFilesRecursively(const std::string& dir) = 0;

  // Wall-clock time, seconds since the Unix epoch (UTC).
  virtual int64_t NowUnixSeconds() = 0;
  // Monotonic clock for rates and progress, in seconds.
  virtual double MonotonicSeconds() = 0;
};

// "2026-11-23T03:34:25Z" for a Unix time.
std::string FormatUtcTimestamp(int64_t unix_seconds);

}  // namespace harmlens
