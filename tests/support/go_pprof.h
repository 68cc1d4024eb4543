// Test support: run the outside judge, `go tool pprof`, on a profile file.
//
// Every pprof autoprof writes must be read by Debian's `go tool pprof` with no
// warning and without the binary. RunGoPprof runs it with HOME, GOCACHE, GOPATH,
// PPROF_TMPDIR and PPROF_BINARY_PATH pointing at a fresh empty folder (so nothing
// from the user's environment or a binary search path can help), GOTOOLCHAIN=local
// and GOPROXY=off, and returns its stdout and stderr. It also lists the mapping
// files pprof could still open and symbolize from (a mapping without
// has_functions whose file exists): a test that wants "without the binary" asserts
// that list is empty.
//
// Thread-safety: each call uses its own folder and child process; safe to call
// from several threads.
//
// Example:
//   if (!autoprof::testing::GoPprofAvailable()) GTEST_SKIP() << "go not installed";
//   auto r = autoprof::testing::RunGoPprof(path, {"-top"});
//   EXPECT_EQ(r.exit_code, 0);
//   EXPECT_FALSE(autoprof::testing::HasWarningOrError(r.err)) << r.err;
#ifndef AUTOPROF_TESTS_SUPPORT_GO_PPROF_H_
#define AUTOPROF_TESTS_SUPPORT_GO_PPROF_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace autoprof::testing {

struct CommandOutput {
  int exit_code = -1;  // -1: could not start, or killed by a signal or the timeout
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with `env` added to the environment, waits at
// most `timeout_seconds`, and collects stdout and stderr.
CommandOutput RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         int timeout_seconds = 300);

struct GoPprofOutput : CommandOutput {
  // Files of used mappings that lack has_functions and exist on disk: pprof may
  // symbolize from them, so the run does not prove the profile stands alone.
  std::vector<std::string> visible_binaries;
};

// Whether `go` is on PATH and `go tool pprof` runs.
bool GoPprofAvailable();

// Runs `go tool pprof FLAGS... PROFILE_PATH` (e.g. flags {"-top"}, {"-raw"},
// {"-traces"}), isolated as described above.
GoPprofOutput RunGoPprof(const std::string& profile_path, const std::vector<std::string>& flags);

// True when pprof's stderr holds anything at all: pprof prints its "File:" and
// "Type:" header to stdout, so every stderr line is a warning or an error.
bool HasWarningOrError(std::string_view stderr_text);

// One row of `go tool pprof -top`: the function and its flat and cum values.
struct GoTopRow {
  std::string function;  // " (inline)" and " (partial-inline)" removed
  int64_t flat = 0;
  int64_t cum = 0;
};

struct GoTop {
  int64_t total = 0;           // "... of TOTAL total"
  std::vector<GoTopRow> rows;  // in pprof's order
};

// Parses the stdout of `go tool pprof -top`. Values are read in the unit pprof
// printed them in, so run it with -unit set to the sample type's own unit (e.g.
// -unit=ns, -unit=B) and -nodefraction=0 to see every function. Rows of one
// function that pprof splits (inlined and not) are summed.
GoTop ParseGoPprofTop(std::string_view top_output);

// Sums each sample-type column of the "Samples:" section of `go tool pprof -raw`
// output, in sample-type order; empty when the section is missing.
std::vector<int64_t> ParseGoPprofRawTotals(std::string_view raw_output);

// A fresh folder under $TMPDIR (or /tmp), removed with its contents when the
// object is destroyed.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_SUPPORT_GO_PPROF_H_
