// The top, diff and collapse subcommands as a user runs them: output shapes,
// and one line plus exit code 2 for bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "go_pprof.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

const std::string kAutoprof = std::string(AUTOPROF_BINARY_DIR) + "/bin/autoprof";

class ProfileCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = dir_.File("base.pb.gz");
    ASSERT_TRUE(WriteProfileFile(base_, testing::SmallCpuProfile()).ok());
    Profile target = testing::SmallCpuProfile();
    for (int64_t& v : target.samples[2].values) v *= 3;  // Walk three times as hot
    target_ = dir_.File("target.pb.gz");
    ASSERT_TRUE(WriteProfileFile(target_, target).ok());
  }

  static testing::CommandOutput Run(std::vector<std::string> args) {
    args.insert(args.begin(), kAutoprof);
    return testing::RunCommand(args, {}, 60);
  }

  // Expects exit code 2 and exactly one stderr line containing `needle`.
  static void ExpectBadInput(const std::vector<std::string>& args, const std::string& needle) {
    testing::CommandOutput r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  testing::ScratchDir dir_;
  std::string base_, target_;
};

TEST_F(ProfileCommands, TopJsonHasTheViewerShapeSortedByFlat) {
  testing::CommandOutput r = Run({"top", base_, "--sample-index", "samples", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["unit"], "count");
  EXPECT_EQ(j["total"], 11);
  ASSERT_EQ(j["rows"].size(), 5u);
  EXPECT_EQ(j["rows"][0], (nlohmann::json{{"function", "Hash"}, {"flat", 5}, {"cum", 5}}));
  for (size_t i = 1; i < j["rows"].size(); ++i) {
    EXPECT_GE(j["rows"][i - 1]["flat"].get<int64_t>(), j["rows"][i]["flat"].get<int64_t>());
  }
}

TEST_F(ProfileCommands, TopLimitsRowsWithN) {
  testing::CommandOutput r = Run({"top", base_, "-n", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"].size(), 2u);
  testing::CommandOutput text = Run({"top", base_, "-n", "2"});
  EXPECT_NE(text.out.find("Showing 2 of 5 functions"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Hash"), std::string::npos);
  EXPECT_EQ(text.out.find("Parse"), std::string::npos) << "row 5 shown despite -n 2";
}

TEST_F(ProfileCommands, CollapsePrintsFoldedStacks) {
  testing::CommandOutput r = Run({"collapse", base_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, *CollapseStacks(testing::SmallCpuProfile()));
  EXPECT_NE(r.out.find("main;Server::Handle(int);Parse;Hash 50000000\n"), std::string::npos);
}

TEST_F(ProfileCommands, DiffPutsTheBiggestChangeFirst) {
  testing::CommandOutput r = Run({"diff", base_, target_, "--normalize", "none", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["normalization"], "absolute");
  EXPECT_EQ(j["rows"][0]["function"], "Walk");
  EXPECT_EQ(j["rows"][0]["delta"], 60'000'000.0);
}

TEST_F(ProfileCommands, DiffDefaultsToShareAndMergesCommaLists) {
  testing::CommandOutput r = Run({"diff", base_ + "," + base_, target_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["normalization"], "share");
  EXPECT_EQ(j["base"]["total"], 2 * 110'000'000);
  EXPECT_EQ(j["base"]["seconds"], 4.0);
  testing::CommandOutput text = Run({"diff", base_, target_});
  EXPECT_NE(text.out.find("normalized: share"), std::string::npos) << text.out;
}

TEST_F(ProfileCommands, NotAProfileIsOneLineNamingTheFile) {
  std::string junk = dir_.File("junk.pb.gz");
  std::ofstream(junk) << "this is not a profile";
  ExpectBadInput({"top", junk}, junk + ": pprof: malformed");
  ExpectBadInput({"collapse", junk}, junk + ": ");
  ExpectBadInput({"diff", base_, base_ + "," + junk}, junk + ": ");
}

TEST_F(ProfileCommands, MissingFileAndBadFlagsAreUsageErrors) {
  ExpectBadInput({"top", dir_.File("none.pb.gz")}, "none.pb.gz: open: No such file");
  ExpectBadInput({"top", base_, "-n", "ten"}, "-n: expected a count, got 'ten'");
  ExpectBadInput({"top", base_, "--sample-index", "heap"},
                 "sample type 'heap' is not in the profile");
  ExpectBadInput({"top"}, "usage: autoprof top FILE");
  ExpectBadInput({"diff", base_, target_, "--normalize", "percent"},
                 "unknown normalization 'percent'");
  ExpectBadInput({"diff", base_}, "usage: autoprof diff");
}

TEST_F(ProfileCommands, DiffOfDifferentKindsIsRefused) {
  Profile heap = testing::SmallCpuProfile();
  heap.sample_types = {{"inuse_objects", "count"}, {"inuse_space", "bytes"}};
  std::string path = dir_.File("heap.pb.gz");
  ASSERT_TRUE(WriteProfileFile(path, heap).ok());
  ExpectBadInput({"diff", base_, path}, "differs from target's inuse_space/bytes");
  ExpectBadInput({"diff", base_ + "," + path, target_}, "profile 2 has sample types");
}

}  // namespace
}  // namespace autoprof
