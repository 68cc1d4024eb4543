// Small hand-built profiles for the pprof tests: a CPU profile with a known call
// graph (recursion, an inlined frame, two mappings), built in code so every
// expected number in a test follows from what is written here.
#ifndef AUTOPROF_TESTS_PPROF_TEST_PROFILES_H_
#define AUTOPROF_TESTS_PPROF_TEST_PROFILES_H_

#include "autoprof/profile.h"

namespace autoprof::testing {

// Functions: 1 main, 2 Server::Handle, 3 Parse, 4 Hash (inlined into Parse),
// 5 Walk (recursive). Locations 1..5, one per function except location 3, which
// holds Hash inlined into Parse. Samples (samples, cpu ns), leaf first:
//   [3 2 1]      x 5  (Hash<-Parse <- Handle <- main)
//   [2 1]        x 2
//   [5 5 5 2 1]  x 3  (Walk recursing)
//   [1]          x 1
inline Profile SmallCpuProfile() {
  Profile p;
  p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  p.period_type = {"cpu", "nanoseconds"};
  p.period = 10'000'000;
  p.time_nanos = 1'700'000'000'000'000'000;
  p.duration_nanos = 2'000'000'000;
  p.comments = {"built by a test"};
  p.mappings = {{.id = 1,
                 .memory_start = 0x400000,
                 .memory_limit = 0x500000,
                 .file_offset = 0,
                 .filename = "/nonexistent/app",
                 .build_id = "abcdef0123456789",
                 .has_functions = true,
                 .has_filenames = true,
                 .has_line_numbers = true,
                 .has_inline_frames = true},
                {.id = 2,
                 .memory_start = 0x7f0000000000,
                 .memory_limit = 0x7f0000100000,
                 .file_offset = 0x1000,
                 .filename = "/nonexistent/libc.so.6",
                 .has_functions = true,
                 .has_filenames = true,
                 .has_line_numbers = true,
                 .has_inline_frames = true}};
  p.functions = {{1, "main", "main", "app.cc", 10},
                 {2, "Server::Handle(int)", "_ZN6Server6HandleEi", "server.cc", 20},
                 {3, "Parse", "_Z5Parsev", "parse.cc", 30},
                 {4, "Hash", "_Z4Hashv", "hash.h", 40},
                 {5, "Walk", "_Z4Walkv", "/usr/lib/walk.c", 50}};
  p.locations = {{.id = 1, .mapping_id = 1, .address = 0x401000, .lines = {{1, 12, 0}}},
                 {.id = 2, .mapping_id = 1, .address = 0x402000, .lines = {{2, 25, 0}}},
                 {.id = 3, .mapping_id = 1, .address = 0x403000, .lines = {{4, 41, 0}, {3, 33, 0}}},
                 {.id = 4, .mapping_id = 1, .address = 0x404000, .lines = {}},
                 {.id = 5, .mapping_id = 2, .address = 0x7f0000001234, .lines = {{5, 55, 0}}}};
  auto add = [&](std::vector<uint64_t> stack, int64_t count) {
    p.samples.push_back({stack, {count, count * p.period}, {}});
  };
  add({3, 2, 1}, 5);
  add({2, 1}, 2);
  add({5, 5, 5, 2, 1}, 3);
  add({1}, 1);
  p.samples[0].labels = {{.key = "thread", .str = "worker-1"},
                         {.key = "bytes", .num = 64, .num_unit = "bytes"}};
  return p;
}

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_PPROF_TEST_PROFILES_H_
