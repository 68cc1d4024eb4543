// PrivateLibrary: optional libraries opened at run time, with one-line errors
// naming the feature, the library and the package. libz stands in for a real
// library that is present (and is not the one asked for).
#include "autoprof/private_library.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

namespace autoprof {
namespace {

TEST(PrivateLibrary, AMissingLibraryIsNamedWithItsPackage) {
  Result<PrivateLibrary> lib =
      PrivateLibrary::Open("libautoprof-test-missing.so.1", "uploads", "libcurl4");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().message(),
            "uploads unavailable: libautoprof-test-missing.so.1 not found (Debian/Ubuntu package "
            "libcurl4)");
}

TEST(PrivateLibrary, AFileThatIsNoLibrarySaysWhatTheLoaderSaid) {
  Result<PrivateLibrary> lib = PrivateLibrary::Open("/dev/null", "symbolization", "libdw1");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(
      lib.status().message().rfind(
          "symbolization unavailable: cannot load /dev/null (Debian/Ubuntu package libdw1): ", 0),
      0u)
      << lib.status().message();
}

TEST(PrivateLibrary, ResolvedFunctionsWorkAndStayOutOfTheGlobalNamespace) {
  Result<PrivateLibrary> lib = PrivateLibrary::Open("libz.so.1", "compression", "zlib1g");
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  const char* (*version)() = nullptr;
  lib->Bind("zlibVersion", version);
  ASSERT_TRUE(lib->CheckBound("zlib").ok());
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(version()[0], '1');
  // This binary does not link zlib: what was opened privately is not global.
  EXPECT_EQ(dlsym(RTLD_DEFAULT, "zlibVersion"), nullptr);
}

TEST(PrivateLibrary, TheFirstMissingFunctionIsNamedWithTheRequirement) {
  Result<PrivateLibrary> lib = PrivateLibrary::Open("libz.so.1", "uploads", "libcurl4");
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  const char* (*version)() = nullptr;
  void (*init)() = nullptr;
  void (*cleanup)() = nullptr;
  lib->Bind("zlibVersion", version);
  lib->Bind("curl_global_init", init);
  lib->Bind("curl_global_cleanup", cleanup);
  EXPECT_EQ(init, nullptr);
  EXPECT_EQ(lib->CheckBound("libcurl 7.66 or newer is needed").message(),
            "uploads unavailable: libz.so.1 lacks curl_global_init (libcurl 7.66 or newer is "
            "needed)");
}

}  // namespace
}  // namespace autoprof
