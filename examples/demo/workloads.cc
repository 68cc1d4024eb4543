#include "workloads.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace demo {
namespace {

// FNV-1a over a record: the innermost hot function of the CPU path.
__attribute__((noinline)) uint64_t HashRecord(const std::string& record) {
  uint64_t h = 1469598103934665603ull;
  for (char c : record) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

__attribute__((noinline)) void SortRecords(std::vector<uint64_t>& keys) {
  std::sort(keys.begin(), keys.end());
}

struct Entry {
  std::string name;
  std::string value;
  std::vector<int> tags;
};

__attribute__((noinline)) size_t BuildNaive(int items) {
  std::vector<std::unique_ptr<Entry>> entries;
  for (int i = 0; i < items; ++i) {
    auto e = std::make_unique<Entry>();
    e->name = "item-" + std::to_string(i) + "-with-a-name-long-enough-to-allocate";
    e->value = std::string(64 + i % 64, 'v');
    e->tags.assign(8 + i % 8, i);
    entries.push_back(std::move(e));
  }
  std::string out;
  for (const auto& e : entries) out += e->name + "=" + e->value + ";";
  return out.size();
}

__attribute__((noinline)) size_t BuildPooled(int items) {
  thread_local std::string out;
  thread_local std::string scratch;
  out.clear();
  for (int i = 0; i < items; ++i) {
    scratch.assign("item-");
    scratch += std::to_string(i);
    scratch += "-with-a-name-long-enough-to-allocate";
    out += scratch;
    out += '=';
    out.append(64 + i % 64, 'v');
    out += ';';
  }
  return out.size();
}

class LeakCache {
 public:
  __attribute__((noinline)) size_t Remember(size_t bytes) {
    auto block = std::make_unique<char[]>(bytes);
    std::memset(block.get(), 0x5a, bytes);  // touch it so it is resident
    std::lock_guard<std::mutex> lock(mu_);
    held_ += bytes;
    blocks_.push_back(std::move(block));
    return held_;
  }

 private:
  std::mutex mu_;
  size_t held_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
};

}  // namespace

uint64_t RenderReport(int iterations) {
  uint64_t checksum = 0;
  std::string record(256, 'r');
  std::vector<uint64_t> keys(512);
  for (int i = 0; i < iterations; ++i) {
    record[i % record.size()] = static_cast<char>('a' + i % 26);
    for (auto& k : keys) k = HashRecord(record) ^ (checksum += k);
    SortRecords(keys);
    checksum += keys[i % keys.size()];
  }
  return checksum;
}

size_t BuildResponse(int items, AllocMode mode) {
  return mode == AllocMode::kNaive ? BuildNaive(items) : BuildPooled(items);
}

size_t LeakRemember(size_t bytes) {
  static LeakCache* cache = new LeakCache;  // lives as long as the process, on purpose
  return cache->Remember(bytes);
}

}  // namespace demo
