// The retry decisions and waits: which answers are retried, how Retry-After is
// read, and the full-jitter backoff bounds.
#include "retry_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace autoprof::upload_internal {
namespace {

using std::chrono::system_clock;

TEST(ClassifyTest, RetriesTransientAnswersAndNoAnswer) {
  for (int status : {0, 408, 429, 500, 502, 503, 504, 599}) {
    EXPECT_EQ(Classify(status), Outcome::kRetry) << status;
  }
}

TEST(ClassifyTest, QuarantinesOtherClientErrorsIncluding413) {
  for (int status : {301, 400, 401, 403, 404, 409, 413, 415, 422}) {
    EXPECT_EQ(Classify(status), Outcome::kQuarantine) << status;
  }
}

TEST(ClassifyTest, AnyTwoHundredIsDone) {
  for (int status : {200, 201, 202, 204}) EXPECT_EQ(Classify(status), Outcome::kDone);
}

TEST(RetryAfterTest, ReadsDelaySeconds) {
  auto now = system_clock::now();
  EXPECT_EQ(ParseRetryAfter("120", now), Millis(120'000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), Millis(0));
}

TEST(RetryAfterTest, ReadsAllThreeHttpDateForms) {
  // 2015-10-21 07:28:00 UTC, ten seconds after `now`.
  auto now = system_clock::from_time_t(1445412470);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), Millis(10'000));
  EXPECT_EQ(ParseRetryAfter("Wednesday, 21-Oct-15 07:28:00 GMT", now), Millis(10'000));
  EXPECT_EQ(ParseRetryAfter("Wed Oct 21 07:28:00 2015", now), Millis(10'000));
}

TEST(RetryAfterTest, DateInThePastMeansNoWait) {
  auto now = system_clock::from_time_t(1445412490);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), Millis(0));
}

TEST(RetryAfterTest, DatesCenturiesAwayDoNotOverflow) {
  auto now = system_clock::from_time_t(1445412470);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 1007 18:28:00 GMT", now), Millis(0));
  auto far = ParseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now);
  ASSERT_TRUE(far.has_value());
  EXPECT_GT(far->count(), 0);
}

TEST(RetryAfterTest, RefusesWhatIsNeitherSecondsNorDate) {
  auto now = system_clock::now();
  for (const char* bad : {"", "soon", "-5", "1.5", "12abc", "Wed, 99 Foo 2015 07:28:00 GMT"}) {
    EXPECT_FALSE(ParseRetryAfter(bad, now).has_value()) << bad;
  }
}

TEST(RetryAfterTest, HugeSecondsDoNotOverflow) {
  auto r = ParseRetryAfter("99999999999999999999999", system_clock::now());
  ASSERT_TRUE(r.has_value());
  EXPECT_GT(r->count(), 0);
}

TEST(OneLineReasonTest, KeepsTheFirstLineTrimmedAndShort) {
  EXPECT_EQ(OneLineReason("  profile is not gzip \nstack trace...\n"), "profile is not gzip");
  EXPECT_EQ(OneLineReason(""), "(empty body)");
  EXPECT_EQ(OneLineReason(std::string(1000, 'x')).size(), 200u);
  EXPECT_EQ(OneLineReason(std::string("a\tb")), "a b");
}

TEST(BackoffTest, FullJitterStaysUnderTheDoublingCeilingAndTheCap) {
  Backoff b(Millis(100), Millis(1000), 7);
  Millis ceilings[] = {Millis(100), Millis(200), Millis(400), Millis(800), Millis(1000),
                       Millis(1000), Millis(1000)};
  for (Millis ceiling : ceilings) {
    Millis d = b.Next();
    EXPECT_GE(d.count(), 0);
    EXPECT_LE(d, ceiling);
  }
}

TEST(BackoffTest, JitterSpreadsWaitsAndResetStartsOver) {
  Backoff b(Millis(1000), Millis(1'000'000), 1);
  for (int i = 0; i < 10; ++i) (void)b.Next();
  Millis low = Millis::max(), high = Millis(0);
  for (int i = 0; i < 200; ++i) {
    Millis d = b.Next();
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_LT(low, Millis(200'000));   // full jitter reaches well below the ceiling
  EXPECT_GT(high, Millis(800'000));  // and up near it
  b.Reset();
  EXPECT_LE(b.Next(), Millis(1000));
}

}  // namespace
}  // namespace autoprof::upload_internal
