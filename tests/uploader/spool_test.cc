// The spool's on-disk rules: atomic pairs, oldest first, tidying what a crash
// leaves, the caps, quarantine, and the cross-process lock.
#include "spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace autoprof::upload_internal {
namespace {

using testing::FilesIn;
using testing::ReadText;
using testing::ScratchDir;

void SetMtime(const std::string& path, int64_t unix_s) {
  timespec times[2] = {{unix_s, 0}, {unix_s, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

void Touch(const std::string& path, const std::string& data = "x") {
  std::ofstream(path, std::ios::binary) << data;
}

LogLine Collect(std::vector<std::string>* lines) {
  return [lines](const std::string& l) { lines->push_back(l); };
}

TEST(SpoolTest, WritePairLeavesExactlyTheTwoFiles) {
  ScratchDir d;
  ASSERT_TRUE(WritePair(d.path(), "app-cpu-20261124T000000Z-1", "PB", "{}").ok());
  EXPECT_EQ(FilesIn(d.path(), ""),
            (std::vector<std::string>{"app-cpu-20261124T000000Z-1.json",
                                      "app-cpu-20261124T000000Z-1.pb.gz"}));
  EXPECT_EQ(ReadText(d.sub("app-cpu-20261124T000000Z-1.pb.gz")), "PB");
}

TEST(SpoolTest, RefusesStemsThatAreNotPlainNames) {
  ScratchDir d;
  for (const char* bad : {"", "../x", "a/b", ".hidden"}) {
    Status s = WritePair(d.path(), bad, "PB", "{}");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(FilesIn(d.path(), "").empty());
}

TEST(SpoolTest, ListsCompletePairsOldestFirst) {
  ScratchDir d;
  std::vector<std::string> log;
  for (const char* stem : {"b", "a", "c"}) ASSERT_TRUE(WritePair(d.path(), stem, "P", "{}").ok());
  SetMtime(d.sub("b.json"), 1000);
  SetMtime(d.sub("a.json"), 3000);
  SetMtime(d.sub("c.json"), 2000);
  std::vector<SpoolEntry> pairs = ListPairs(d.path(), Collect(&log));
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].stem, "b");
  EXPECT_EQ(pairs[1].stem, "c");
  EXPECT_EQ(pairs[2].stem, "a");
  EXPECT_EQ(pairs[0].bytes, 3);
}

TEST(SpoolTest, TidiesWhatACrashLeaves) {
  ScratchDir d;
  std::vector<std::string> log;
  Touch(d.sub("half-removed.json"));         // removal cut short: profile already sent
  Touch(d.sub("being-written.pb.gz"));       // write cut short, recent: left alone
  Touch(d.sub("abandoned.pb.gz"));           // write cut short an hour ago: quarantined
  SetMtime(d.sub("abandoned.pb.gz"), 1000);
  // A temporary file of a writer that is gone (a child that exited) and one of ours.
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  Touch(d.sub(".x.pb.gz.tmp-" + std::to_string(child) + "-1"));
  Touch(d.sub(".y.pb.gz.tmp-" + std::to_string(getpid()) + "-1"));

  EXPECT_TRUE(ListPairs(d.path(), Collect(&log)).empty());
  EXPECT_FALSE(std::filesystem::exists(d.sub("half-removed.json")));
  EXPECT_TRUE(std::filesystem::exists(d.sub("being-written.pb.gz")));
  EXPECT_TRUE(std::filesystem::exists(d.sub("quarantine/abandoned.pb.gz")));
  EXPECT_NE(ReadText(d.sub("quarantine/abandoned.reason.txt")).find("no sidecar"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(d.sub(".x.pb.gz.tmp-" + std::to_string(child) + "-1")));
  EXPECT_TRUE(std::filesystem::exists(d.sub(".y.pb.gz.tmp-" + std::to_string(getpid()) + "-1")));
  EXPECT_EQ(log.size(), 3u);
}

TEST(SpoolTest, FinishesAMoveCutShort) {
  ScratchDir d;
  std::vector<std::string> log;
  std::filesystem::create_directories(d.sub("sent"));
  Touch(d.sub("sent/p.json"));
  Touch(d.sub("p.pb.gz"));
  EXPECT_TRUE(ListPairs(d.path(), Collect(&log)).empty());
  EXPECT_TRUE(std::filesystem::exists(d.sub("sent/p.pb.gz")));
}

TEST(SpoolTest, CapsDropTheOldestAndCountThem) {
  ScratchDir d;
  std::vector<std::string> log;
  for (int i = 0; i < 6; ++i) {
    std::string stem = "p" + std::to_string(i);
    ASSERT_TRUE(WritePair(d.path(), stem, std::string(100, 'x'), "{}").ok());
    SetMtime(d.sub(stem + ".json"), 1000 + i);
  }
  // Files: at most 4 pairs -> p0, p1 go.
  EXPECT_EQ(EnforceCaps(d.path(), 1 << 20, 4, "", Collect(&log)), 2);
  EXPECT_EQ(FilesIn(d.path(), ".json"),
            (std::vector<std::string>{"p2.json", "p3.json", "p4.json", "p5.json"}));
  // Bytes: 102 per pair, at most 250 bytes -> two remain; p2 is kept as "just written".
  EXPECT_EQ(EnforceCaps(d.path(), 250, 100, "p2", Collect(&log)), 2);
  EXPECT_EQ(FilesIn(d.path(), ".json"), (std::vector<std::string>{"p2.json", "p5.json"}));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_NE(log[0].find("dropped p0"), std::string::npos) << log[0];
}

TEST(SpoolTest, QuarantineKeepsThePairAndTheReason) {
  ScratchDir d;
  ASSERT_TRUE(WritePair(d.path(), "q", "P", "{}").ok());
  ASSERT_TRUE(QuarantinePair(d.path(), "q", "HTTP 400: bad profile").ok());
  EXPECT_TRUE(FilesIn(d.path(), ".json").empty());
  EXPECT_EQ(FilesIn(d.sub("quarantine"), ""),
            (std::vector<std::string>{"q.json", "q.pb.gz", "q.reason.txt"}));
  EXPECT_EQ(ReadText(d.sub("quarantine/q.reason.txt")), "HTTP 400: bad profile\n");
}

TEST(SpoolLockTest, OnlyOneHolderAtATime) {
  ScratchDir d;
  SpoolLock a(d.path()), b(d.path());
  EXPECT_TRUE(a.TryLock());
  EXPECT_FALSE(b.TryLock());
  a.Unlock();
  EXPECT_TRUE(b.TryLock());
}

TEST(SpoolLockTest, HeldAcrossProcesses) {
  ScratchDir d;
  SpoolLock mine(d.path());
  ASSERT_TRUE(mine.TryLock());
  pid_t child = fork();
  if (child == 0) {
    SpoolLock theirs(d.path());
    _exit(theirs.TryLock() ? 1 : 0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child took the lock";
}

}  // namespace
}  // namespace autoprof::upload_internal
