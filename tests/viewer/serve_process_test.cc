// `autoprof serve` as a process: many concurrent uploaders, SIGKILL during
// ingest, signals and bad arguments.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "viewer_test_support.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CpuProfileBytes;
using testing::ServeProcess;
using testing::Sidecar;
using testing::Upload;

class ServeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("autoprof-serve-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<json> ListAll(const std::string& url) {
    httplib::Client client(url);
    httplib::Result res = client.Get("/api/v1/profiles?limit=10000");
    EXPECT_TRUE(res && res->status == 200);
    std::vector<json> out;
    if (res) {
      for (const json& m : json::parse(res->body, nullptr, false)) out.push_back(m);
    }
    return out;
  }

  fs::path dir_;
};

struct UploadTally {
  std::mutex mu;
  std::set<std::string> acknowledged;  // ids answered with 201
  std::map<int, int> statuses;
  int transport_errors = 0;
};

void UploadMany(const std::string& url, int first_variant, int count, UploadTally& tally,
                const std::atomic<bool>* stop = nullptr) {
  httplib::Client client(url);
  client.set_read_timeout(60);
  client.set_keep_alive(true);
  for (int i = 0; i < count && !(stop && *stop); ++i) {
    std::string bytes = CpuProfileBytes(first_variant + i);
    httplib::Result res = Upload(client, bytes, Sidecar("load-" + std::to_string(first_variant)));
    std::lock_guard<std::mutex> lock(tally.mu);
    if (!res) {
      ++tally.transport_errors;
      continue;
    }
    ++tally.statuses[res->status];
    if (res->status == 201) tally.acknowledged.insert(ContentId(bytes));
  }
}

TEST_F(ServeProcessTest, ThirtyTwoConcurrentUploadersLoseNothingAndMemoryStaysBounded) {
  ServeProcess server(dir_.string());
  ASSERT_TRUE(server.running());
  constexpr int kUploaders = 32, kEach = 50;
  UploadTally tally;
  std::vector<std::thread> uploaders;
  for (int u = 0; u < kUploaders; ++u) {
    uploaders.emplace_back([&, u] { UploadMany(server.url(), u * 1000, kEach, tally); });
  }
  for (auto& t : uploaders) t.join();

  EXPECT_EQ(tally.transport_errors, 0);
  EXPECT_EQ(tally.statuses[201], kUploaders * kEach);
  for (const auto& [status, n] : tally.statuses) EXPECT_LT(status, 500) << n << " x " << status;
  std::vector<json> listed = ListAll(server.url());
  std::set<std::string> listed_ids;
  for (const json& m : listed) listed_ids.insert(m["id"].get<std::string>());
  EXPECT_EQ(listed_ids.size(), static_cast<size_t>(kUploaders * kEach));
  EXPECT_EQ(listed_ids, tally.acknowledged);

  // Bound: 8 connection threads each holding at most a 16 MiB body and its
  // multipart copy, plus the decoded profiles; these profiles are ~1 KiB, so
  // the server must stay far below that: 64 MiB of peak RSS.
  long peak_kib = server.PeakRssKib();
  ASSERT_GT(peak_kib, 0);
  EXPECT_LT(peak_kib, 64 * 1024) << "peak RSS " << peak_kib << " KiB";
  std::printf("serve peak RSS after %d uploads: %ld KiB\n", kUploaders * kEach, peak_kib);
}

TEST_F(ServeProcessTest, SigkillDuringIngestLeavesAConsistentStoreAfterRestart) {
  UploadTally tally;
  for (int round = 0; round < 3; ++round) {
    ServeProcess server(dir_.string());
    ASSERT_TRUE(server.running());
    std::atomic<bool> stop{false};
    std::vector<std::thread> uploaders;
    for (int u = 0; u < 8; ++u) {
      uploaders.emplace_back(
          [&, u] { UploadMany(server.url(), round * 100000 + u * 1000, 1000, tally, &stop); });
    }
    // Kill once ingest is in full swing: after some acknowledged uploads.
    for (int waited = 0; waited < 2000; ++waited) {
      {
        std::lock_guard<std::mutex> lock(tally.mu);
        if (tally.acknowledged.size() >= static_cast<size_t>(60 * (round + 1))) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    int status = server.Kill(SIGKILL);
    stop = true;
    for (auto& t : uploaders) t.join();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  }
  ASSERT_GE(tally.acknowledged.size(), 180u);

  ServeProcess restarted(dir_.string());
  ASSERT_TRUE(restarted.running());
  std::vector<json> listed = ListAll(restarted.url());
  std::set<std::string> listed_ids;
  httplib::Client client(restarted.url());
  for (const json& m : listed) {
    std::string id = m["id"];
    listed_ids.insert(id);
    httplib::Result bytes = client.Get("/api/v1/profiles/" + id + "/pprof");
    ASSERT_TRUE(bytes && bytes->status == 200) << id;
    EXPECT_EQ(ContentId(bytes->body), id) << "listed profile with wrong or partial bytes";
    EXPECT_TRUE(DecodeProfile(bytes->body).ok()) << id;
  }
  for (const std::string& id : tally.acknowledged) {
    EXPECT_TRUE(listed_ids.count(id)) << "acknowledged with 201 but lost: " << id;
  }
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_ / "profiles")) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(e.path().extension(), ".pb") << "crash leftover " << e.path();
  }
  EXPECT_EQ(files, listed_ids.size());
}

TEST_F(ServeProcessTest, SigtermStopsTheServerGracefullyWithExitCodeZero) {
  ServeProcess server(dir_.string());
  ASSERT_TRUE(server.running());
  httplib::Client client(server.url());
  httplib::Result res = Upload(client, CpuProfileBytes(), Sidecar("api"));
  ASSERT_TRUE(res && res->status == 201);
  int status = server.Kill(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

struct CliRun {
  int exit_code;
  std::string output;
};

CliRun RunCli(const std::string& args) {
  std::string command = std::string(AUTOPROF_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buf[512];
  while (pipe && std::fgets(buf, sizeof buf, pipe)) output += buf;
  int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(ServeProcessTest, BadArgumentsExitWithCode2AndOneLineNamingTheProblem) {
  struct Case {
    std::string args, expected;
  } cases[] = {
      {"serve --listen nowhere", "listen address 'nowhere'"},
      {"serve --listen 127.0.0.1:99999", "listen address"},
      {"serve --threads 0", "--threads '0'"},
      {"serve --retention-age 7 days", "unexpected argument 'days'"},
      {"serve --retention-bytes lots", "--retention-bytes 'lots'"},
      {"serve --webhook ftp://x/y", "--webhook 'ftp://x/y'"},
      {"serve --bogus", "unknown option --bogus"},
      {"serve --token", "--token needs a value"},
  };
  for (const Case& c : cases) {
    CliRun run = RunCli("serve --data " + dir_.string() + " " + c.args.substr(6));
    EXPECT_EQ(run.exit_code, 2) << c.args << ": " << run.output;
    EXPECT_NE(run.output.find(c.expected), std::string::npos) << c.args << ": " << run.output;
    EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  }
}

}  // namespace
}  // namespace autoprof
