#include "capture_record.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace autoprof {
namespace {

WallTime At(int64_t unix_ms) {
  return WallTime(std::chrono::milliseconds(unix_ms));
}

TEST(CaptureStem, FollowsTheSpecPattern) {
  // 2026-11-24T21:40:05Z
  EXPECT_EQ(CaptureStem("checkout", ProfileKind::kCpu, At(1795556405123), 4242),
            "checkout-cpu-20261124T214005Z-4242");
  EXPECT_EQ(CaptureStem("checkout", ProfileKind::kHeap, At(1795556405123), 7),
            "checkout-heap-20261124T214005Z-7");
}

TEST(CaptureStem, AppNameCannotEscapeTheFolder) {
  EXPECT_EQ(CaptureStem("../etc/passwd", ProfileKind::kCpu, At(0), 1),
            "_._etc_passwd-cpu-19700101T000000Z-1");
  EXPECT_EQ(CaptureStem("", ProfileKind::kCpu, At(0), 1), "app-cpu-19700101T000000Z-1");
}

TEST(SidecarJson, CarriesTriggerLimitsHistoryAndCost) {
  CaptureRecord r;
  r.app = "checkout";
  r.kind = ProfileKind::kCpu;
  r.trigger = {ProfileKind::kCpu, TriggerReason::kThrottle, 0.4, 0.25};
  r.start = At(1795556405123);
  r.duration = std::chrono::seconds(10);
  r.host = "web-1";
  r.pid = 4242;
  r.labels = {{"pod", "web-1"}, {"version", "1.5"}};
  r.cpu_limit_cores = 0.5;
  r.cpu_limit_path = "/sys/fs/cgroup/cpu/kubepods/pod1";
  r.history = {{At(1795556404000), 0.9, std::nullopt, 0.4, 1 << 20}};
  r.agent_cpu_seconds = 0.012;
  r.dropped_profiles = 3;

  auto j = nlohmann::json::parse(SidecarJson(r));
  EXPECT_EQ(j["app"], "checkout");
  EXPECT_EQ(j["kind"], "cpu");
  EXPECT_EQ(j["trigger"]["reason"], "throttle");
  EXPECT_DOUBLE_EQ(j["trigger"]["value"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(j["trigger"]["threshold"].get<double>(), 0.25);
  EXPECT_EQ(j["start_time"], "2026-11-24T21:40:05.123Z");
  EXPECT_EQ(j["start_unix_ms"], 1795556405123);
  EXPECT_DOUBLE_EQ(j["duration_seconds"].get<double>(), 10.0);
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["labels"]["version"], "1.5");
  EXPECT_DOUBLE_EQ(j["limits"]["cpu_cores"].get<double>(), 0.5);
  EXPECT_TRUE(j["limits"]["memory_bytes"].is_null());  // unlimited
  ASSERT_EQ(j["history"].size(), 1u);
  EXPECT_TRUE(j["history"][0]["memory"].is_null());
  EXPECT_EQ(j["history"][0]["working_set_bytes"], 1 << 20);
  EXPECT_DOUBLE_EQ(j["agent_cpu_seconds"].get<double>(), 0.012);
  EXPECT_EQ(j["dropped_profiles"], 3);
}

TEST(SidecarJson, InvalidUtf8InALabelDoesNotThrow) {
  CaptureRecord r;
  r.app = "a";
  r.labels = {{"k", std::string("\xff\xfe", 2)}};
  std::string out;
  EXPECT_NO_THROW(out = SidecarJson(r));
  EXPECT_TRUE(nlohmann::json::accept(out));
}

}  // namespace
}  // namespace autoprof
