#include "support/testing.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace harmlens::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string SourceDir() { return EnvOr("HARMLENS_SOURCE_DIR", HARMLENS_SOURCE_DIR_DEFAULT); }
std::string DataDir() { return SourceDir() + "/data"; }
std::string HarmlensBin() { return EnvOr("HARMLENS_BIN", HARMLENS_BIN_DEFAULT); }

ScratchDir::ScratchDir() {
  std::string tmpl = std::filesystem::temp_directory_path().string() + "/harmlens-test-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ScratchDir::Write(const std::string& name, const std::string& content) const {
  std::string full = File(name);
  std::filesystem::create_directories(std::filesystem::path(full).parent_path());
  std::ofstream out(full, std::ios::binary);
  out << content;
  return full;
}

CommandResult RunHarmlens(const std::vector<std::string>& args) {
  // Output goes to temporary files so a chatty command cannot fill a pipe and block.
  ScratchDir scratch;
  std::string out_path = scratch.File("stdout"), err_path = scratch.File("stderr");
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<std::string> storage;
    storage.push_back(HarmlensBin());
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int out_fd = ::open(out_path.c_str(), O_RDONLY), err_fd = ::open(err_path.c_str(), O_RDONLY);
  result.out = ReadAll(out_fd);
  result.err = ReadAll(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  return result;
}

}  // namespace harmlens::testing
