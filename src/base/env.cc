#include "base/env.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <utility>

namespace harmlens {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

class MappedFile final : public FileContents {
 public:
  MappedFile(void* base, size_t size) : base_(base), size_(size) {}
  ~MappedFile() override {
    if (base_ != nullptr) munmap(base_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const override {
    return size_ == 0 ? std::string_view() : std::string_view(static_cast<const char*>(base_), size_);
  }

 private:
  void* base_;
  size_t size_;
};

// Writes to "<path>.tmp" and renames it over `path` on Close().
class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink((path_ + ".tmp").c_str());
    }
  }
  PosixWritableFile(const PosixWritableFile&) = delete;
  PosixWritableFile& operator=(const PosixWritableFile&) = delete;

  Status Append(std::string_view bytes) override {
    if (fd_ < 0) return Status::IoError(path_ + ": write after close");
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(path_ + ".tmp: write failed: " + ErrnoText(errno));
      }
      done += static_cast<size_t>(n);
    }
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::IoError(path_ + ": closed twice");
    int fd = fd_;
    fd_ = -1;
    std::string tmp = path_ + ".tmp";
    if (::fsync(fd) != 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError(tmp + ": fsync failed: " + ErrnoText(err));
    }
    if (::close(fd) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return Status::IoError(tmp + ": close failed: " + ErrnoText(err));
    }
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
      return Status::IoError(path_ + ": rename failed: " + ErrnoText(errno));
    }
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<FileContents>> ReadFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IoError(path + ": cannot open: " + ErrnoText(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return Status::IoError(path + ": cannot stat: " + ErrnoText(err));
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::InvalidArgument(path + ": is a directory, expected a file");
    }
    size_t size = static_cast<size_t>(st.st_size);
    void* base = nullptr;
    if (size > 0) {
      base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (base == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        return Status::IoError(path + ": cannot map: " + ErrnoText(err));
      }
      ::madvise(base, size, MADV_SEQUENTIAL);
    }
    ::close(fd);
    return std::unique_ptr<FileContents>(std::make_unique<MappedFile>(base, size));
  }

  Status WriteFile(const std::string& path, std::string_view bytes) override {
    // Write to a temporary name and rename, so a reader never sees half a file.
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError(tmp + ": cannot create: " + ErrnoText(errno));
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return Status::IoError(tmp + ": write failed: " + ErrnoText(err));
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
      int err = errno;
      ::close(fd);
      return Status::IoError(tmp + ": fsync failed: " + ErrnoText(err));
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      return Status::IoError(path + ": rename failed: " + ErrnoText(errno));
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError(tmp + ": cannot create: " + ErrnoText(errno));
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd));
  }

  Status CreateDirectories(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::IoError(path + ": cannot create directory: " + ec.message());
    if (!std::filesystem::is_directory(path, ec)) {
      return Status::IoError(path + ": exists and is not a directory");
    }
    return Status::Ok();
  }

  bool IsDirectory(const std::string& path) override {
    std::error_code ec;
    return std::filesystem::is_directory(path, ec);
  }

  bool Exists(const std::string& path) override {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
  }

  Result<std::vector<std::string>> ListFilesRecursively(const std::string& dir) override {
    std::vector<std::string> files;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(dir, ec), end;
    if (ec) return Status::IoError(dir + ": cannot list: " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Status::IoError(dir + ": cannot list: " + ec.message());
      if (it->is_regular_file(ec)) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  int64_t NowUnixSeconds() override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  double MonotonicSeconds() override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Result<std::unique_ptr<WritableFile>> Env::NewWritableFile(const std::string& path) {
  return Status::IoError(path + ": this Env cannot stream writes");
}

Status Env::CreateDirectories(const std::string& path) {
  return Status::IoError(path + ": this Env cannot create directories");
}

Env* Env::Default() {
  static PosixEnv env;
  return &env;
}

std::string FormatUtcTimestamp(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace harmlens
