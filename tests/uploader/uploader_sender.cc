// uploader_sender SPOOL URL COUNT [FIRST]: a small process that uses the uploader
// the way the agent does, for the crash test. It submits COUNT profiles (numbered
// from FIRST), printing "submitted <sha256>" after each Submit returns, then waits
// until the spool holds no pair (at most 60 s), stops and exits 0.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "autoprof/uploader.h"
#include "test_util.h"

int main(int argc, char** argv) {
  using namespace autoprof;  // NOLINT(google-build-using-namespace)
  using std::chrono::milliseconds;
  if (argc < 4) {
    std::fprintf(stderr, "usage: uploader_sender SPOOL URL COUNT [FIRST]\n");
    return 2;
  }
  UploaderOptions o;
  o.spool_dir = argv[1];
  o.url = argv[2];
  o.connect_timeout = milliseconds(1000);
  o.total_timeout = milliseconds(2000);
  o.backoff_initial = milliseconds(10);
  o.backoff_max = milliseconds(100);
  o.log = [](std::string_view) {};
  int count = std::atoi(argv[3]);
  int first = argc > 4 ? std::atoi(argv[4]) : 0;
  Result<std::unique_ptr<Uploader>> u = Uploader::Start(o);
  if (!u.ok()) {
    std::fprintf(stderr, "%s\n", u.status().message().c_str());
    return 1;
  }
  for (int n = first; n < first + count; ++n) {
    std::string pprof = testing::GzipPayload(n, "crash");
    Status s = (*u)->Submit(testing::Stem("crash", n), pprof,
                            testing::Sidecar("crash", "cpu", {}, 1'795'556'400'000 + n, 1));
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 1;
    }
    std::printf("submitted %s\n", Sha256Hex(pprof).c_str());
    std::fflush(stdout);
    std::this_thread::sleep_for(milliseconds(10));
  }
  bool drained = testing::WaitUntil(
      [&] { return testing::FilesIn(o.spool_dir, ".json").empty(); }, milliseconds(60'000));
  (*u)->Stop(milliseconds(1000));
  return drained ? 0 : 3;
}
