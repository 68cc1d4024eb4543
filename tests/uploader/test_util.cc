#include "test_util.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace autoprof::testing {

ScratchDir::ScratchDir() {
  static std::atomic<int> n{0};
  path_ = std::string(AUTOPROF_BINARY_DIR) + "/test-scratch/uploader-" + std::to_string(getpid()) +
          "-" + std::to_string(n++);
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string GzipPayload(int n, std::string_view salt) {
  std::string text = "profile " + std::to_string(n) + " " + std::string(salt) + " ";
  for (int i = 0; i < 64; ++i) text += "frame_" + std::to_string((n * 31 + i) % 97) + ";";
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(text.data());
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Sidecar(const std::string& app, const std::string& kind,
                    const std::vector<std::pair<std::string, std::string>>& labels,
                    int64_t start_unix_ms, double duration_seconds) {
  nlohmann::json j = {{"format", "autoprof-sidecar"}, {"version", 1}, {"app", app},
                      {"kind", kind}, {"start_unix_ms", start_unix_ms},
                      {"duration_seconds", duration_seconds}, {"host", "test"},
                      {"pid", 42}, {"dropped_profiles", 0}};
  std::time_t secs = static_cast<std::time_t>(start_unix_ms / 1000);
  char when[40];
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", std::gmtime(&secs));
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03dZ", static_cast<int>(start_unix_ms % 1000));
  j["start_time"] = std::string(when) + millis;
  j["labels"] = nlohmann::json::object();
  for (const auto& [k, v] : labels) j["labels"][k] = v;
  return j.dump();
}

std::string Stem(const std::string& app, int n) {
  char when[32];
  std::snprintf(when, sizeof(when), "20261124T%02d%02d%02dZ", (n / 3600) % 24, (n / 60) % 60,
                n % 60);
  return app + "-cpu-" + when + "-" + std::to_string(1000 + n);
}

std::function<void(std::string_view)> LogLines::sink() {
  std::shared_ptr<State> s = state_;
  return [s](std::string_view line) {
    std::lock_guard<std::mutex> l(s->mu);
    s->lines.emplace_back(line);
  };
}

std::vector<std::string> LogLines::lines() const {
  std::lock_guard<std::mutex> l(state_->mu);
  return state_->lines;
}

std::string LogLines::joined() const {
  std::string all;
  for (const std::string& line : lines()) all += line + "\n";
  return all;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

std::vector<std::string> FilesIn(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace autoprof::testing
