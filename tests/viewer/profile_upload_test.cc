// What an upload must be to be stored, and what the store gets from it.
#include "autoprof/profile_upload.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "viewer_test_support.h"

namespace autoprof {
namespace {

using testing::CpuProfileBytes;
using testing::Sidecar;

constexpr int64_t kNow = 1'800'000'000'000'000'000;

TEST(PrepareUploadTest, IndexesTheSidecarAndAddsTheIdSizeAndReceiveTime) {
  std::string bytes = CpuProfileBytes();
  Result<StoredProfile> p =
      PrepareUpload(bytes, Sidecar("checkout", "cpu", "throttle", "2026-11-24T21:00:05.250Z",
                                   {{"version", "1.5"}}),
                    {}, kNow);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->id, ContentId(bytes));
  EXPECT_EQ(p->app, "checkout");
  EXPECT_EQ(p->kind, "cpu");
  EXPECT_EQ(p->trigger_reason, "throttle");
  EXPECT_EQ(p->start_time_ns, 1'795'554'005'250'000'000);
  ASSERT_EQ(p->labels.size(), 1u);
  EXPECT_EQ(p->labels[0], (std::pair<std::string, std::string>{"version", "1.5"}));
  nlohmann::json meta = nlohmann::json::parse(p->metadata_json);
  EXPECT_EQ(meta["id"], p->id);
  EXPECT_EQ(meta["size_bytes"], bytes.size());
  EXPECT_EQ(meta["host"], "pod-1");  // kept as sent
  EXPECT_EQ(meta["trigger"]["threshold"], 0.75);
}

TEST(PrepareUploadTest, DerivesKindAndStartTimeFromTheProfileWhenTheSidecarOmitsThem) {
  std::string bytes = CpuProfileBytes(3);
  Result<StoredProfile> p = PrepareUpload(bytes, R"({"app": "api"})", {}, kNow);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->kind, "cpu");
  EXPECT_EQ(p->start_time_ns, 1'700'000'000'000'000'003);
  EXPECT_TRUE(p->trigger_reason.empty());
}

TEST(PrepareUploadTest, RejectsBadUploadsWithAReasonNamingTheField) {
  std::string good = CpuProfileBytes();
  struct Case {
    std::string bytes, metadata, expected;
  } cases[] = {
      {"not gzip, not proto", Sidecar("api"), "profile:"},
      {good.substr(0, good.size() / 2), Sidecar("api"), "profile:"},
      {"", Sidecar("api"), "profile: empty"},
      {good, "{not json", "metadata: not valid JSON"},
      {good, "[1,2]", "metadata: not a JSON object"},
      {good, R"({"kind":"cpu"})", "app must be a string"},
      {good, R"({"app":""})", "app: empty"},
      {good, R"({"app":"a","labels":{"k":1}})", "label 'k' must be a string"},
      {good, R"({"app":"a","trigger":{"reason":"cpu","value":"high"}})", "trigger.value"},
      {good, R"({"app":"a","start_time":"yesterday"})", "start_time"},
      {good, R"({"app":"a","id":"0000"})", "is not the SHA-256 of the profile bytes"},
  };
  for (const Case& c : cases) {
    Result<StoredProfile> p = PrepareUpload(c.bytes, c.metadata, {}, kNow);
    ASSERT_FALSE(p.ok()) << c.metadata;
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos)
        << p.status().message() << " (expected '" << c.expected << "')";
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
  }
}

TEST(PrepareUploadTest, RefusesAProfileThatDecompressesBeyondTheLimit) {
  Result<std::string> bomb = Gzip(std::string(8 << 20, '\0'));
  ASSERT_TRUE(bomb.ok());
  ASSERT_LT(bomb->size(), 64u << 10);
  Result<StoredProfile> p = PrepareUpload(*bomb, Sidecar("api"), DecodeLimits{1 << 20}, kNow);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted) << p.status().message();
}

TEST(PyroscopeNameTest, SplitsTheAppFromItsLabels) {
  Result<PyroscopeName> n = ParsePyroscopeName("ride.api{env=prod, version=1.5}");
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(n->app, "ride.api");
  std::vector<std::pair<std::string, std::string>> expected = {{"env", "prod"}, {"version", "1.5"}};
  EXPECT_EQ(n->labels, expected);
  EXPECT_TRUE(ParsePyroscopeName("plain-app")->labels.empty());
}

TEST(PyroscopeNameTest, RejectsMalformedNames) {
  for (const char* bad : {"", "{env=prod}", "app{env=prod", "app{env}", "app{env=a,env=b}",
                          "app{=x}", "app\n{a=b}"}) {
    EXPECT_FALSE(ParsePyroscopeName(bad).ok()) << bad;
  }
}

TEST(PreparePyroscopeUploadTest, TakesTheStartAndDurationFromFromAndUntil) {
  std::string bytes = CpuProfileBytes();
  Result<StoredProfile> p =
      PreparePyroscopeUpload(bytes, "go-svc{env=prod}", "1795640400", "1795640410", {}, kNow);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->app, "go-svc");
  EXPECT_EQ(p->start_time_ns, 1'795'640'400'000'000'000);
  nlohmann::json meta = nlohmann::json::parse(p->metadata_json);
  EXPECT_EQ(meta["duration_seconds"], 10.0);
  EXPECT_EQ(meta["labels"]["env"], "prod");
  EXPECT_EQ(meta["source"], "pyroscope");
  EXPECT_FALSE(PreparePyroscopeUpload(bytes, "a", "20", "10", {}, kNow).ok());
}

TEST(TimestampTest, ReadsRfc3339AndEpochNumbersInAnyUnit) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:01Z"), 1'000'000'000);
  EXPECT_EQ(*ParseTimestamp("2026-11-24T23:00:00+02:00"), *ParseTimestamp("2026-11-24T21:00:00Z"));
  EXPECT_EQ(*ParseTimestamp("1795640400"), 1'795'640'400'000'000'000);
  EXPECT_EQ(*ParseTimestamp("1795640400123"), 1'795'640'400'123'000'000);
  EXPECT_EQ(*ParseTimestamp("1795640400123456789"), 1'795'640'400'123'456'789);
  EXPECT_EQ(FormatTimestamp(1'795'554'005'250'000'000), "2026-11-24T21:00:05.250Z");
  for (const char* bad : {"", "now", "2026-13-01T00:00:00Z", "2026-11-24T21:00:00", "-5",
                          "99999999999999999999"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace autoprof
