// The fixture of the uploader's end-to-end tests: a scratch spool, a TestReceiver
// on loopback, captured log lines, and options with short timeouts and a backoff
// hook that records every requested wait and shortens it.
#ifndef AUTOPROF_TESTS_UPLOADER_UPLOADER_FIXTURE_H_
#define AUTOPROF_TESTS_UPLOADER_UPLOADER_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "autoprof/uploader.h"
#include "test_receiver.h"
#include "test_util.h"

namespace autoprof::testing {

class UploaderFixture : public ::testing::Test {
 protected:
  using Millis = std::chrono::milliseconds;

  std::string spool() const { return dir_.sub("spool"); }

  UploaderOptions Options(const std::string& url) {
    UploaderOptions o;
    o.spool_dir = spool();
    o.url = url;
    o.log = log_.sink();
    o.connect_timeout = Millis(1000);
    o.total_timeout = Millis(1000);
    o.backoff_initial = Millis(10);
    o.backoff_max = Millis(200);
    auto waits = waits_;
    o.backoff_hook = [waits](Millis wanted) {
      std::lock_guard<std::mutex> l(waits->mu);
      waits->requested.push_back(wanted);
      return std::min(wanted, Millis(20));
    };
    return o;
  }

  std::unique_ptr<Uploader> StartUploader(UploaderOptions o) {
    Result<std::unique_ptr<Uploader>> u = Uploader::Start(std::move(o));
    EXPECT_TRUE(u.ok()) << u.status().message();
    return u.ok() ? std::move(*u) : nullptr;
  }

  // Submits profile n; returns the sha256 of its bytes.
  std::string SubmitProfile(Uploader& u, int n, const std::string& app = "svc") {
    std::string pprof = GzipPayload(n, app);
    Status s = u.Submit(Stem(app, n), pprof, Sidecar(app, "cpu", {{"pod", "p1"}}, 1'795'556'400'000 + n, 10));
    EXPECT_TRUE(s.ok()) << s.message();
    return Sha256Hex(pprof);
  }

  std::vector<Millis> RequestedWaits() const {
    std::lock_guard<std::mutex> l(waits_->mu);
    return waits_->requested;
  }

  int SpoolPairs() const { return static_cast<int>(FilesIn(spool(), ".json").size()); }

  struct Waits {
    std::mutex mu;
    std::vector<Millis> requested;
  };
  ScratchDir dir_;
  TestReceiver receiver_;
  LogLines log_;
  std::shared_ptr<Waits> waits_ = std::make_shared<Waits>();
};

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_UPLOADER_UPLOADER_FIXTURE_H_
