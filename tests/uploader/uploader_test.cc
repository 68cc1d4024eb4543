// The uploader end to end over real HTTP on loopback: delivery, faults, retries,
// quarantine, caps, shutdown, restart and the token.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "uploader_fixture.h"

namespace autoprof::testing {
namespace {

using Millis = std::chrono::milliseconds;
constexpr Millis kPatience{60'000};  // a bound on waits, never reached when things work

class UploaderTest : public UploaderFixture {};

TEST_F(UploaderTest, DeliversEachProfileWithItsContentIdAndEmptiesTheSpool) {
  auto u = StartUploader(Options(receiver_.url()));
  ASSERT_TRUE(u);
  std::set<std::string> sent;
  for (int i = 0; i < 5; ++i) sent.insert(SubmitProfile(*u, i));
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 5; }, kPatience));
  ASSERT_TRUE(WaitUntil([&] { return u->stats().sent == 5; }, kPatience));
  EXPECT_EQ(SpoolPairs(), 0);
  for (const ReceivedProfile& p : receiver_.received()) {
    EXPECT_TRUE(sent.count(p.sha256)) << p.sha256;
    auto meta = nlohmann::json::parse(p.metadata);
    EXPECT_EQ(meta["id"], p.sha256);
    EXPECT_EQ(meta["content_sha256"], p.sha256);
    EXPECT_EQ(meta["app"], "svc");
    EXPECT_NE(p.content_type.find("multipart/form-data"), std::string::npos);
  }
  EXPECT_EQ(receiver_.raw_count(), 5);
}

TEST_F(UploaderTest, TwoHundredProfilesThroughARunOfFaultsAllArriveOnce) {
  receiver_.set_stall(Millis(1500));  // longer than the 1 s total timeout
  receiver_.set_connection_plan([](int n) {
    if (n % 11 == 3) return ConnectionFault::kResetMidBody;
    if (n % 19 == 7) return ConnectionFault::kDropReply;
    if (n % 41 == 13) return ConnectionFault::kStall;
    return ConnectionFault::kPass;
  });
  receiver_.set_answer_plan([](int n) {
    if (n % 9 == 4) return ScriptedAnswer{500, "internal error", ""};
    if (n % 13 == 6) return ScriptedAnswer{429, "slow down", "1"};
    if (n % 17 == 8) {
      std::time_t soon = std::time(nullptr) + 2;
      char date[64];
      std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&soon));
      return ScriptedAnswer{503, "maintenance", date};
    }
    if (n % 23 == 10) return ScriptedAnswer{408, "request timeout", ""};
    return ScriptedAnswer{};
  });
  receiver_.GoDown();  // the collector is down when the first profiles are taken
  auto u = StartUploader(Options(receiver_.url()));
  ASSERT_TRUE(u);
  std::set<std::string> sent;
  for (int i = 0; i < 200; ++i) {
    sent.insert(SubmitProfile(*u, i));
    if (i == 20) receiver_.ComeUp();
    if (i == 120) receiver_.GoDown();
  }
  std::this_thread::sleep_for(Millis(1000));  // down for a second more
  receiver_.ComeUp();
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 200; }, Millis(180'000)))
      << receiver_.unique_count() << " of 200 arrived";
  ASSERT_TRUE(WaitUntil([&] { return u->stats().sent == 200; }, kPatience));
  EXPECT_EQ(SpoolPairs(), 0);

  std::set<std::string> arrived;
  for (const ReceivedProfile& p : receiver_.received()) arrived.insert(p.sha256);
  EXPECT_EQ(arrived, sent);
  UploaderStats st = u->stats();
  int duplicates = receiver_.raw_count() - receiver_.unique_count();
  std::printf("fault run: %d raw, %d unique at the receiver (%d duplicates absorbed by dedup), "
              "%lld attempts, %lld retries, %d requests\n",
              receiver_.raw_count(), receiver_.unique_count(), duplicates,
              static_cast<long long>(st.attempts), static_cast<long long>(st.retries),
              receiver_.requests());
  RecordProperty("raw", receiver_.raw_count());
  RecordProperty("unique", receiver_.unique_count());
  // Only a dropped reply can make a resend of an accepted profile.
  EXPECT_LE(duplicates, (st.attempts + 18) / 19);
  EXPECT_EQ(st.quarantined, 0);
  EXPECT_GT(st.retries, 20);
  EXPECT_TRUE(FilesIn(spool() + "/quarantine", "").empty());
  // The Retry-After answers were honoured: waits of about 1 s and 2 s were asked for.
  std::vector<Millis> waits = RequestedWaits();
  EXPECT_TRUE(std::count(waits.begin(), waits.end(), Millis(1000)) > 0);
  EXPECT_TRUE(std::any_of(waits.begin(), waits.end(),
                          [](Millis w) { return w > Millis(1000) && w <= Millis(2000); }));
}

TEST_F(UploaderTest, AnOutageIsOneLineWhileItsReasonStaysTheSameAndOneWhenItEnds) {
  receiver_.set_answer_plan([](int n) {
    if (n < 5) return ScriptedAnswer{503, "maintenance", ""};
    if (n < 7) return ScriptedAnswer{500, "disk full", ""};
    return ScriptedAnswer{};
  });
  auto u = StartUploader(Options(receiver_.url()));
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 1; }, kPatience));
  u->Stop(Millis(0));
  EXPECT_EQ(u->stats().retries, 7);
  std::vector<std::string> lines = log_.lines();
  auto count = [&](const std::string& text) {
    return std::count_if(lines.begin(), lines.end(),
                         [&](const std::string& l) { return l.find(text) != std::string::npos; });
  };
  EXPECT_EQ(count("failed, will retry: HTTP 503: maintenance"), 1) << log_.joined();
  EXPECT_EQ(count("failed, will retry: HTTP 500: disk full"), 1) << log_.joined();
  EXPECT_EQ(count("work again (1 more failed attempt since the last line)"), 1) << log_.joined();
}

TEST_F(UploaderTest, RetryAfterSecondsAreWaitedExactly) {
  receiver_.set_answer_plan([](int n) {
    return n == 0 ? ScriptedAnswer{429, "quota", "7"} : ScriptedAnswer{};
  });
  auto u = StartUploader(Options(receiver_.url()));
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 1; }, kPatience));
  EXPECT_EQ(RequestedWaits(), std::vector<Millis>{Millis(7000)});
}

TEST_F(UploaderTest, RetryAfterIsCappedByTheOption) {
  receiver_.set_answer_plan([](int n) {
    return n == 0 ? ScriptedAnswer{503, "down for a day", "86400"} : ScriptedAnswer{};
  });
  UploaderOptions o = Options(receiver_.url());
  o.retry_after_max = Millis(30'000);
  auto u = StartUploader(o);
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 1; }, kPatience));
  EXPECT_EQ(RequestedWaits(), std::vector<Millis>{Millis(30'000)});
}

TEST_F(UploaderTest, ClientErrorQuarantinesThePairWithTheServersReason) {
  receiver_.set_answer_plan([](int n) {
    return n == 0 ? ScriptedAnswer{400, "bad upload: metadata.app is missing\nmore", ""}
                  : ScriptedAnswer{};
  });
  auto u = StartUploader(Options(receiver_.url()));
  SubmitProfile(*u, 1);
  SubmitProfile(*u, 2);
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 1; }, kPatience));
  ASSERT_TRUE(WaitUntil([&] { return u->stats().quarantined == 1; }, kPatience));
  std::string q = spool() + "/quarantine/";
  EXPECT_EQ(ReadText(q + Stem("svc", 1) + ".reason.txt"),
            "HTTP 400: bad upload: metadata.app is missing\n");
  EXPECT_TRUE(std::filesystem::exists(q + Stem("svc", 1) + ".pb.gz"));
  EXPECT_TRUE(std::filesystem::exists(q + Stem("svc", 1) + ".json"));
  EXPECT_EQ(u->stats().attempts, 2);  // never retried
  EXPECT_NE(log_.joined().find("quarantined " + Stem("svc", 1)), std::string::npos);
}

TEST_F(UploaderTest, TooLargeIsQuarantinedNotRetried) {
  receiver_.set_answer_plan([](int) { return ScriptedAnswer{413, "request body too large", ""}; });
  auto u = StartUploader(Options(receiver_.url()));
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return u->stats().quarantined == 1; }, kPatience));
  std::this_thread::sleep_for(Millis(200));
  EXPECT_EQ(receiver_.requests(), 1);
  EXPECT_EQ(ReadText(spool() + "/quarantine/" + Stem("svc", 1) + ".reason.txt"),
            "HTTP 413: request body too large\n");
}

TEST_F(UploaderTest, TokenIsSentButNeverLoggedOrWrittenDown) {
  const std::string token = "s3cr3t-T0KEN-value";
  receiver_.set_required_authorization("Bearer " + token);
  receiver_.set_answer_plan([token](int n) {
    // A careless server that echoes the credentials in its error.
    if (n == 0) return ScriptedAnswer{403, "forbidden for Bearer " + token, ""};
    if (n == 1) return ScriptedAnswer{500, "oops " + token, ""};
    return ScriptedAnswer{};
  });
  UploaderOptions o = Options(receiver_.url());
  o.token = token;
  auto u = StartUploader(o);
  SubmitProfile(*u, 1);
  SubmitProfile(*u, 2);
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 1; }, kPatience));
  ASSERT_TRUE(WaitUntil([&] { return u->stats().quarantined == 1; }, kPatience));
  u->Stop(Millis(0));
  EXPECT_EQ(receiver_.received()[0].authorization, "Bearer " + token);
  std::string logs = log_.joined();
  EXPECT_FALSE(logs.empty());
  EXPECT_EQ(logs.find(token), std::string::npos) << logs;
  EXPECT_NE(logs.find("<token>"), std::string::npos) << logs;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (e.is_regular_file()) {
      EXPECT_EQ(ReadText(e.path()).find(token), std::string::npos) << e.path();
    }
  }
}

TEST_F(UploaderTest, StopKeepsItsDeadlineWhileTheServerStalls) {
  receiver_.set_stall(Millis(20'000));
  receiver_.set_connection_plan([](int) { return ConnectionFault::kStall; });
  UploaderOptions o = Options(receiver_.url());
  o.total_timeout = Millis(60'000);
  auto u = StartUploader(o);
  SubmitProfile(*u, 1);
  std::this_thread::sleep_for(Millis(300));  // the request is in flight, unanswered
  auto start = std::chrono::steady_clock::now();
  u->Stop(Millis(200));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, Millis(1500));
  EXPECT_EQ(SpoolPairs(), 1);  // left for the next start
  EXPECT_EQ(receiver_.raw_count(), 0);
}

TEST_F(UploaderTest, StopDrainsWithinItsDeadline) {
  receiver_.GoDown();
  auto u = StartUploader(Options(receiver_.url()));
  for (int i = 0; i < 20; ++i) SubmitProfile(*u, i);
  receiver_.ComeUp();
  u->Stop(Millis(30'000));
  EXPECT_EQ(receiver_.unique_count(), 20);
  EXPECT_EQ(SpoolPairs(), 0);
}

TEST_F(UploaderTest, WhatIsLeftIsSentByTheNextStart) {
  receiver_.GoDown();
  std::set<std::string> sent;
  {
    auto first = StartUploader(Options(receiver_.url()));
    for (int i = 0; i < 5; ++i) sent.insert(SubmitProfile(*first, i));
    first->Stop(Millis(50));
  }
  EXPECT_EQ(SpoolPairs(), 5);
  receiver_.ComeUp();
  auto second = StartUploader(Options(receiver_.url()));
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 5; }, kPatience));
  std::set<std::string> arrived;
  for (const ReceivedProfile& p : receiver_.received()) arrived.insert(p.sha256);
  EXPECT_EQ(arrived, sent);
}

TEST_F(UploaderTest, SpoolCapDropsTheOldestAndReportsTheCountOnce) {
  UploaderOptions o = Options("");  // spool only: nothing is sent
  o.max_spool_files = 3;
  auto u = StartUploader(o);
  for (int i = 0; i < 5; ++i) SubmitProfile(*u, i);
  EXPECT_EQ(u->TakeDroppedCount(), 2);
  EXPECT_EQ(u->TakeDroppedCount(), 0);
  EXPECT_EQ(u->stats().dropped, 2);
  EXPECT_EQ(FilesIn(spool(), ".json"),
            (std::vector<std::string>{Stem("svc", 2) + ".json", Stem("svc", 3) + ".json",
                                      Stem("svc", 4) + ".json"}));
  std::vector<std::string> lines = log_.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("dropped " + Stem("svc", 0)), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("dropped " + Stem("svc", 1)), std::string::npos) << lines[1];
}

TEST_F(UploaderTest, SpoolByteCapKeepsTheNewestCapture) {
  UploaderOptions o = Options("");
  o.max_spool_bytes = 1;  // smaller than any pair: only the one just written stays
  auto u = StartUploader(o);
  for (int i = 0; i < 4; ++i) SubmitProfile(*u, i);
  EXPECT_EQ(u->TakeDroppedCount(), 3);
  EXPECT_EQ(FilesIn(spool(), ".json"), std::vector<std::string>{Stem("svc", 3) + ".json"});
}

TEST_F(UploaderTest, TwoUploadersOnOneSpoolNeverSendTheSamePair) {
  {
    auto writer = StartUploader(Options(""));
    for (int i = 0; i < 60; ++i) SubmitProfile(*writer, i);
  }
  receiver_.set_answer_delay(Millis(2));
  auto a = StartUploader(Options(receiver_.url()));
  auto b = StartUploader(Options(receiver_.url()));
  ASSERT_TRUE(WaitUntil([&] { return receiver_.unique_count() == 60; }, kPatience));
  ASSERT_TRUE(
      WaitUntil([&] { return a->stats().sent + b->stats().sent == 60; }, kPatience));
  EXPECT_EQ(SpoolPairs(), 0);
  EXPECT_EQ(receiver_.raw_count(), 60);
}

TEST_F(UploaderTest, DirectoryTargetCopiesPairsAndKeepsSentOnes) {
  std::string out = dir_.sub("out");
  UploaderOptions o = Options("file://" + out);
  o.keep_sent = true;
  auto u = StartUploader(o);
  std::set<std::string> sent;
  for (int i = 0; i < 3; ++i) sent.insert(SubmitProfile(*u, i));
  ASSERT_TRUE(WaitUntil([&] { return FilesIn(out, ".json").size() == 3; }, kPatience));
  ASSERT_TRUE(WaitUntil([&] { return FilesIn(spool() + "/sent", ".json").size() == 3; },
                        kPatience));
  std::set<std::string> copied;
  for (const std::string& f : FilesIn(out, ".pb.gz")) copied.insert(Sha256Hex(ReadText(out + "/" + f)));
  EXPECT_EQ(copied, sent);
  EXPECT_EQ(SpoolPairs(), 0);
  EXPECT_TRUE(FilesIn(out, ".tmp").empty());
}

TEST_F(UploaderTest, BadOptionsAreOneLineErrorsNamingTheSetting) {
  UploaderOptions o = Options("ftp://example");
  auto u = Uploader::Start(o);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().message(),
            "AUTOPROF_UPLOAD_URL: 'ftp://example' is not http(s)://, pyroscope+http(s)://, "
            "file:///dir or /dir");
  o = Options(receiver_.url());
  o.ca_bundle = dir_.sub("missing.pem");
  u = Uploader::Start(o);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().message(),
            "AUTOPROF_UPLOAD_CA_BUNDLE: '" + dir_.sub("missing.pem") + "' is not a readable file");
}


}  // namespace
}  // namespace autoprof::testing
