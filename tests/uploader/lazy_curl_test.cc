// libcurl is loaded at run time, not linked: a process loads it at its first
// HTTP(S) upload (privately, RTLD_LOCAL), never for a directory target, and a
// process without it keeps its captures spooled and says why in one line.
//
// What a process has loaded is process state, so those tests run their body in a
// fresh child (a threadsafe death test re-executes this binary): this test binary
// does not link libcurl, so the child starts without it.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "curl_api.h"
#include "uploader_fixture.h"

namespace autoprof::testing {
namespace {

using upload_internal::CurlApi;
using upload_internal::LoadCurl;
using upload_internal::OpenCurl;
using Millis = std::chrono::milliseconds;
constexpr Millis kPatience{60'000};  // a bound on waits, never reached when things work
constexpr char kNoSuchCurl[] = "libautoprof-test-no-such-curl.so.4";

bool CurlLoaded() {
  void* handle = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_NOLOAD);
  if (handle != nullptr) dlclose(handle);
  return handle != nullptr;
}

// Exits 0 when `body` returns an empty string, else prints it and exits 1.
template <typename Body>
void ExpectInFreshProcess(Body body) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::string failure = CurlLoaded() ? "libcurl was loaded before the test" : body();
        if (!failure.empty()) std::fprintf(stderr, "%s\n", failure.c_str());
        std::_Exit(failure.empty() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

Result<const CurlApi*> LoadMissingCurl() {
  Result<CurlApi> api = OpenCurl(kNoSuchCurl);
  if (api.ok()) return Internal(std::string(kNoSuchCurl) + " exists");
  return api.status();
}

class LazyCurlTest : public UploaderFixture {};

TEST_F(LazyCurlTest, ADirectoryTargetNeverLoadsLibcurl) {
  ExpectInFreshProcess([&]() -> std::string {
    std::string out = dir_.sub("out");
    auto u = StartUploader(Options(out));
    if (!u) return "the uploader did not start";
    SubmitProfile(*u, 1);
    if (!WaitUntil([&] { return u->stats().sent == 1; }, kPatience)) return "nothing was copied";
    if (FilesIn(out, ".pb.gz").size() != 1) return "the pair is not in " + out;
    return CurlLoaded() ? "a directory upload loaded libcurl" : "";
  });
}

TEST_F(LazyCurlTest, TheFirstHttpUploadLoadsLibcurlPrivately) {
  ExpectInFreshProcess([&]() -> std::string {
    auto u = StartUploader(Options(receiver_.url()));
    if (!u) return "the uploader did not start";
    if (CurlLoaded()) return "starting an HTTP uploader loaded libcurl before any upload";
    SubmitProfile(*u, 1);
    if (!WaitUntil([&] { return receiver_.unique_count() == 1; }, kPatience)) {
      return "nothing arrived: " + log_.joined();
    }
    if (!CurlLoaded()) return "the upload arrived but libcurl is not loaded";
    // RTLD_LOCAL: curl's symbols (and its OpenSSL's) stay out of the global namespace.
    if (dlsym(RTLD_DEFAULT, "curl_easy_init") != nullptr) return "curl_easy_init is global";
    return "";
  });
}

TEST_F(LazyCurlTest, WithoutLibcurlEachAttemptLogsOneLineAndThePairStaysSpooled) {
  UploaderOptions o = Options(receiver_.url());
  o.transport = upload_internal::MakeCurlTransport({}, LoadMissingCurl);
  auto u = StartUploader(o);
  ASSERT_TRUE(u);
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return u->stats().retries >= 2; }, kPatience));
  u->Stop(Millis(0));
  EXPECT_EQ(receiver_.raw_count(), 0);
  EXPECT_EQ(SpoolPairs(), 1);
  std::vector<std::string> lines = log_.lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find(": uploads unavailable: libautoprof-test-no-such-curl.so.4 not found "
                          "(Debian/Ubuntu package libcurl4)"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
}

TEST(CurlApiTest, AMissingLibraryIsNamedWithItsPackage) {
  Result<CurlApi> api = OpenCurl(kNoSuchCurl);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().message(),
            "uploads unavailable: libautoprof-test-no-such-curl.so.4 not found "
            "(Debian/Ubuntu package libcurl4)");
}

TEST(CurlApiTest, ThreadsLoadingAtOnceShareOneInitializedLibrary) {
  std::vector<const CurlApi*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      Result<const CurlApi*> api = LoadCurl();
      seen[i] = api.ok() ? *api : nullptr;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_NE(seen[0], nullptr);
  EXPECT_EQ(std::set<const CurlApi*>(seen.begin(), seen.end()).size(), 1u);
  // Initialized: a handle works without any further setup.
  CURL* easy = seen[0]->easy_init();
  EXPECT_NE(easy, nullptr);
  seen[0]->easy_cleanup(easy);
}

}  // namespace
}  // namespace autoprof::testing
