// Every tree under tests/fixtures/cgroup/<case>/ is a fake machine root; sampling it
// must give exactly the values in its expected.json (the `autoprof cgroup --json`
// shape) and, when expected_errors.txt exists, an error line containing each of its
// lines; otherwise no error at all.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "autoprof/cgroup.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const fs::path kFixtures = fs::path(AUTOPROF_SOURCE_DIR) / "tests/fixtures/cgroup";

std::string ReadText(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Cases() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kFixtures)) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

template <typename T>
Json AsJson(const Measured<T>& m) {
  return m.is_number() ? Json(*m.number()) : Json(nullptr);
}
Json AsJson(const std::string& path) { return path.empty() ? Json(nullptr) : Json(path); }

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST(FixtureTreesTest, AtLeastTwentyFiveSituationsAreCovered) { EXPECT_GE(Cases().size(), 25u); }

TEST_P(FixtureTest, SampleMatchesExpectedValues) {
  fs::path dir = kFixtures / GetParam();
  SCOPED_TRACE(ReadText(dir / "about.txt"));
  Json want = Json::parse(ReadText(dir / "expected.json"));

  Result<Cgroup> cgroup = Cgroup::Open({.root = dir.string()});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  CgroupSnapshot s = cgroup->Sample();

  EXPECT_EQ(want["version"], std::string(CgroupVersionName(s.version)));
  const Json& cpu = want["cpu"];
  EXPECT_EQ(cpu["limit_cores"], AsJson(s.cpu.limit_cores)) << "cpu.limit_cores";
  EXPECT_EQ(cpu["effective_cores"], Json(s.cpu.effective_cores)) << "cpu.effective_cores";
  EXPECT_EQ(cpu["usage_seconds"], AsJson(s.cpu.usage_seconds)) << "cpu.usage_seconds";
  EXPECT_EQ(cpu["periods"], AsJson(s.cpu.periods)) << "cpu.periods";
  EXPECT_EQ(cpu["throttled_periods"], AsJson(s.cpu.throttled_periods)) << "cpu.throttled_periods";
  EXPECT_EQ(cpu["throttled_seconds"], AsJson(s.cpu.throttled_seconds)) << "cpu.throttled_seconds";
  EXPECT_EQ(cpu["limit_path"], AsJson(s.cpu.limit_path)) << "cpu.limit_path";
  const Json& mem = want["memory"];
  EXPECT_EQ(mem["limit_bytes"], AsJson(s.memory.limit_bytes)) << "memory.limit_bytes";
  EXPECT_EQ(mem["usage_bytes"], AsJson(s.memory.usage_bytes)) << "memory.usage_bytes";
  EXPECT_EQ(mem["working_set_bytes"], AsJson(s.memory.working_set_bytes))
      << "memory.working_set_bytes";
  EXPECT_EQ(mem["limit_path"], AsJson(s.memory.limit_path)) << "memory.limit_path";
  const Json& psi = want["pressure"];
  EXPECT_EQ(psi["cpu_some_total_us"], AsJson(s.pressure.cpu_some_total_us));
  EXPECT_EQ(psi["memory_some_total_us"], AsJson(s.pressure.memory_some_total_us));
  EXPECT_EQ(psi["memory_full_total_us"], AsJson(s.pressure.memory_full_total_us));

  std::vector<std::string> want_errors;
  std::istringstream lines(ReadText(dir / "expected_errors.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) want_errors.push_back(line);
  }
  ASSERT_EQ(s.errors.size(), want_errors.size()) << ::testing::PrintToString(s.errors);
  for (size_t i = 0; i < want_errors.size(); ++i) {
    EXPECT_NE(s.errors[i].find(want_errors[i]), std::string::npos) << s.errors[i];
    EXPECT_NE(s.errors[i].find(dir.string()), std::string::npos)
        << "error does not name the file: " << s.errors[i];
  }
}

INSTANTIATE_TEST_SUITE_P(Trees, FixtureTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace autoprof
