#include "agent_config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace autoprof {
namespace {

Result<AgentConfig> FromEnv(const std::map<std::string, std::string>& vars) {
  return AgentConfigFromEnv([&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(AgentConfig, EmptyEnvironmentGivesTheDocumentedDefaults) {
  auto c = FromEnv({});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->enabled);
  EXPECT_DOUBLE_EQ(c->cpu_threshold, 0.75);
  EXPECT_DOUBLE_EQ(c->mem_threshold, 0.75);
  EXPECT_DOUBLE_EQ(c->throttle_threshold, 0.25);
  EXPECT_EQ(c->cpu_duration, Millis(10'000));
  EXPECT_EQ(c->output_dir, "/tmp/autoprof");
  EXPECT_EQ(c->cgroup_root, "/");
}

TEST(AgentConfig, EveryVariableIsRead) {
  auto c = FromEnv({{"AUTOPROF_ENABLED", "0"},
                    {"AUTOPROF_APP", "checkout"},
                    {"AUTOPROF_LABELS", "pod=web-1,namespace=prod"},
                    {"AUTOPROF_CPU_THRESHOLD", "0.5"},
                    {"AUTOPROF_MEM_THRESHOLD", "1"},
                    {"AUTOPROF_THROTTLE_THRESHOLD", "0.1"},
                    {"AUTOPROF_INTERVAL", "500ms"},
                    {"AUTOPROF_CPU_DURATION", "5s"},
                    {"AUTOPROF_COOLDOWN", "1m"},
                    {"AUTOPROF_MAX_PER_HOUR", "12"},
                    {"AUTOPROF_OUTPUT_DIR", "/var/profiles"},
                    {"AUTOPROF_UPLOAD_URL", "pyroscope+http://pyro:4040"},
                    {"AUTOPROF_UPLOAD_TOKEN", "secret"},
                    {"AUTOPROF_CGROUP_ROOT", "/host"}});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->enabled);
  EXPECT_EQ(c->app, "checkout");
  ASSERT_EQ(c->labels.size(), 2u);
  EXPECT_EQ(c->labels[1].first, "namespace");
  EXPECT_EQ(c->labels[1].second, "prod");
  EXPECT_DOUBLE_EQ(c->cpu_threshold, 0.5);
  EXPECT_DOUBLE_EQ(c->mem_threshold, 1.0);
  EXPECT_DOUBLE_EQ(c->throttle_threshold, 0.1);
  EXPECT_EQ(c->interval, Millis(500));
  EXPECT_EQ(c->cpu_duration, Millis(5000));
  EXPECT_EQ(c->cooldown, Millis(60'000));
  EXPECT_EQ(c->max_per_hour, 12);
  EXPECT_EQ(c->output_dir, "/var/profiles");
  EXPECT_EQ(c->upload_url, "pyroscope+http://pyro:4040");
  EXPECT_EQ(c->upload_token, "secret");
  EXPECT_EQ(c->cgroup_root, "/host");
}

struct BadValue {
  const char* variable;
  const char* value;
  const char* expected_message;
};

class AgentConfigBadValue : public testing::TestWithParam<BadValue> {};

TEST_P(AgentConfigBadValue, IsOneLineNamingTheVariable) {
  const BadValue& bad = GetParam();
  auto c = FromEnv({{bad.variable, bad.value}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), bad.expected_message);
  EXPECT_EQ(c.status().message().find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    EveryVariable, AgentConfigBadValue,
    testing::Values(
        BadValue{"AUTOPROF_ENABLED", "yes", "AUTOPROF_ENABLED: 'yes' is not 0 or 1"},
        BadValue{"AUTOPROF_LABELS", "pod", "AUTOPROF_LABELS: 'pod' is not key=value"},
        BadValue{"AUTOPROF_LABELS", "a=1,a=2", "AUTOPROF_LABELS: 'a' is given twice"},
        BadValue{"AUTOPROF_LABELS", "=v", "AUTOPROF_LABELS: '=v' is not key=value"},
        BadValue{"AUTOPROF_CPU_THRESHOLD", "1.5", "AUTOPROF_CPU_THRESHOLD: '1.5' is not in (0,1]"},
        BadValue{"AUTOPROF_CPU_THRESHOLD", "0", "AUTOPROF_CPU_THRESHOLD: '0' is not in (0,1]"},
        BadValue{"AUTOPROF_MEM_THRESHOLD", "75%", "AUTOPROF_MEM_THRESHOLD: '75%' is not a number"},
        BadValue{"AUTOPROF_THROTTLE_THRESHOLD", "nan",
                 "AUTOPROF_THROTTLE_THRESHOLD: 'nan' is not a number"},
        BadValue{"AUTOPROF_INTERVAL", "5", "AUTOPROF_INTERVAL: '5' is not a duration like 500ms, 5s, 1m or 1h"},
        BadValue{"AUTOPROF_INTERVAL", "10ms",
                 "AUTOPROF_INTERVAL: '10ms' is shorter than the least allowed, 100ms"},
        BadValue{"AUTOPROF_CPU_DURATION", "-5s",
                 "AUTOPROF_CPU_DURATION: '-5s' is not a duration like 500ms, 5s, 1m or 1h"},
        BadValue{"AUTOPROF_COOLDOWN", "99999999999h", "AUTOPROF_COOLDOWN: '99999999999h' is longer than a year"},
        BadValue{"AUTOPROF_MAX_PER_HOUR", "0",
                 "AUTOPROF_MAX_PER_HOUR: '0' is out of range [1, 3600]"},
        BadValue{"AUTOPROF_MAX_PER_HOUR", "ten", "AUTOPROF_MAX_PER_HOUR: 'ten' is not a whole number"},
        BadValue{"AUTOPROF_UPLOAD_URL", "ftp://x",
                 "AUTOPROF_UPLOAD_URL: 'ftp://x' is not http(s)://host/, "
                 "pyroscope+http(s)://host:port, file:///dir, or empty"},
        BadValue{"AUTOPROF_CGROUP_ROOT", "host", "AUTOPROF_CGROUP_ROOT: 'host' is not an absolute path"}));

}  // namespace
}  // namespace autoprof
