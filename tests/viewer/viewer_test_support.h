// Shared by the viewer tests: small valid profiles and their sidecars, multipart
// uploads over a real loopback HTTP client, and `autoprof serve` run as a child
// process (for the load and crash tests, which need its RSS and a SIGKILL).
#ifndef AUTOPROF_TESTS_VIEWER_TEST_SUPPORT_H_
#define AUTOPROF_TESTS_VIEWER_TEST_SUPPORT_H_

#include <httplib.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "autoprof/pprof.h"
#include "autoprof/profile_store.h"
#include "test_profiles.h"  // tests/flame: ProfileBuilder

namespace autoprof::testing {

// A gzipped CPU profile; `variant` changes the bytes (and so the id).
inline std::string CpuProfileBytes(int variant = 0, int64_t hot_samples = 40) {
  ProfileBuilder b;
  b.AddCpu({"main", "Serve", "HotPath"}, hot_samples);
  b.AddCpu({"main", "Serve", "ColdPath"}, 5 + variant);
  b.profile().time_nanos = 1'700'000'000'000'000'000 + variant;
  Result<std::string> gz = Gzip(EncodeProfile(b.Build()));
  return gz.ok() ? *gz : std::string();
}

inline std::string Sidecar(const std::string& app, const std::string& kind = "cpu",
                           const std::string& reason = "cpu",
                           const std::string& start_time = "2026-11-24T21:00:00.000Z",
                           nlohmann::json labels = nlohmann::json::object()) {
  nlohmann::json j = {{"app", app},
                      {"kind", kind},
                      {"trigger", {{"reason", reason}, {"value", 0.91}, {"threshold", 0.75}}},
                      {"start_time", start_time},
                      {"duration_seconds", 10.0},
                      {"host", "pod-1"},
                      {"pid", 42},
                      {"labels", labels}};
  return j.dump();
}

inline httplib::Result Upload(httplib::Client& client, const std::string& bytes,
                              const std::string& metadata, const httplib::Headers& headers = {}) {
  httplib::MultipartFormDataItems items = {
      {"profile", bytes, "profile.pb.gz", "application/octet-stream"},
      {"metadata", metadata, "profile.json", "application/json"}};
  return client.Post("/api/v1/profiles", headers, items);
}

// `autoprof serve` as a child process on an ephemeral loopback port.
class ServeProcess {
 public:
  ServeProcess(const std::string& data_dir, std::vector<std::string> extra = {}) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      std::vector<std::string> args = {AUTOPROF_CLI_PATH, "serve", "--data", data_dir,
                                       "--listen", "127.0.0.1:0"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[512] = {};
    if (f != nullptr && std::fgets(line, sizeof line, f) != nullptr) {
      std::string text = line;
      size_t at = text.find("http://");
      if (at != std::string::npos) url_ = text.substr(at, text.find(' ', at) - at);
    }
    if (f != nullptr) std::fclose(f);
  }
  ~ServeProcess() { Kill(SIGKILL); }

  bool running() const { return pid_ > 0 && !url_.empty(); }
  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }

  // Sends `sig` and reaps the child; returns its wait status.
  int Kill(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  // Peak resident set size of the child in KiB (VmHWM), or -1.
  long PeakRssKib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string key;
    long value = -1;
    while (in >> key) {
      if (key == "VmHWM:") {
        in >> value;
        return value;
      }
      in.ignore(1 << 12, '\n');
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  std::string url_;
};

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_VIEWER_TEST_SUPPORT_H_
