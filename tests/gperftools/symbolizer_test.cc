// The libdw symbolizer on this very process (live mode) and on files on disk:
// names, files and lines, inline chains, stripped files, separate debug files,
// deleted and replaced files, the vdso, the cache, and no debuginfod.
#include "autoprof/symbolizer.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "autoprof/gperftools.h"
#include "go_pprof.h"
#include "gperftools_test_util.h"
#include "raw_profile_builder.h"

namespace symtest {

__attribute__((noinline)) int KnownFunction(int x) {
  int y = x;
  for (int i = 0; i < x; ++i) y = y * 3 + i;
  asm volatile("" : "+r"(y));
  return y;
}

#if defined(__x86_64__)
constexpr int kInlinedLine = __LINE__ + 4;
static inline __attribute__((always_inline)) uintptr_t InlinedHere() {
  uintptr_t pc;
  // The address of this very instruction.
  asm volatile("1: lea 1b(%%rip), %0" : "=r"(pc));
  return pc;
}
__attribute__((noinline)) uintptr_t OuterOfInlined() { return InlinedHere() + 0; }
#endif

}  // namespace symtest

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using testing::CommandOutput;
using testing::RunCommand;

struct Parsed {
  Profile profile;
  MappingInodes inodes;
};

// A CPU profile with one sample per address (as the leaf, so not adjusted).
Parsed ProfileAt(const std::vector<uint64_t>& addresses, const std::string& maps) {
  testing::RawCpuProfile raw(10'000);
  for (uint64_t a : addresses) raw.Add(1, {a});
  raw.Maps(maps);
  Parsed out;
  Result<Profile> p = ParseCpuProfile(raw.Bytes(), {}, &out.inodes);
  EXPECT_TRUE(p.ok()) << p.status().message();
  if (p.ok()) out.profile = std::move(*p);
  return out;
}

// ProfileAt, symbolized by a new Symbolizer with `options`.
Parsed Symbolized(const std::vector<uint64_t>& addresses, const std::string& maps,
                  SymbolizerOptions options) {
  Parsed parsed = ProfileAt(addresses, maps);
  Symbolizer symbolizer(std::move(options));
  symbolizer.Symbolize(&parsed.profile, parsed.inodes);
  return parsed;
}

std::string SelfMaps() { return testing::ReadWholeFile("/proc/self/maps"); }

struct Frame {
  std::string name, system_name, file;
  int64_t line;
};

std::vector<Frame> FramesAt(const Profile& p, uint64_t address) {
  std::vector<Frame> frames;
  for (const Location& l : p.locations) {
    if (l.address != address) continue;
    for (const Line& line : l.lines) {
      for (const Function& f : p.functions) {
        if (f.id == line.function_id)
          frames.push_back({f.name, f.system_name, f.filename, line.line});
      }
    }
  }
  return frames;
}

const Mapping* MappingOf(const Profile& p, uint64_t address) {
  for (const Mapping& m : p.mappings) {
    if (address >= m.memory_start && address < m.memory_limit) return &m;
  }
  return nullptr;
}

bool HasComment(const Profile& p, const std::string& fragment) {
  for (const std::string& c : p.comments) {
    if (c.find(fragment) != std::string::npos) return true;
  }
  return false;
}

// (start, size) of each defined function symbol `nm` lists for `file`.
std::map<std::string, std::pair<uint64_t, uint64_t>> NmFunctions(const std::string& file,
                                                                 bool dynamic) {
  std::vector<std::string> argv = {"nm", "-S", "--defined-only", file};
  if (dynamic) argv.insert(argv.begin() + 1, "-D");
  CommandOutput out = RunCommand(argv);
  std::map<std::string, std::pair<uint64_t, uint64_t>> symbols;
  std::istringstream in(out.out);
  std::string address, size, type, name;
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    if (f >> address >> size >> type >> name && (type == "T" || type == "t")) {
      symbols[name] = {std::stoull(address, nullptr, 16), std::stoull(size, nullptr, 16)};
    }
  }
  return symbols;
}

// A maps line placing `file` (file offset 0) at `base`.
std::string MapsLine(uint64_t base, const std::string& file, uint64_t inode = 0) {
  char line[512];
  std::snprintf(line, sizeof line, "%lx-%lx r-xp 00000000 00:00 %lu %s\n", base, base + (64 << 20),
                inode, file.c_str());
  return line;
}

constexpr uint64_t kBase = 0x7e0000000000;

TEST(Symbolizer, LiveProcessGivesDemangledNameMangledNameFileAndLine) {
  const auto address = reinterpret_cast<uint64_t>(&symtest::KnownFunction) + 4;
  Parsed parsed = Symbolized({address}, SelfMaps(), SymbolizerOptions::LiveProcess());
  std::vector<Frame> frames = FramesAt(parsed.profile, address);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].name, "symtest::KnownFunction(int)");
  EXPECT_EQ(frames[0].system_name, "_ZN7symtest13KnownFunctionEi");
  EXPECT_TRUE(frames[0].file.ends_with("tests/gperftools/symbolizer_test.cc")) << frames[0].file;
  EXPECT_GE(frames[0].line, 24);  // within KnownFunction's lines
  EXPECT_LE(frames[0].line, 29);
  const Mapping* m = MappingOf(parsed.profile, address);
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->has_functions && m->has_filenames && m->has_line_numbers && m->has_inline_frames);
  EXPECT_FALSE(m->build_id.empty());
}

#if defined(__x86_64__)
TEST(Symbolizer, InlinedFramesComeInnermostFirstWithTheCallSiteLine) {
  const uint64_t address = symtest::OuterOfInlined();
  Parsed parsed = Symbolized({address}, SelfMaps(), SymbolizerOptions::LiveProcess());
  std::vector<Frame> frames = FramesAt(parsed.profile, address);
  ASSERT_EQ(frames.size(), 2u);
  // gcc records no linkage name for a static inline function (the name is then
  // scope-qualified from DWARF); clang does ("symtest::InlinedHere()").
  EXPECT_TRUE(frames[0].name.starts_with("symtest::InlinedHere")) << frames[0].name;
  EXPECT_EQ(frames[0].line, symtest::kInlinedLine);
  EXPECT_EQ(frames[1].name, "symtest::OuterOfInlined()");
  EXPECT_EQ(frames[1].line, symtest::kInlinedLine + 3);  // where InlinedHere() is called
}
#endif

TEST(Symbolizer, StrippedLibraryGetsDynsymNamesOnlyAndSaysSo) {
  // Debian's libstdc++ ships without .symtab or debug info.
  const auto address = reinterpret_cast<uint64_t>(&std::__throw_bad_alloc) + 1;
  Parsed parsed = Symbolized({address}, SelfMaps(), SymbolizerOptions::LiveProcess());
  std::vector<Frame> frames = FramesAt(parsed.profile, address);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].name, "std::__throw_bad_alloc()");
  EXPECT_EQ(frames[0].system_name, "_ZSt17__throw_bad_allocv");
  const Mapping* m = MappingOf(parsed.profile, address);
  ASSERT_NE(m, nullptr);
  EXPECT_NE(m->filename.find("libstdc++"), std::string::npos);
  EXPECT_TRUE(m->has_functions);
  EXPECT_FALSE(m->has_filenames || m->has_line_numbers || m->has_inline_frames);
  EXPECT_TRUE(HasComment(parsed.profile, "stripped: names from .dynsym only")) << m->filename;
}

TEST(Symbolizer, NeverGivesANameBeyondTheSymbolsSize) {
  testing::ScratchDir dir;
  std::string stripped = dir.File("libstripped.so");
  ASSERT_EQ(RunCommand({"strip", "--strip-all", "-o", stripped, HOT_SHARED_LIBRARY}).exit_code, 0);
  auto symbols = NmFunctions(stripped, true);
  ASSERT_TRUE(symbols.count("_ZN9sharedlib19HashInSharedLibraryEm"));
  auto [start, size] = symbols["_ZN9sharedlib19HashInSharedLibraryEm"];
  std::vector<uint64_t> addresses;
  for (uint64_t a = start - 32; a < start + size + 256; ++a) addresses.push_back(kBase + a);
  Parsed parsed =
      Symbolized(addresses, MapsLine(kBase, stripped), SymbolizerOptions::FilesOnDisk());
  int named = 0;
  for (uint64_t a : addresses) {
    for (const Frame& f : FramesAt(parsed.profile, a)) {
      ASSERT_TRUE(symbols.count(f.system_name)) << f.system_name;
      auto [s, n] = symbols[f.system_name];
      EXPECT_TRUE(a - kBase >= s && a - kBase < s + std::max<uint64_t>(n, 1))
          << f.name << " given to 0x" << std::hex << a - kBase << " outside its symbol";
      ++named;
    }
  }
  EXPECT_GE(named, static_cast<int>(size));
}

TEST(Symbolizer, FindsASeparateDebugFileByBuildId) {
  testing::ScratchDir dir;
  auto symbols = NmFunctions(CPU_WORKLOAD, false);
  ASSERT_TRUE(symbols.count("_ZN7hotwork15SpinInNamespaceEm"));
  const uint64_t address = kBase + symbols["_ZN7hotwork15SpinInNamespaceEm"].first + 4;
  std::string stripped = dir.File("cpu_workload"), debug = dir.File("cpu_workload.debug");
  ASSERT_EQ(RunCommand({"objcopy", "--only-keep-debug", CPU_WORKLOAD, debug}).exit_code, 0);
  ASSERT_EQ(RunCommand({"strip", "--strip-all", "-o", stripped, CPU_WORKLOAD}).exit_code, 0);
  Parsed without =
      Symbolized({address}, MapsLine(kBase, stripped), SymbolizerOptions::FilesOnDisk());
  EXPECT_TRUE(FramesAt(without.profile, address).empty()) << "a stripped PIE has no such name";
  const std::string build_id = MappingOf(without.profile, address)->build_id;
  ASSERT_EQ(build_id.size(), 40u);

  fs::create_directories(dir.File("debug/.build-id/" + build_id.substr(0, 2)));
  fs::rename(debug, dir.File("debug/.build-id/" + build_id.substr(0, 2) + "/" + build_id.substr(2) +
                             ".debug"));
  SymbolizerOptions options = SymbolizerOptions::FilesOnDisk();
  options.debug_dirs = {dir.File("debug")};
  Parsed with = Symbolized({address}, MapsLine(kBase, stripped), options);
  std::vector<Frame> frames = FramesAt(with.profile, address);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].name, "hotwork::SpinInNamespace(unsigned long)");
  EXPECT_TRUE(frames[0].file.ends_with("workloads/cpu_workload.cc")) << frames[0].file;
  EXPECT_GT(frames[0].line, 0);
  EXPECT_TRUE(MappingOf(with.profile, address)->has_line_numbers);
}

TEST(Symbolizer, LiveModeReadsADeletedLibraryThroughMapFiles) {
  testing::ScratchDir dir;
  std::string copy = dir.File("libdeleted.so");
  fs::copy_file(HOT_SHARED_LIBRARY, copy);
  void* handle = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  const auto address =
      reinterpret_cast<uint64_t>(dlsym(handle, "_ZN9sharedlib19HashInSharedLibraryEm")) + 4;
  fs::remove(copy);
  const std::string maps = SelfMaps();
  EXPECT_NE(maps.find(copy + " (deleted)"), std::string::npos);

  Parsed live = Symbolized({address}, maps, SymbolizerOptions::LiveProcess());
  std::vector<Frame> frames = FramesAt(live.profile, address);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].name, "sharedlib::HashInSharedLibrary(unsigned long)");

  Parsed disk = Symbolized({address}, maps, SymbolizerOptions::FilesOnDisk());
  EXPECT_TRUE(FramesAt(disk.profile, address).empty());
  EXPECT_FALSE(MappingOf(disk.profile, address)->has_functions);
  EXPECT_TRUE(HasComment(disk.profile, copy + " (deleted): not symbolized: cannot open"));
  dlclose(handle);
}

TEST(Symbolizer, OnDiskAFileReplacedSinceTheProfileIsNotUsed) {
  testing::ScratchDir dir;
  std::string lib = dir.File("libreplaced.so");
  fs::copy_file(HOT_SHARED_LIBRARY, lib);
  struct stat st;
  ASSERT_EQ(stat(lib.c_str(), &st), 0);
  auto symbols = NmFunctions(lib, true);
  const uint64_t address = kBase + symbols["_ZN9sharedlib19HashInSharedLibraryEm"].first + 4;
  const std::string maps = MapsLine(kBase, lib, st.st_ino);

  Parsed before = Symbolized({address}, maps, SymbolizerOptions::FilesOnDisk());
  EXPECT_EQ(FramesAt(before.profile, address).size(), 1u) << "the original file is used";

  fs::copy_file(CPU_WORKLOAD, dir.File("new.so"));
  fs::rename(dir.File("new.so"), lib);  // a new inode under the same name
  Parsed after = Symbolized({address}, maps, SymbolizerOptions::FilesOnDisk());
  EXPECT_TRUE(FramesAt(after.profile, address).empty());
  EXPECT_TRUE(HasComment(after.profile, "replaced since the profile was taken"));
}

TEST(Symbolizer, LiveModeSymbolizesTheVdso) {
  const std::string maps = SelfMaps();
  std::istringstream in(maps);
  uint64_t start = 0, end = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.ends_with("[vdso]")) std::sscanf(line.c_str(), "%lx-%lx", &start, &end);
  }
  if (start == 0) GTEST_SKIP() << "this process has no vdso";
  std::vector<uint64_t> addresses;
  for (uint64_t a = start; a < end; a += 8) addresses.push_back(a);
  Parsed parsed = Symbolized(addresses, maps, SymbolizerOptions::LiveProcess());
  std::set<std::string> names;
  for (const Function& f : parsed.profile.functions) names.insert(f.name);
  EXPECT_TRUE(names.count("__vdso_clock_gettime") || names.count("clock_gettime"))
      << names.size() << " names";
  EXPECT_TRUE(MappingOf(parsed.profile, start)->has_functions);
}

TEST(Symbolizer, SecondPassIsServedFromTheCacheWithoutReopeningFiles) {
  std::vector<uint64_t> addresses = {reinterpret_cast<uint64_t>(&symtest::KnownFunction) + 4,
                                     reinterpret_cast<uint64_t>(&std::__throw_bad_alloc) + 1};
  Parsed parsed = ProfileAt(addresses, SelfMaps());
  Symbolizer symbolizer(SymbolizerOptions::LiveProcess());
  Profile first = parsed.profile, second = parsed.profile;
  symbolizer.Symbolize(&first, parsed.inodes);
  SymbolizerStats after_first = symbolizer.stats();
  symbolizer.Symbolize(&second, parsed.inodes);
  SymbolizerStats after_second = symbolizer.stats();
  EXPECT_EQ(after_second.files_opened, after_first.files_opened);
  EXPECT_EQ(after_second.addresses_resolved, after_first.addresses_resolved);
  EXPECT_EQ(after_second.cache_hits - after_first.cache_hits, addresses.size());
  EXPECT_EQ(FramesAt(second, addresses[0])[0].name, FramesAt(first, addresses[0])[0].name);
}

// `autoprof convert` runs with DEBUGINFOD_URLS pointing at a listener of this
// test: symbolizing a stripped file whose debug file is nowhere must not make
// libdw ask a debuginfod server (its client reads the variable at load time).
TEST(Symbolizer, NeverAsksDebuginfodEvenWhenDebuginfodUrlsIsSet) {
  testing::ScratchDir dir;
  std::string stripped = dir.File("cpu_workload");
  ASSERT_EQ(RunCommand({"strip", "--strip-all", "-o", stripped, CPU_WORKLOAD}).exit_code, 0);
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 8), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  testing::RawCpuProfile raw(10'000);
  raw.Add(1, {kBase + 0x1100}).Maps(MapsLine(kBase, stripped));
  std::ofstream(dir.File("cpu.prof"), std::ios::binary) << raw.Bytes();
  CommandOutput child =
      RunCommand({AUTOPROF_CLI, "convert", dir.File("cpu.prof"), "-o", dir.File("cpu.pb.gz")},
                 {{"DEBUGINFOD_URLS", url},
                  {"DEBUGINFOD_CACHE_PATH", dir.File("cache")},
                  {"DEBUGINFOD_TIMEOUT", "2"}},
                 120);
  EXPECT_EQ(child.exit_code, 0) << child.err;
  EXPECT_TRUE(fs::exists(dir.File("cpu.pb.gz")));
  int connection = accept(listener, nullptr, nullptr);
  EXPECT_LT(connection, 0) << "the symbolizer connected to " << url;
  if (connection >= 0) close(connection);
  close(listener);
}

}  // namespace
}  // namespace autoprof
