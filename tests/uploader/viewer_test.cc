// The uploader against the real viewer, `autoprof serve`, as a child process on
// loopback, with the fault relay in front of it: replies lost after the viewer
// stored a profile force resends, and the viewer's dedup by content hash keeps
// one copy of each.
#include <gtest/gtest.h>

#include <set>

#include "uploader_fixture.h"
#include "viewer_test_support.h"  // tests/viewer: ServeProcess, CpuProfileBytes

namespace autoprof::testing {
namespace {

using Millis = std::chrono::milliseconds;

TEST(UploaderViewerTest, EveryProfileIsStoredOnceThroughLostRepliesAndResends) {
  ScratchDir dir;
  ServeProcess serve(dir.sub("viewer-data"));
  ASSERT_TRUE(serve.running()) << "autoprof serve did not start";
  int viewer_port = std::stoi(serve.url().substr(serve.url().rfind(':') + 1));
  TestReceiver relay(viewer_port);
  relay.set_connection_plan([](int n) {
    if (n % 5 == 2) return ConnectionFault::kDropReply;  // stored, but no answer
    if (n % 7 == 3) return ConnectionFault::kResetMidBody;
    return ConnectionFault::kPass;
  });
  LogLines log;
  UploaderOptions o;
  o.spool_dir = dir.sub("spool");
  o.url = relay.url() + "/";
  o.log = log.sink();
  o.backoff_initial = Millis(10);
  o.backoff_max = Millis(50);
  o.total_timeout = Millis(5000);
  auto u = Uploader::Start(o);
  ASSERT_TRUE(u.ok()) << u.status().message();

  std::set<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    std::string bytes = CpuProfileBytes(i);
    ASSERT_FALSE(bytes.empty());
    ids.insert(Sha256Hex(bytes));
    ASSERT_TRUE((*u)->Submit(Stem("viewer", i), bytes,
                             testing::Sidecar("viewer", "cpu", {{"pod", "p-1"}},
                                              1'795'556'400'000 + i, 10))
                    .ok());
  }
  ASSERT_TRUE(WaitUntil([&] { return (*u)->stats().sent == 30; }, Millis(60'000)))
      << log.joined();
  EXPECT_EQ((*u)->stats().quarantined, 0) << log.joined();

  httplib::Client client(serve.url());
  httplib::Result list = client.Get("/api/v1/profiles?app=viewer");
  ASSERT_TRUE(list && list->status == 200);
  nlohmann::json rows = nlohmann::json::parse(list->body);
  std::set<std::string> stored;
  for (const auto& row : rows) stored.insert(row["id"].get<std::string>());
  EXPECT_EQ(rows.size(), 30u);  // no second copy of a resent profile
  EXPECT_EQ(stored, ids);
  std::printf("viewer: %lld attempts for 30 profiles (%lld retries), %zu stored\n",
              static_cast<long long>((*u)->stats().attempts),
              static_cast<long long>((*u)->stats().retries), rows.size());
  EXPECT_GT((*u)->stats().retries, 0);  // the faults did happen
}

}  // namespace
}  // namespace autoprof::testing
