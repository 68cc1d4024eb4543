// The embedded UI files and the self-contained page: every asset found by path
// with its MIME type, names escaped, a CSP whose hashes match the inline script
// and style (checked against coreutils' sha256sum), and no network reference.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "autoprof/flame.h"
#include "autoprof/flame_html.h"
#include "autoprof/ui_assets.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

using testing::ProfileBuilder;

std::string Between(const std::string& s, const std::string& open, const std::string& close) {
  size_t a = s.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  size_t b = s.find(close, a);
  return b == std::string::npos ? "" : s.substr(a, b - a);
}

// base64(sha256(text)) computed by sha256sum and a hex-to-base64 step here.
std::string ExternalSha256Base64(const std::string& text) {
  std::string path = ::testing::TempDir() + "/csp_input.txt";
  std::ofstream(path, std::ios::binary) << text;
  FILE* p = ::popen(("sha256sum " + path).c_str(), "r");
  if (!p) return "";
  char hex[65] = {};
  size_t got = std::fread(hex, 1, 64, p);
  ::pclose(p);
  if (got != 64) return "";
  std::string bytes;
  for (int i = 0; i < 64; i += 2) bytes += static_cast<char>(std::stoi(std::string(hex + i, 2), nullptr, 16));
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kB64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kB64[n & 63] : '=';
  }
  return out;
}

TEST(UiAssets, EveryUiFileIsEmbeddedWithItsMimeType) {
  const UiAsset* js = FindUiAsset("/flame.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->mime_type, "text/javascript; charset=utf-8");
  std::ifstream f(std::string(AUTOPROF_SOURCE_DIR) + "/viewer/ui/flame.js", std::ios::binary);
  std::string on_disk((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(js->content, on_disk);
  ASSERT_NE(FindUiAsset("flame.css"), nullptr);
  EXPECT_EQ(FindUiAsset("flame.css")->mime_type, "text/css; charset=utf-8");
  EXPECT_EQ(FindUiAsset("flame_standalone.html")->mime_type, "text/html; charset=utf-8");
  EXPECT_EQ(FindUiAsset("CMakeLists.txt"), nullptr);
  EXPECT_EQ(FindUiAsset("embed_assets.cmake"), nullptr);
  EXPECT_EQ(FindUiAsset("nope.js"), nullptr);
  for (size_t i = 1; i < UiAssets().size(); ++i) EXPECT_LT(UiAssets()[i - 1].path, UiAssets()[i].path);
}

TEST(FlameHtml, IsOnePageWithTheTreeAndNoNetworkReference) {
  Result<FlameTree> tree = BuildFlameTree(ProfileBuilder().AddCpu({"main", "work"}, 3).Build());
  ASSERT_TRUE(tree.ok());
  std::string html = FlameHtml(*tree, "cpu.pb.gz");
  EXPECT_NE(html.find("<title>cpu.pb.gz</title>"), std::string::npos);
  EXPECT_NE(html.find(FlameTreeToJson(*tree)), std::string::npos);
  EXPECT_EQ(html.find("\nimport "), std::string::npos) << "modules must be bundled";
  EXPECT_EQ(html.find("\nexport "), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("class FlameGraph"), std::string::npos);
}

TEST(FlameHtml, CspHashesMatchTheInlineScriptAndStyle) {
  Result<FlameTree> tree = BuildFlameTree(ProfileBuilder().AddCpu({"main"}, 1).Build());
  ASSERT_TRUE(tree.ok());
  std::string html = FlameHtml(*tree, "t");
  std::string csp = Between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  ASSERT_FALSE(csp.empty());
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  std::string script = Between(html, "<script type=\"module\">", "</script>");
  std::string style = Between(html, "<style>", "</style>");
  ASSERT_FALSE(script.empty());
  std::string script_hash = ExternalSha256Base64(script);
  ASSERT_FALSE(script_hash.empty()) << "sha256sum did not run";
  EXPECT_NE(csp.find("script-src 'sha256-" + script_hash + "'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("style-src 'sha256-" + ExternalSha256Base64(style) + "'"), std::string::npos);
}

TEST(FlameHtml, HostileNamesAndTitlesCannotCloseTheScriptOrTitle) {
  std::string hostile = "</script><script>alert(1)</script>";
  Result<FlameTree> tree = BuildFlameTree(ProfileBuilder().AddCpu({hostile}, 1).Build());
  ASSERT_TRUE(tree.ok());
  std::string html = FlameHtml(*tree, "</title><script>x</script>");
  EXPECT_EQ(html.find(hostile), std::string::npos);
  EXPECT_NE(html.find("&lt;/title&gt;&lt;script&gt;"), std::string::npos);
  // Exactly the two script elements of the template are closed.
  size_t count = 0;
  for (size_t at = html.find("</script"); at != std::string::npos; at = html.find("</script", at + 1)) ++count;
  EXPECT_EQ(count, 2u);
  // JSON made elsewhere is made safe too.
  std::string page = FlameHtmlFromJson(R"({"names":["</script>"]})", "t");
  EXPECT_EQ(Between(page, "id=\"autoprof-data\">", "</script>"), R"({"names":["\u003c/script>"]})");
}

TEST(FlameHtml, DiffPageCarriesTheDiffTree) {
  Profile base = ProfileBuilder().AddCpu({"main", "a"}, 5).Build();
  Profile target = ProfileBuilder().AddCpu({"main", "b"}, 5).Build();
  Result<DiffTree> d = BuildDiffTree(std::span<const Profile>(&base, 1), std::span<const Profile>(&target, 1));
  ASSERT_TRUE(d.ok());
  std::string html = DiffFlameHtml(*d, "base → target");
  EXPECT_NE(html.find(DiffTreeToJson(*d)), std::string::npos);
  EXPECT_NE(html.find("<title>base → target</title>"), std::string::npos);
}

}  // namespace
}  // namespace autoprof
