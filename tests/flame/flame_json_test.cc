// The JSON the viewer serves and flame.js draws: column arrays, escaped names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autoprof/flame.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

using testing::ProfileBuilder;

TEST(FlameJson, ColumnsHaveOneEntryPerNode) {
  Profile p = ProfileBuilder().AddCpu({"main", "a"}, 2).AddCpu({"main", "b"}, 3).Build();
  Result<FlameTree> t = BuildFlameTree(p, {.sample_index = "samples"});
  ASSERT_TRUE(t.ok());
  nlohmann::json j = nlohmann::json::parse(FlameTreeToJson(*t));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["kind"], "flame");
  EXPECT_EQ(j["sample_type"]["type"], "samples");
  EXPECT_EQ(j["total"], 5);
  EXPECT_EQ(j["sample_types"], nlohmann::json::array({"samples", "cpu"}));
  for (const char* col : {"name", "parent", "flags", "self", "total"}) {
    EXPECT_EQ(j["nodes"][col].size(), t->nodes.size()) << col;
  }
  EXPECT_EQ(j["nodes"]["parent"][0], -1);
  auto names = j["names"];
  EXPECT_EQ(names[j["nodes"]["name"][2].get<int>()], "a");
  EXPECT_EQ(j["nodes"]["total"][2], 2);
}

TEST(FlameJson, NamesAreEscapedForJsonAndHtmlAndInvalidUtf8Replaced) {
  std::string hostile = "</script><img src=x onerror=alert(1)>\"\\\n";
  std::string bad_utf8 = "f\xff\xc3";
  Profile p = ProfileBuilder().AddCpu({hostile}, 1).AddCpu({bad_utf8}, 1).AddCpu({"ünïcode"}, 1).Build();
  Result<FlameTree> t = BuildFlameTree(p);
  ASSERT_TRUE(t.ok());
  std::string json = FlameTreeToJson(*t);
  EXPECT_EQ(json.find("</script"), std::string::npos);
  EXPECT_EQ(json.find('<'), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(json);  // throws on invalid UTF-8
  std::vector<std::string> names = j["names"];
  EXPECT_NE(std::find(names.begin(), names.end(), hostile), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "f\xEF\xBF\xBD\xEF\xBF\xBD"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "ünïcode"), names.end());
}

TEST(DiffJson, CarriesBothSidesRawValuesAndTheirScales) {
  Profile base = ProfileBuilder().AddCpu({"main", "gone"}, 50).AddCpu({"main", "kept"}, 50).Build();
  Profile target = ProfileBuilder().AddCpu({"main", "kept"}, 50).Duration(5).Build();
  Result<DiffTree> d = BuildDiffTree(std::span<const Profile>(&base, 1),
                                     std::span<const Profile>(&target, 1));
  ASSERT_TRUE(d.ok());
  nlohmann::json j = nlohmann::json::parse(DiffTreeToJson(*d));
  EXPECT_EQ(j["kind"], "diff");
  EXPECT_EQ(j["normalization"], "share");
  EXPECT_EQ(j["counts"], "samples/count");
  EXPECT_EQ(j["base"]["counts"], 100);
  EXPECT_EQ(j["target"]["duration_seconds"], 5.0);
  EXPECT_EQ(j["base"]["total"], 1'000'000'000);
  for (const char* col : {"name", "parent", "flags", "before_self", "before_total", "after_self",
                          "after_total"}) {
    EXPECT_EQ(j["nodes"][col].size(), d->nodes.size()) << col;
  }
  std::vector<std::string> names = j["names"];
  for (size_t i = 0; i < d->nodes.size(); ++i) {
    if (names[j["nodes"]["name"][i].get<int>()] == "gone") {
      EXPECT_TRUE(j["nodes"]["flags"][i].get<int>() & kBaseOnly);
      EXPECT_EQ(j["nodes"]["after_total"][i], 0);
    }
  }
}

}  // namespace
}  // namespace autoprof
