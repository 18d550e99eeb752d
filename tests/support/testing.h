// Test support shared by every test binary: where the bundled data is, where the
// harmlens executable is, and a scratch directory that is removed afterwards.
#pragma once

#include <string>
#include <vector>

namespace harmlens::testing {

// The repository root (the build's source dir unless HARMLENS_SOURCE_DIR is set).
std::string SourceDir();
std::string DataDir();  // SourceDir() + "/data"
// The built harmlens executable (unless HARMLENS_BIN is set).
std::string HarmlensBin();

// A fresh empty directory, deleted with the object.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to `name` inside the directory and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the harmlens executable with `args` (no shell), capturing output.
CommandResult RunHarmlens(const std::vector<std::string>& args);

}  // namespace harmlens::testing
