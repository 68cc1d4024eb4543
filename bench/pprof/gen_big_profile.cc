// Writes BigCpuProfile to a file with our encoder: the input of run.sh's
// whole-process comparison against `go tool pprof`.
//   pprof_gen_big_profile OUT.pb.gz [SAMPLES [LOCATIONS]]
#include <cstdio>
#include <cstdlib>

#include "autoprof/pprof.h"
#include "big_profile.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: pprof_gen_big_profile OUT.pb.gz [SAMPLES [LOCATIONS]]\n");
    return 2;
  }
  size_t samples = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  size_t locations = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 100'000;
  if (samples == 0 || locations < 64) {
    std::fprintf(stderr, "pprof_gen_big_profile: need SAMPLES > 0 and LOCATIONS >= 64\n");
    return 2;
  }
  autoprof::Profile p = autoprof::bench::BigCpuProfile(samples, locations);
  autoprof::Status s = autoprof::WriteProfileFile(argv[1], p);
  if (!s.ok()) {
    std::fprintf(stderr, "pprof_gen_big_profile: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}
