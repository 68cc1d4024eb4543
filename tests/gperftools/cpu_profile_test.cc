// A real gperftools CPU profile of a workload with known hot functions (in a
// namespace, a template, an always-inlined helper, a shared library of its own,
// a PIE main), converted by autoprof and checked against outside judges:
// `go tool pprof` reading the raw file with the binary, llvm-symbolizer on the
// same addresses, and `go tool pprof` reading our file without the binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "autoprof/gperftools.h"
#include "autoprof/pprof.h"
#include "autoprof/symbolizer.h"
#include "go_pprof.h"
#include "gperftools_test_util.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using testing::CommandOutput;
using testing::RunCommand;

constexpr char kWorkloads[] = "/tests/gperftools/workloads/";

class CpuProfileTest : public ::testing::Test {
 protected:
  // One profiled run per test process: the workload and its library are copied
  // into a scratch folder first, so a test can delete them afterwards.
  static void SetUpTestSuite() {
    dir_ = new testing::ScratchDir();
    binary_ = dir_->File("cpu_workload");
    library_ = dir_->File(fs::path(HOT_SHARED_LIBRARY).filename().string());
    fs::copy_file(CPU_WORKLOAD, binary_);
    fs::copy_file(HOT_SHARED_LIBRARY, library_);
    raw_ = dir_->File("cpu.prof");
    run_ = RunCommand({binary_, raw_, "1.5"}, {{"LD_LIBRARY_PATH", dir_->path()}}, 120);
    Symbolizer symbolizer(SymbolizerOptions::FilesOnDisk());
    Result<Profile> p = ConvertGperftoolsOutput(testing::ReadWholeFile(raw_), {}, symbolizer);
    if (p.ok()) {
      profile_ = new Profile(std::move(*p));
      ours_ = dir_->File("cpu.pb.gz");
      write_status_ = WriteProfileFile(ours_, *profile_);
    } else {
      write_status_ = p.status();
    }
    cli_output_ = dir_->File("cli.pb.gz");
    cli_run_ = RunCommand({AUTOPROF_CLI, "convert", raw_, "-o", cli_output_});
  }
  static void TearDownTestSuite() {
    delete profile_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_EQ(run_.exit_code, 0) << run_.err;
    ASSERT_TRUE(write_status_.ok()) << write_status_.message();
  }

  static CommandOutput GoPprofWithBinary(std::vector<std::string> flags) {
    std::vector<std::string> argv = {"go", "tool", "pprof"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(binary_);
    argv.push_back(raw_);
    return RunCommand(argv, {{"HOME", dir_->path()}, {"GOTOOLCHAIN", "local"}}, 300);
  }

  static inline testing::ScratchDir* dir_ = nullptr;
  static inline std::string binary_, library_, raw_, ours_;
  static inline CommandOutput run_, cli_run_;
  static inline std::string cli_output_;
  static inline Profile* profile_ = nullptr;
  static inline Status write_status_;
};

// Leaf addresses and counts, as `go tool pprof -raw` reads them from the raw file.
struct RawLeaves {
  std::map<uint64_t, int64_t> count_by_leaf;
  struct Range {
    uint64_t start, limit, offset;
    std::string file;
  };
  std::vector<Range> mappings;
};

RawLeaves ParseGoRaw(const std::string& out) {
  RawLeaves r;
  std::map<std::string, uint64_t> address_of;
  std::vector<std::pair<int64_t, std::string>> samples;
  std::istringstream in(out);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line == "Samples:" || line == "Locations" || line == "Mappings") {
      section = line;
      continue;
    }
    std::istringstream f(line);
    if (section == "Samples:" && line.find(':') != std::string::npos) {
      int64_t count = 0;
      std::string value, leaf;
      if (f >> count >> value >> leaf) samples.push_back({count, leaf});
    } else if (section == "Locations") {
      std::string id, address;
      if (f >> id >> address && id.back() == ':' && address.starts_with("0x")) {
        address_of[id.substr(0, id.size() - 1)] = std::stoull(address, nullptr, 16);
      }
    } else if (section == "Mappings") {
      std::string id, range, file;
      if (!(f >> id >> range >> file)) continue;
      RawLeaves::Range m{};
      std::sscanf(range.c_str(), "%lx/%lx/%lx", &m.start, &m.limit, &m.offset);
      m.file = file;
      r.mappings.push_back(m);
    }
  }
  for (const auto& [count, leaf] : samples) r.count_by_leaf[address_of[leaf]] += count;
  return r;
}

// Innermost function of each address of `file`, by llvm-symbolizer.
std::vector<std::string> LlvmInnermostFunctions(const std::string& file,
                                                const std::vector<uint64_t>& addresses) {
  std::vector<std::string> argv = {"llvm-symbolizer", "--obj=" + file, "--functions=linkage",
                                   "--demangle"};
  for (uint64_t a : addresses) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%lx", a);
    argv.push_back(hex);
  }
  CommandOutput out = RunCommand(argv, {}, 120);
  std::vector<std::string> names;
  std::istringstream in(out.out);
  std::string line;
  bool block_start = true;
  while (std::getline(in, line)) {
    if (line.empty()) {
      block_start = true;
      continue;
    }
    if (block_start) names.push_back(line);
    block_start = false;
  }
  return names;
}

TEST_F(CpuProfileTest, TopFiveByFunctionMatchesLlvmSymbolizerOnTheRawFile) {
  if (!testing::GoPprofAvailable()) GTEST_SKIP() << "go tool pprof is not installed";
  if (RunCommand({"llvm-symbolizer", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "llvm-symbolizer is not installed";
  }
  CommandOutput raw = GoPprofWithBinary({"-raw", "-symbolize=none"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  RawLeaves leaves = ParseGoRaw(raw.out);
  ASSERT_FALSE(leaves.count_by_leaf.empty()) << raw.out;
  std::map<std::string, std::vector<std::pair<uint64_t, int64_t>>> by_file;
  for (const auto& [address, count] : leaves.count_by_leaf) {
    for (const auto& m : leaves.mappings) {
      if (address >= m.start && address < m.limit) {
        by_file[m.file].push_back({address - m.start + m.offset, count});
      }
    }
  }
  std::map<std::string, int64_t> expected;
  for (const auto& [file, entries] : by_file) {
    std::vector<uint64_t> addresses;
    for (const auto& e : entries) addresses.push_back(e.first);
    std::vector<std::string> names = LlvmInnermostFunctions(file, addresses);
    ASSERT_EQ(names.size(), entries.size()) << file;
    for (size_t i = 0; i < names.size(); ++i) expected[names[i]] += entries[i].second;
  }
  // The top 5, less any trailing rows tied with the row after them: the order
  // among equal counts is arbitrary.
  auto judge = testing::Top(expected, 6);
  auto ours = testing::Top(testing::FlatByFunction(*profile_, 0), 6);
  size_t n = std::min<size_t>(5, judge.size());
  while (n > 0 && n < judge.size() && judge[n - 1].second == judge[n].second) --n;
  judge.resize(n);
  ours.resize(std::min(n, ours.size()));
  EXPECT_GE(n, 4u) << "the workload's hot functions should stand apart";
  EXPECT_EQ(ours, judge);
  std::set<std::string> names;  // without parameters: gcc records none for MixInlined
  for (const auto& [name, flat] : ours) names.insert(name.substr(0, name.find('(')));
  for (const char* hot : {"hotwork::SpinInNamespace", "double hotwork::Accumulate<double>",
                          "MixInlined", "sharedlib::HashInSharedLibrary"}) {
    EXPECT_TRUE(names.count(hot)) << hot << " is not in our top 5";
  }
}

// Sums the flat sample counts of `go tool pprof -top -lines` rows by file:line,
// for the workload's own source files.
std::map<std::string, int64_t> FlatByWorkloadLine(const std::string& out) {
  std::map<std::string, int64_t> flat;
  for (const testing::TopRow& row : testing::ParseTopRows(out)) {
    std::string name = row.name;
    if (name.ends_with(" (inline)")) name.resize(name.size() - 9);
    std::string where = name.substr(name.rfind(' ') + 1);
    if (where.find(kWorkloads) == std::string::npos || row.flat == "0") continue;
    flat[where] += std::stoll(row.flat);
  }
  return flat;
}

TEST_F(CpuProfileTest, FlatBySourceLineMatchesGoPprofReadingTheRawFileWithTheBinary) {
  if (!testing::GoPprofAvailable()) GTEST_SKIP() << "go tool pprof is not installed";
  const std::vector<std::string> flags = {"-top", "-lines", "-sample_index=samples",
                                          "-nodecount=100000"};
  CommandOutput judge = GoPprofWithBinary(flags);
  ASSERT_EQ(judge.exit_code, 0) << judge.err;
  testing::GoPprofOutput ours = testing::RunGoPprof(ours_, flags);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  std::map<std::string, int64_t> expected = FlatByWorkloadLine(judge.out);
  ASSERT_FALSE(expected.empty()) << judge.out;
  EXPECT_EQ(FlatByWorkloadLine(ours.out), expected);
}

TEST_F(CpuProfileTest, InlinedHelperAppearsAsAnInlineFrameOfItsCaller) {
  std::map<uint64_t, std::string> names;
  for (const Function& f : profile_->functions) names[f.id] = f.name;
  bool found = false;
  for (const Location& l : profile_->locations) {
    if (l.lines.size() == 2 && names[l.lines[0].function_id].starts_with("MixInlined")) {
      EXPECT_EQ(names[l.lines[1].function_id], "CallsInlinedHelper(unsigned long)");
      EXPECT_GT(l.lines[0].line, 0);
      EXPECT_GT(l.lines[1].line, 0);
      found = true;
    }
  }
  EXPECT_TRUE(found) << "no location with MixInlined inlined into CallsInlinedHelper";
  if (!testing::GoPprofAvailable()) GTEST_SKIP() << "go tool pprof is not installed";
  testing::GoPprofOutput traces = testing::RunGoPprof(ours_, {"-traces"});
  EXPECT_TRUE(traces.out.find("MixInlined (inline)") != std::string::npos ||
              traces.out.find("MixInlined(unsigned long, unsigned long) (inline)") !=
                  std::string::npos)
      << traces.out;
}

TEST_F(CpuProfileTest, PieMainAndItsSharedLibraryCarryBuildIdsAndDebugInfo) {
  std::map<std::string, const Mapping*> by_name;
  for (const Mapping& m : profile_->mappings) by_name[fs::path(m.filename).filename()] = &m;
  for (const std::string& name :
       {std::string("cpu_workload"), fs::path(library_).filename().string()}) {
    ASSERT_TRUE(by_name.count(name)) << name;
    const Mapping& m = *by_name[name];
    EXPECT_EQ(m.build_id.size(), 40u) << name;  // sha1, lower-case hex
    EXPECT_EQ(m.build_id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(m.has_functions && m.has_filenames && m.has_line_numbers && m.has_inline_frames)
        << name;
  }
  EXPECT_GT(by_name["cpu_workload"]->memory_start, 0x10000000u)
      << "main is not position-independent";
}

TEST_F(CpuProfileTest, GoPprofReadsOurFileWithoutTheBinaryAndSeesTheSameTotals) {
  if (!testing::GoPprofAvailable()) GTEST_SKIP() << "go tool pprof is not installed";
  CommandOutput raw = GoPprofWithBinary({"-raw", "-symbolize=none"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  int64_t raw_total = 0;
  for (const auto& [address, count] : ParseGoRaw(raw.out).count_by_leaf) raw_total += count;
  fs::remove(binary_);
  fs::remove(library_);
  for (const auto& flags : std::vector<std::vector<std::string>>{{"-top"}, {"-raw"}}) {
    testing::GoPprofOutput r = testing::RunGoPprof(ours_, flags);
    EXPECT_EQ(r.exit_code, 0) << flags[0];
    EXPECT_FALSE(testing::HasWarningOrError(r.err)) << flags[0] << ": " << r.err;
    EXPECT_TRUE(r.visible_binaries.empty()) << r.visible_binaries.front();
    EXPECT_NE(r.out.find("hotwork::SpinInNamespace(unsigned long)"), std::string::npos) << r.out;
  }
  testing::GoPprofOutput lines = testing::RunGoPprof(ours_, {"-raw"});
  EXPECT_NE(lines.out.find("workloads/cpu_workload.cc:"), std::string::npos) << lines.out;
  int64_t our_total = 0;
  for (const auto& [address, count] : ParseGoRaw(lines.out).count_by_leaf) our_total += count;
  EXPECT_EQ(our_total, raw_total);
}

TEST_F(CpuProfileTest, ConvertCommandWritesTheSameProfile) {
  ASSERT_EQ(cli_run_.exit_code, 0) << cli_run_.err;
  Result<Profile> p = ReadProfileFile(cli_output_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(testing::FlatByFunction(*p, 1), testing::FlatByFunction(*profile_, 1));
  EXPECT_GT(p->time_nanos, 0);
  EXPECT_GT(p->duration_nanos, 0);
}

TEST(ConvertCommand, BadInputIsOneLineNamingTheFileAndLeavesNoOutput) {
  testing::ScratchDir dir;
  std::string input = dir.File("garbage.prof"), out = dir.File("out.pb.gz");
  std::ofstream(input) << "this is not a profile\n";
  CommandOutput r = RunCommand({AUTOPROF_CLI, "convert", input, "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(input), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(out));
  CommandOutput missing = RunCommand({AUTOPROF_CLI, "convert", dir.File("nope"), "-o", out});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir.File("nope")), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(fs::directory_iterator(dir.path()) == fs::directory_iterator(), false);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace autoprof
