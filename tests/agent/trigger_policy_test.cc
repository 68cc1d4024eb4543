#include "trigger_policy.h"

#include <gtest/gtest.h>

namespace autoprof {
namespace {

using std::chrono::seconds;

// A fake clock: ticks of one second from an arbitrary origin.
class TriggerPolicyTest : public testing::Test {
 protected:
  TriggerPolicyTest() {
    settings_.sustain = seconds(3);
    settings_.cooldown = seconds(60);
    settings_.max_per_hour = 3;
  }

  // Feeds `ticks` one-second ticks of the same utilization; returns how many fired.
  int Feed(TriggerPolicy& p, int ticks, SignalValues u, bool finish_captures = true) {
    int fired = 0;
    for (int i = 0; i < ticks; ++i) {
      now_ += seconds(1);
      if (auto d = p.Observe(now_, u)) {
        ++fired;
        last_ = *d;
        if (finish_captures) p.CaptureFinished(d->kind, now_);
      }
    }
    return fired;
  }

  TriggerSettings settings_;
  SteadyTime now_{};
  TriggerDecision last_{};
};

TEST_F(TriggerPolicyTest, SpikeShorterThanSustainTriggersNothing) {
  TriggerPolicy p(settings_);
  EXPECT_EQ(Feed(p, 2, {.cpu = 0.95}), 0);
  EXPECT_EQ(Feed(p, 5, {.cpu = 0.2}), 0);
  EXPECT_EQ(Feed(p, 2, {.cpu = 0.95}), 0);
}

TEST_F(TriggerPolicyTest, ValueOverThresholdForSustainFiresOnceWithItsReason) {
  TriggerPolicy p(settings_);
  EXPECT_EQ(Feed(p, 3, {.cpu = 0.9}), 0);  // over at t1; sustain of 3 s reached at t4
  EXPECT_EQ(Feed(p, 1, {.cpu = 0.9}), 1);
  EXPECT_EQ(last_.kind, ProfileKind::kCpu);
  EXPECT_EQ(last_.reason, TriggerReason::kCpu);
  EXPECT_DOUBLE_EQ(last_.value, 0.9);
  EXPECT_DOUBLE_EQ(last_.threshold, 0.75);
}

TEST_F(TriggerPolicyTest, ValueHoveringAtThresholdFiresOnlyOnce) {
  TriggerPolicy p(settings_);
  int fired = 0;
  for (int i = 0; i < 600; ++i) {  // ten minutes of 0.74 / 0.76, far past the cooldown
    fired += Feed(p, 1, {.cpu = i % 2 ? 0.76 : 0.74});
  }
  EXPECT_EQ(fired, 1);
}

TEST_F(TriggerPolicyTest, RearmsOnlyAfterDroppingBelowTheMargin) {
  TriggerPolicy p(settings_);
  ASSERT_EQ(Feed(p, 4, {.cpu = 0.9}), 1);
  EXPECT_EQ(Feed(p, 120, {.cpu = 0.72}), 0);  // below threshold, within the margin
  EXPECT_EQ(Feed(p, 120, {.cpu = 0.9}), 0);   // never re-armed
  EXPECT_EQ(Feed(p, 1, {.cpu = 0.5}), 0);     // re-arms
  EXPECT_EQ(Feed(p, 4, {.cpu = 0.9}), 1);
}

TEST_F(TriggerPolicyTest, CooldownHoldsBackAnEpisodeUntilItEnds) {
  TriggerPolicy p(settings_);
  ASSERT_EQ(Feed(p, 4, {.cpu = 0.9}), 1);  // fires at t4
  ASSERT_EQ(Feed(p, 1, {.cpu = 0.1}), 0);  // re-arms
  EXPECT_EQ(Feed(p, 40, {.cpu = 0.9}), 0); // within the 60 s cooldown
  EXPECT_EQ(p.suppressed(), 1);
  EXPECT_EQ(Feed(p, 20, {.cpu = 0.9}), 1); // fires when the cooldown ends
}

TEST_F(TriggerPolicyTest, CooldownIsPerKind) {
  TriggerPolicy p(settings_);
  ASSERT_EQ(Feed(p, 4, {.cpu = 0.9}), 1);
  EXPECT_EQ(Feed(p, 4, {.cpu = 0.9, .memory = 0.9}), 1);
  EXPECT_EQ(last_.kind, ProfileKind::kHeap);
  EXPECT_EQ(last_.reason, TriggerReason::kMemory);
}

TEST_F(TriggerPolicyTest, HourlyCapCountsAllTriggeredCaptures) {
  settings_.cooldown = seconds(0);
  TriggerPolicy p(settings_);
  int fired = 0;
  for (int episode = 0; episode < 10; ++episode) {  // ten episodes within 10 minutes
    fired += Feed(p, 5, {.cpu = 0.9});
    fired += Feed(p, 55, {.cpu = 0.1});
  }
  EXPECT_EQ(fired, 3);
  EXPECT_EQ(p.suppressed(), 7);
  now_ += std::chrono::minutes(60);
  EXPECT_EQ(Feed(p, 5, {.cpu = 0.9}), 1);  // the window has rolled
}

TEST_F(TriggerPolicyTest, OneCaptureAtATime) {
  TriggerPolicy p(settings_);
  ASSERT_EQ(Feed(p, 4, {.cpu = 0.9}, /*finish_captures=*/false), 1);
  EXPECT_TRUE(p.capture_running());
  EXPECT_EQ(Feed(p, 10, {.cpu = 0.9, .memory = 0.95}, false), 0);
  EXPECT_FALSE(p.Manual(ProfileKind::kHeap, now_).has_value());
  p.CaptureFinished(ProfileKind::kCpu, now_);
  EXPECT_EQ(Feed(p, 1, {.memory = 0.95}), 1);  // memory's wait went on meanwhile
}

TEST_F(TriggerPolicyTest, ManualTriggerIgnoresSustainCooldownAndCap) {
  settings_.max_per_hour = 1;
  TriggerPolicy p(settings_);
  ASSERT_EQ(Feed(p, 4, {.cpu = 0.9}), 1);
  auto d = p.Manual(ProfileKind::kCpu, now_);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->reason, TriggerReason::kManual);
  p.CaptureFinished(ProfileKind::kCpu, now_);
  EXPECT_TRUE(p.Manual(ProfileKind::kHeap, now_).has_value());
}

TEST_F(TriggerPolicyTest, UnknownValueAfterCounterResetRestartsTheWait) {
  TriggerPolicy p(settings_);
  EXPECT_EQ(Feed(p, 2, {.cpu = 0.9}), 0);
  EXPECT_EQ(Feed(p, 1, {.cpu = std::nullopt}), 0);  // counter went backwards this tick
  EXPECT_EQ(Feed(p, 3, {.cpu = 0.9}), 0);
  EXPECT_EQ(Feed(p, 1, {.cpu = 0.9}), 1);
}

TEST_F(TriggerPolicyTest, NoLimitMeansNoSignalAndNoTrigger) {
  TriggerPolicy p(settings_);
  EXPECT_EQ(Feed(p, 100, {}), 0);
  EXPECT_FALSE(p.capture_running());
}

TEST_F(TriggerPolicyTest, ThrottlingTriggersACpuProfileForTheThrottleReason) {
  TriggerPolicy p(settings_);
  EXPECT_EQ(Feed(p, 4, {.cpu = 0.5, .throttle = 0.4}), 1);
  EXPECT_EQ(last_.kind, ProfileKind::kCpu);
  EXPECT_EQ(last_.reason, TriggerReason::kThrottle);
  EXPECT_DOUBLE_EQ(last_.threshold, 0.25);
}

TEST_F(TriggerPolicyTest, ThrottlingWinsOverCpuWhenBothAreReady) {
  TriggerPolicy p(settings_);
  EXPECT_EQ(Feed(p, 4, {.cpu = 1.0, .throttle = 0.9}), 1);
  EXPECT_EQ(last_.reason, TriggerReason::kThrottle);
}

}  // namespace
}  // namespace autoprof
