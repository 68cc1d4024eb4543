// Checks that autoprof's Top of a profile file equals `go tool pprof -top`'s
// flat and cum per function, for one sample type.
#ifndef AUTOPROF_TESTS_PPROF_GO_TOP_MATCH_H_
#define AUTOPROF_TESTS_PPROF_GO_TOP_MATCH_H_

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "go_pprof.h"

namespace autoprof::testing {

// pprof prints values scaled ("10ms") unless told the unit to print in.
inline std::string GoUnitFlag(const std::string& unit) {
  if (unit == "nanoseconds") return "-unit=ns";
  if (unit == "bytes") return "-unit=B";
  return "-unit=" + unit;
}

// Runs `go tool pprof -top` on `path` for `sample_index` and expects every
// function's flat and cum to equal autoprof's Top, the totals to agree, and
// stderr to be empty.
inline void ExpectTopMatchesGo(const std::string& path, const std::string& sample_index) {
  Result<Profile> profile = ReadProfileFile(path);
  ASSERT_TRUE(profile.ok()) << profile.status().message();
  Result<TopTable> ours = Top(*profile, sample_index);
  ASSERT_TRUE(ours.ok()) << ours.status().message();

  std::vector<std::string> flags = {"-top", "-nodefraction=0", "-edgefraction=0",
                                    GoUnitFlag(ours->sample_type.unit)};
  if (!sample_index.empty()) flags.push_back("-sample_index=" + sample_index);
  GoPprofOutput go = RunGoPprof(path, flags);
  ASSERT_EQ(go.exit_code, 0) << go.err;
  EXPECT_FALSE(HasWarningOrError(go.err)) << go.err;
  GoTop theirs = ParseGoPprofTop(go.out);

  EXPECT_EQ(theirs.total, ours->total) << go.out;
  std::map<std::string, std::pair<int64_t, int64_t>> ours_by_name, theirs_by_name;
  for (const TopRow& r : ours->rows) ours_by_name[r.function] = {r.flat, r.cum};
  for (const GoTopRow& r : theirs.rows) {
    if (r.flat != 0 || r.cum != 0) theirs_by_name[r.function] = {r.flat, r.cum};
  }
  ASSERT_FALSE(theirs_by_name.empty()) << go.out;
  EXPECT_EQ(ours_by_name, theirs_by_name) << "go tool pprof said:\n" << go.out;
}

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_PPROF_GO_TOP_MATCH_H_
