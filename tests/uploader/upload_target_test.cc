// Target URLs, Pyroscope names and the sidecar reader.
#include "upload_target.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autoprof/uploader.h"
#include "sidecar.h"
#include "test_receiver.h"

namespace autoprof::upload_internal {
namespace {

TEST(UploadTargetTest, ViewerUrlKeepsItsBasePath) {
  auto t = ParseUploadTarget("https://user:pw@viewer.example:8443/autoprof/");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->kind, UploadTarget::Kind::kViewer);
  EXPECT_EQ(t->base, "https://user:pw@viewer.example:8443/autoprof");
  EXPECT_EQ(t->for_log, "https://viewer.example:8443");  // no credentials in logs
}

TEST(UploadTargetTest, PyroscopeSchemeDropsItsPrefix) {
  auto t = ParseUploadTarget("pyroscope+http://pyro:4040");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, UploadTarget::Kind::kPyroscope);
  EXPECT_EQ(t->base, "http://pyro:4040");
}

TEST(UploadTargetTest, DirectoryFromFileUrlOrPath) {
  auto a = ParseUploadTarget("file:///var/spool/out/");
  auto b = ParseUploadTarget("/var/spool/out");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->kind, UploadTarget::Kind::kDirectory);
  EXPECT_EQ(a->base, "/var/spool/out");
  EXPECT_EQ(b->base, "/var/spool/out");
}

TEST(UploadTargetTest, BadUrlsNameTheVariable) {
  for (const char* bad : {"ftp://x", "viewer:8080", "http://", "http:///x", "file://relative",
                          "http://h/?q=1", "pyroscope+grpc://h"}) {
    auto t = ParseUploadTarget(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().message().rfind("AUTOPROF_UPLOAD_URL: ", 0), 0u) << t.status().message();
  }
}

TEST(PyroscopeNameTest, SanitizedNamesPassPyroscopesOwnParser) {
  std::vector<std::pair<std::string, std::string>> labels = {
      {"pod name", "web-1,x}y"}, {"__name__", "sneaky"}, {"zone/region", "eu{west}=2"}, {"", "e"}};
  std::string name = PyroscopeName("my app{prod}:v2", labels);
  testing::PyroscopeLabelSet parsed = testing::ParsePyroscopeName(name);
  ASSERT_EQ(parsed.error, "") << name;
  EXPECT_EQ(parsed.labels["__name__"], "my_app_prod__v2");
  EXPECT_EQ(parsed.labels["pod_name"], "web-1_x_y");
  EXPECT_EQ(parsed.labels["_name_"], "sneaky");
  EXPECT_EQ(parsed.labels["zone_region"], "eu{west_=2");
  EXPECT_EQ(parsed.labels["_"], "e");
  EXPECT_EQ(parsed.labels.size(), 5u);
}

TEST(PyroscopeNameTest, KeepsWhatPyroscopeAllows) {
  EXPECT_EQ(PyroscopeAppName("team/svc-a.b_c"), "team/svc-a.b_c");
  EXPECT_EQ(PyroscopeAppName(""), "unknown");
  EXPECT_EQ(PyroscopeLabelName("a.b_C9"), "a.b_C9");
  EXPECT_EQ(PyroscopeLabelName("a-b"), "a_b");
}

TEST(PyroscopeRequestTest, QueryCarriesNameWindowAndFormat) {
  auto t = ParseUploadTarget("pyroscope+http://127.0.0.1:4040/");
  ASSERT_TRUE(t.ok());
  SidecarInfo info{.app = "svc", .kind = "cpu", .labels = {{"k", "v w"}},
                   .start_unix_ms = 1'795'556'400'123, .duration_seconds = 10.5};
  HttpRequest r = BuildRequest(*t, "tok", "stem", "\x1f\x8b...", "{}", info, 0);
  EXPECT_EQ(r.url,
            "http://127.0.0.1:4040/ingest?name=svc%7Bk%3Dv%20w%7D&from=1795556400&until=1795556411"
            "&format=pprof&spyName=autoprof");
  EXPECT_EQ(r.body, "\x1f\x8b...");
  EXPECT_TRUE(r.parts.empty());
  EXPECT_EQ(r.bearer_token, "tok");
}

TEST(ViewerRequestTest, MultipartProfileAndMetadata) {
  auto t = ParseUploadTarget("http://v:8080/");
  ASSERT_TRUE(t.ok());
  HttpRequest r = BuildRequest(*t, "", "s", "PPROF", "{\"app\":\"a\"}", SidecarInfo{}, 0);
  EXPECT_EQ(r.url, "http://v:8080/api/v1/profiles");
  ASSERT_EQ(r.parts.size(), 2u);
  EXPECT_EQ(r.parts[0].name, "profile");
  EXPECT_EQ(r.parts[0].filename, "s.pb.gz");
  EXPECT_EQ(r.parts[0].data, "PPROF");
  EXPECT_EQ(r.parts[1].name, "metadata");
  EXPECT_EQ(r.parts[1].data, "{\"app\":\"a\"}");
}

TEST(SidecarTest, ReadsTheAgentsFields) {
  auto info = ParseSidecar(
      R"({"app":"a","kind":"heap","labels":{"z":"1","a":"2","n":3},"start_unix_ms":1000,)"
      R"("duration_seconds":2.5})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->app, "a");
  EXPECT_EQ(info->kind, "heap");
  ASSERT_EQ(info->labels.size(), 2u);  // the non-string label is skipped
  EXPECT_EQ(info->labels[0].first, "a");
  EXPECT_EQ(info->start_unix_ms, 1000);
  EXPECT_EQ(info->duration_seconds, 2.5);
}

TEST(SidecarTest, ReadsAContentIdOnlyWhenItHasTheFormOfOne) {
  std::string sha(64, 'a');
  EXPECT_EQ(ParseSidecar(R"({"content_sha256":")" + sha + R"("})")->content_sha256, sha);
  EXPECT_EQ(ParseSidecar(R"({"content_sha256":"ABC"})")->content_sha256, "");
  EXPECT_EQ(ParseSidecar(R"({"content_sha256":")" + std::string(64, 'G') + R"("})")->content_sha256,
            "");
}

TEST(SidecarTest, RefusesWhatIsNotAnObject) {
  for (const char* bad : {"", "[1]", "{", "\"x\"", "null"}) {
    auto info = ParseSidecar(bad);
    ASSERT_FALSE(info.ok()) << bad;
    EXPECT_EQ(info.status().message(), "sidecar: not a JSON object");
  }
}

TEST(SidecarTest, ContentIdIsAddedAsIdAndSha) {
  std::string with = WithContentId(R"({"app":"a"})", "abc");
  auto j = nlohmann::json::parse(with);
  EXPECT_EQ(j["id"], "abc");
  EXPECT_EQ(j["content_sha256"], "abc");
  EXPECT_EQ(j["app"], "a");
  EXPECT_EQ(WithContentId("not json", "abc"), "not json");
}

}  // namespace
}  // namespace autoprof::upload_internal
