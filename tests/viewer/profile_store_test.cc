// ProfileStore on a real file system: dedup, filters, retention, and what a crash
// can leave behind.
#include "autoprof/profile_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <fstream>

#include "viewer_test_support.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;

class ProfileStoreTest : public testing::ScratchDirTest {
 protected:
  std::unique_ptr<ProfileStore> Open(StoreOptions options = {}) {
    Result<std::unique_ptr<ProfileStore>> store = ProfileStore::Open(dir_.string(), options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static StoredProfile Record(const std::string& bytes, const std::string& app, int64_t start_s,
                              std::vector<std::pair<std::string, std::string>> labels = {}) {
    StoredProfile p;
    p.id = ContentId(bytes);
    p.app = app;
    p.kind = "cpu";
    p.trigger_reason = "cpu";
    p.start_time_ns = start_s * 1'000'000'000;
    p.labels = std::move(labels);
    p.metadata_json = "{\"id\":\"" + p.id + "\",\"app\":\"" + app + "\"}";
    return p;
  }
};

TEST_F(ProfileStoreTest, StoresBytesOnceAndReturnsTheSameIdForTheSameBytes) {
  auto store = Open();
  Result<PutOutcome> first = store->Put("bytes-A", Record("bytes-A", "checkout", 100));
  Result<PutOutcome> again = store->Put("bytes-A", Record("bytes-A", "other-name", 200));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(first->created);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(first->id, again->id);
  EXPECT_EQ(store->profile_count(), 1u);
  Result<std::string> bytes = store->ReadBytes(first->id);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "bytes-A");
  EXPECT_EQ(store->Get(first->id)->app, "checkout");
}

TEST_F(ProfileStoreTest, ConcurrentPutsStoreEachDistinctProfileExactlyOnce) {
  auto store = Open();
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> created{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Half the bytes are shared by two threads: they race to store them.
        std::string bytes = "profile-" + std::to_string(i % 2 == 0 ? i : t * 1000 + i);
        Result<PutOutcome> put = store->Put(bytes, Record(bytes, "api", i));
        if (!put.ok()) ++failed;
        else if (put->created) ++created;
      }
    });
  }
  for (auto& t : threads) t.join();
  const int distinct = kEach / 2 + kThreads * kEach / 2;
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(created, distinct);
  EXPECT_EQ(store->profile_count(), static_cast<size_t>(distinct));
  ProfileQuery all;
  all.limit = 10000;
  EXPECT_EQ(store->List(all)->size(), static_cast<size_t>(distinct));
}

TEST_F(ProfileStoreTest, RefusesAnIdThatIsNotTheHashOfTheBytes) {
  auto store = Open();
  StoredProfile p = Record("bytes-A", "checkout", 100);
  Result<PutOutcome> put = store->Put("bytes-B", p);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->profile_count(), 0u);
}

TEST_F(ProfileStoreTest, ListsNewestFirstAndFiltersByAppKindTimeAndLabels) {
  auto store = Open();
  ASSERT_TRUE(store->Put("a1", Record("a1", "api", 100, {{"version", "1.4"}})).ok());
  ASSERT_TRUE(store->Put("a2", Record("a2", "api", 300, {{"version", "1.5"}})).ok());
  ASSERT_TRUE(store->Put("b1", Record("b1", "db", 200, {{"version", "1.5"}})).ok());

  Result<std::vector<StoredProfile>> all = store->List({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, ContentId("a2"));
  EXPECT_EQ((*all)[2].id, ContentId("a1"));

  ProfileQuery by_app;
  by_app.app = "api";
  EXPECT_EQ(store->List(by_app)->size(), 2u);

  ProfileQuery by_label;
  by_label.labels = {{"version", "1.5"}};
  Result<std::vector<StoredProfile>> v15 = store->List(by_label);
  ASSERT_EQ(v15->size(), 2u);
  EXPECT_EQ((*v15)[0].id, ContentId("a2"));
  EXPECT_EQ((*v15)[1].id, ContentId("b1"));

  ProfileQuery window;
  window.from_ns = 150'000'000'000;
  window.to_ns = 250'000'000'000;
  Result<std::vector<StoredProfile>> mid = store->List(window);
  ASSERT_EQ(mid->size(), 1u);
  EXPECT_EQ((*mid)[0].app, "db");

  ProfileQuery none;
  none.kind = "heap";
  EXPECT_TRUE(store->List(none)->empty());
}

TEST_F(ProfileStoreTest, RetentionByAgeDeletesOlderProfilesAndTheirFiles) {
  StoreOptions options;
  options.max_age_seconds = 100;
  auto store = Open(options);
  ASSERT_TRUE(store->Put("old", Record("old", "api", 1000)).ok());
  ASSERT_TRUE(store->Put("new", Record("new", "api", 1950)).ok());
  Result<size_t> deleted = store->EnforceRetention(2000'000'000'000);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(store->Get(ContentId("old")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->ReadBytes(ContentId("old")).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store->Get(ContentId("new")).ok());
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_ / "profiles")) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

TEST_F(ProfileStoreTest, RetentionBySizeEvictsTheOldestUntilTheTotalFits) {
  StoreOptions options;
  options.max_total_bytes = 25;  // room for two 10-byte profiles
  auto store = Open(options);
  ASSERT_TRUE(store->Put("0123456789", Record("0123456789", "api", 1)).ok());
  ASSERT_TRUE(store->Put("abcdefghij", Record("abcdefghij", "api", 2)).ok());
  ASSERT_TRUE(store->Put("ABCDEFGHIJ", Record("ABCDEFGHIJ", "api", 3)).ok());
  EXPECT_EQ(store->profile_count(), 2u);
  EXPECT_LE(store->total_bytes(), 25u);
  EXPECT_FALSE(store->Get(ContentId("0123456789")).ok());
  EXPECT_TRUE(store->Get(ContentId("ABCDEFGHIJ")).ok());
}

TEST_F(ProfileStoreTest, ReopeningRemovesTempFilesOrphanFilesAndRowsWithoutBytes) {
  std::string listed_id = ContentId("listed");
  std::string vanished_id = ContentId("vanished");
  {
    auto store = Open();
    ASSERT_TRUE(store->Put("listed", Record("listed", "api", 1)).ok());
    ASSERT_TRUE(store->Put("vanished", Record("vanished", "api", 2)).ok());
  }
  // What a SIGKILL can leave: a temporary file mid-write, and bytes renamed into
  // place whose index row never committed. And a file deleted by hand.
  std::string orphan_id = ContentId("orphan");
  fs::create_directories(dir_ / "profiles" / orphan_id.substr(0, 2));
  std::ofstream(dir_ / "profiles" / orphan_id.substr(0, 2) / (orphan_id + ".pb")) << "orphan";
  std::ofstream(dir_ / "profiles" / listed_id.substr(0, 2) / (listed_id + ".pb.77-3.tmp")) << "x";
  fs::remove(dir_ / "profiles" / vanished_id.substr(0, 2) / (vanished_id + ".pb"));

  auto store = Open();
  EXPECT_EQ(store->profile_count(), 1u);
  EXPECT_TRUE(store->ReadBytes(listed_id).ok());
  EXPECT_FALSE(store->Get(vanished_id).ok());
  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(dir_ / "profiles")) {
    if (e.is_regular_file()) files.push_back(e.path().filename().string());
  }
  EXPECT_EQ(files, std::vector<std::string>{listed_id + ".pb"});
}

TEST_F(ProfileStoreTest, OpenFailsWithTheFolderNamedWhenItCannotBeCreated) {
  std::ofstream(dir_.string()) << "a file, not a folder";
  Result<std::unique_ptr<ProfileStore>> store = ProfileStore::Open(dir_.string(), {});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(dir_.string()), std::string::npos)
      << store.status().message();
  fs::remove(dir_);
}

TEST(ContentIdTest, IsTheSha256OfTheBytesInLowerCaseHex) {
  EXPECT_EQ(ContentId("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(IsContentId(ContentId("")));
  EXPECT_FALSE(IsContentId("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_FALSE(IsContentId("../../etc/passwd"));
}

}  // namespace
}  // namespace autoprof
