// A large, realistic CPU profile for the pprof benchmarks: a call graph in
// layers (entry points call handlers call library code ...), each location
// calling a few locations of the next layer, with some inlined frames and some
// recursion, and samples drawn as random walks down the graph, so stacks share
// prefixes the way a service's do while nearly every sample is distinct.
#ifndef AUTOPROF_BENCH_PPROF_BIG_PROFILE_H_
#define AUTOPROF_BENCH_PPROF_BIG_PROFILE_H_

#include <cstdint>
#include <random>
#include <string>

#include "autoprof/profile.h"

namespace autoprof::bench {

inline Profile BigCpuProfile(size_t samples, size_t locations, uint32_t seed = 1) {
  constexpr size_t kLayers = 32;
  constexpr size_t kCallees = 4;
  std::mt19937_64 rng(seed);
  Profile p;
  p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  p.period_type = {"cpu", "nanoseconds"};
  p.period = 10'000'000;
  p.time_nanos = 1'700'000'000'000'000'000;
  p.duration_nanos = 60'000'000'000;
  p.mappings = {{.id = 1,
                 .memory_start = 0x400000,
                 .memory_limit = 0x400000 + (1u << 30),
                 .filename = "/srv/bin/service",
                 .build_id = "0123456789abcdef0123456789abcdef01234567",
                 .has_functions = true,
                 .has_filenames = true,
                 .has_line_numbers = true,
                 .has_inline_frames = true},
                {.id = 2,
                 .memory_start = 0x7f0000000000,
                 .memory_limit = 0x7f0000000000 + (1u << 24),
                 .filename = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
                 .has_functions = true,
                 .has_filenames = true,
                 .has_line_numbers = true,
                 .has_inline_frames = true}};
  // About five locations per function, as in a real binary.
  const size_t functions = locations / 5 + 1;
  for (uint64_t f = 1; f <= functions; ++f) {
    std::string ns = "svc::module" + std::to_string(f % 97);
    p.functions.push_back({f, ns + "::Handler" + std::to_string(f) + "<std::string>::Run(int)",
                           "_ZN3svc8module" + std::to_string(f) + "7Handler3RunEi",
                           "src/module" + std::to_string(f % 97) + "/handler.cc",
                           int64_t(f % 5000)});
  }
  for (uint64_t l = 1; l <= locations; ++l) {
    Location loc{.id = l, .mapping_id = l % 10 == 0 ? 2u : 1u};
    loc.address = (loc.mapping_id == 1 ? 0x400000 : 0x7f0000000000) + l * 24;
    uint64_t f = 1 + rng() % functions;
    loc.lines.push_back({f, int64_t(l % 3000), 0});
    if (l % 8 == 0)
      loc.lines.insert(loc.lines.begin(), {1 + rng() % functions, int64_t(l % 700), 0});
    p.locations.push_back(std::move(loc));
  }
  const size_t per_layer = locations / kLayers;
  auto in_layer = [&](size_t layer) { return 1 + layer * per_layer + rng() % per_layer; };
  p.samples.reserve(samples);
  for (size_t i = 0; i < samples; ++i) {
    Sample s;
    size_t depth = 8 + rng() % (kLayers - 8);
    s.location_ids.resize(depth);
    // Callers are a function of their caller's position and a few choices, so
    // paths repeat their prefixes.
    uint64_t at = 1 + rng() % 64;
    for (size_t d = 0; d < depth; ++d) {
      s.location_ids[depth - 1 - d] = at;
      size_t next_layer = (d + 1) % kLayers;
      at = 1 + next_layer * per_layer + (at * 2654435761u + rng() % kCallees) % per_layer;
      if (rng() % 50 == 0) at = s.location_ids[depth - 1 - d];  // recursion
      if (rng() % 200 == 0) at = in_layer(next_layer);
    }
    int64_t count = 1 + static_cast<int64_t>(rng() % 3);
    s.values = {count, count * p.period};
    p.samples.push_back(std::move(s));
  }
  return p;
}

}  // namespace autoprof::bench

#endif  // AUTOPROF_BENCH_PPROF_BIG_PROFILE_H_
