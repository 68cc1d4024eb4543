// Writes the profiles the web app's browser test uploads, with known shapes:
//   incident.pb.gz   main -> hot_loop 40%, idle 10%, serve 50% (encode 20%, parse 30%)
//   before-N.pb.gz   (N = 1, 2; version 1.4) main -> parse_json 400, compress 100,
//                    steady 500, legacy_path 50 (N varies the counts a little)
//   after-N.pb.gz    (version 1.5) main -> parse_json 100 (faster), compress 400
//                    (slower), steady 500, new_cache 50 (new)
//   heap.pb.gz       one sample type (inuse_space bytes): main -> cache_fill, decode
//   pyroscope.pb.gz  like heap.pb.gz with other values (sent through /ingest)
//   large.pb.gz      a 102,051-node call tree of 100,000 stacks (the benchmark's page)
// Usage: webapp_browser_profiles OUTDIR
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "autoprof/pprof.h"
#include "test_profiles.h"

namespace {

using autoprof::testing::ProfileBuilder;

bool Write(const std::string& path, const autoprof::Profile& p) {
  autoprof::Status s = autoprof::WriteProfileFile(path, p);
  if (!s.ok()) std::fprintf(stderr, "%s\n", s.message().c_str());
  return s.ok();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: webapp_browser_profiles OUTDIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  bool ok = true;

  ProfileBuilder incident;
  incident.AddCpu({"main", "hot_loop"}, 400)
      .AddCpu({"main", "idle"}, 100)
      .AddCpu({"main", "serve", "encode"}, 200)
      .AddCpu({"main", "serve", "parse"}, 300);
  ok = ok && Write(dir + "/incident.pb.gz", incident.Build());

  for (int n = 1; n <= 2; ++n) {
    ProfileBuilder before, after;
    before.AddCpu({"main", "parse_json"}, 400 + 10 * n)
        .AddCpu({"main", "compress"}, 100 + n)
        .AddCpu({"main", "steady"}, 500)
        .AddCpu({"main", "legacy_path"}, 50);
    after.AddCpu({"main", "parse_json"}, 100 + n)
        .AddCpu({"main", "compress"}, 400 + 10 * n)
        .AddCpu({"main", "steady"}, 500)
        .AddCpu({"main", "new_cache"}, 50);
    ok = ok && Write(dir + "/before-" + std::to_string(n) + ".pb.gz", before.Build()) &&
         Write(dir + "/after-" + std::to_string(n) + ".pb.gz", after.Build());
  }

  ProfileBuilder heap(std::vector<autoprof::ValueType>{{"inuse_space", "bytes"}});
  heap.Add({"main", "cache_fill"}, {48 << 20}).Add({"main", "decode"}, {16 << 20});
  ok = ok && Write(dir + "/heap.pb.gz", heap.Build());
  ProfileBuilder pyroscope(std::vector<autoprof::ValueType>{{"inuse_space", "bytes"}});
  pyroscope.Add({"main", "cache_fill"}, {40 << 20}).Add({"main", "decode"}, {8 << 20});
  ok = ok && Write(dir + "/pyroscope.pb.gz", pyroscope.Build());

  // A call tree of 102,051 nodes: main -> 50 modules -> 40 classes each -> 50
  // methods each, one stack per leaf (100,000 stacks), a Zipf-like weight each.
  ProfileBuilder large;
  std::mt19937 rng(42);
  for (int m = 0; m < 50; ++m) {
    std::string module = "ns::module" + std::to_string(m) + "::Run";
    for (int c = 0; c < 40; ++c) {
      std::string cls = "ns::module" + std::to_string(m) + "::Class" + std::to_string(c) + "::Handle";
      for (int f = 0; f < 50; ++f) {
        std::string method = "ns::module" + std::to_string(m) + "::Class" + std::to_string(c) +
                             "::Method" + std::to_string(f);
        large.AddCpu({"main", module, cls, method}, 1 + static_cast<int64_t>(2000 / (1 + rng() % 2000)));
      }
    }
  }
  ok = ok && Write(dir + "/large.pb.gz", large.Build());
  return ok ? 0 : 1;
}
