#include "autoprof/atomic_file.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace autoprof {
namespace {

class AtomicFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/atomic-" + std::to_string(getpid()) + "-" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_TRUE(MakeDirectories(dir_).ok());
  }
  void TearDown() override {
    for (const std::string& name : List()) ::unlink((dir_ + "/" + name).c_str());
    ::rmdir(dir_.c_str());
  }
  std::vector<std::string> List() const {
    std::vector<std::string> names;
    if (DIR* d = ::opendir(dir_.c_str())) {
      while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
      }
      ::closedir(d);
    }
    return names;
  }
  std::string dir_;
};

TEST_F(AtomicFileTest, WritesTheBytesAndLeavesNoTemporary) {
  std::string path = dir_ + "/a.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second, longer").ok());
  auto text = ReadWholeFile(path, 1024);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "second, longer");
  EXPECT_EQ(List(), std::vector<std::string>{"a.json"});
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(AtomicFileTest, FailureNamesThePathAndLeavesNothing) {
  Status s = WriteFileAtomically(dir_ + "/missing/a.json", "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(dir_ + "/missing/a.json: create temporary"), std::string::npos);
  EXPECT_TRUE(List().empty());
}

TEST_F(AtomicFileTest, ReadsProcFilesThatReportSizeZero) {
  auto text = ReadWholeFile("/proc/self/status", 1 << 20);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_NE(text->find("Name:"), std::string::npos);
}

TEST_F(AtomicFileTest, RefusesAFileOverTheLimit) {
  std::string path = dir_ + "/big";
  ASSERT_TRUE(WriteFileAtomically(path, std::string(5000, 'x')).ok());
  EXPECT_TRUE(ReadWholeFile(path, 5000).ok());
  auto r = ReadWholeFile(path, 4999);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(), path + ": more than the limit of 4999 bytes");
}

TEST_F(AtomicFileTest, MissingFileIsNotFound) {
  auto r = ReadWholeFile(dir_ + "/nope", 10);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_F(AtomicFileTest, MakeDirectoriesCreatesParentsAndRejectsAFile) {
  ASSERT_TRUE(MakeDirectories(dir_ + "/x/y/z").ok());
  EXPECT_TRUE(MakeDirectories(dir_ + "/x/y/z").ok());  // again: fine
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/f", "x").ok());
  EXPECT_FALSE(MakeDirectories(dir_ + "/f").ok());
  ::rmdir((dir_ + "/x/y/z").c_str());
  ::rmdir((dir_ + "/x/y").c_str());
  ::rmdir((dir_ + "/x").c_str());
}

TEST_F(AtomicFileTest, RemovesOnlyStaleTemporaries) {
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/keep.json", "x").ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/.a.json.tmp.abc123", "half").ok());
  EXPECT_EQ(RemoveStaleTemporaries(dir_, 3600), 0);  // too young
  EXPECT_EQ(RemoveStaleTemporaries(dir_, 0), 1);
  EXPECT_EQ(List(), std::vector<std::string>{"keep.json"});
}

}  // namespace
}  // namespace autoprof
