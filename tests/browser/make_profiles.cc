// Writes the profiles the browser test draws, with known shapes:
//   cpu.pb.gz     main -> hot_loop 40%, idle 10%, serve 50% (serve -> encode 20%, parse 30%)
//   base.pb.gz    main -> parse_json 400, compress 100, steady 500, legacy_path 50
//   target.pb.gz  main -> parse_json 100 (faster), compress 400 (slower), steady 500,
//                 new_cache 50 (new)
//   large.pb.gz   about 100,000 distinct stacks
// Usage: flame_browser_profiles OUTDIR
#include <cstdio>
#include <random>
#include <string>

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
    std::fprintf(stderr, "usage: flame_browser_profiles OUTDIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  ProfileBuilder cpu;
  cpu.AddCpu({"main", "hot_loop"}, 400)
      .AddCpu({"main", "idle"}, 100)
      .AddCpu({"main", "serve", "encode"}, 200)
      .AddCpu({"main", "serve", "parse"}, 300);

  ProfileBuilder base, target;
  base.AddCpu({"main", "parse_json"}, 400)
      .AddCpu({"main", "compress"}, 100)
      .AddCpu({"main", "steady"}, 500)
      .AddCpu({"main", "legacy_path"}, 50);
  target.AddCpu({"main", "parse_json"}, 100)
      .AddCpu({"main", "compress"}, 400)
      .AddCpu({"main", "steady"}, 500)
      .AddCpu({"main", "new_cache"}, 50);

  // 100,000 stacks over a wide, deep call tree; a Zipf-like weight per stack.
  ProfileBuilder large;
  std::mt19937 rng(42);
  for (int i = 0; i < 100'000; ++i) {
    std::vector<std::string> stack = {"main"};
    int depth = 3 + static_cast<int>(rng() % 20);
    uint32_t path = rng();
    for (int d = 0; d < depth; ++d) {
      stack.push_back("ns::module" + std::to_string(d) + "::Function" +
                      std::to_string((path >> (d % 24)) % (d < 3 ? 4 : 60)));
    }
    large.AddCpu(stack, 1 + static_cast<int64_t>(2000 / (1 + rng() % 2000)));
  }
  bool ok = Write(dir + "/cpu.pb.gz", cpu.Build()) && Write(dir + "/base.pb.gz", base.Build()) &&
            Write(dir + "/target.pb.gz", target.Build()) &&
            Write(dir + "/large.pb.gz", large.Build());
  return ok ? 0 : 1;
}
