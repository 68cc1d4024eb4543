// Small helpers shared by the uploader tests: a scratch spool directory, real
// gzip payloads standing in for .pb.gz files, sidecars shaped like the agent's,
// a log sink that keeps every line, and a bounded wait.
#ifndef AUTOPROF_TESTS_UPLOADER_TEST_UTIL_H_
#define AUTOPROF_TESTS_UPLOADER_TEST_UTIL_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace autoprof::testing {

// A fresh directory under the build tree, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// gzip of a text unique to `n` (and `salt`), as a pprof would be gzipped.
std::string GzipPayload(int n, std::string_view salt = "");

// A sidecar like agent/src/capture_record.h writes.
std::string Sidecar(const std::string& app, const std::string& kind,
                    const std::vector<std::pair<std::string, std::string>>& labels,
                    int64_t start_unix_ms, double duration_seconds);

// A stem per SPEC.md: <app>-<kind>-<yyyymmddThhmmssZ>-<pid>, unique by `n`.
std::string Stem(const std::string& app, int n);

// Keeps every log line; the uploader calls it from its worker thread.
class LogLines {
 public:
  std::function<void(std::string_view)> sink();
  std::vector<std::string> lines() const;
  std::string joined() const;

 private:
  struct State {
    mutable std::mutex mu;
    std::vector<std::string> lines;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// Polls `done` every 10 ms for at most `limit`; true when it became true.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit);

// Names of the files directly in `dir` with `suffix`, sorted.
std::vector<std::string> FilesIn(const std::string& dir, const std::string& suffix);

std::string ReadText(const std::string& path);

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_UPLOADER_TEST_UTIL_H_
