// Test helper: builds legacy gperftools CPU profiles word by word, so tests can
// state exactly what the parser receives.
#ifndef AUTOPROF_TESTS_GPERFTOOLS_RAW_PROFILE_BUILDER_H_
#define AUTOPROF_TESTS_GPERFTOOLS_RAW_PROFILE_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace autoprof::testing {

class RawCpuProfile {
 public:
  explicit RawCpuProfile(uint64_t period_us) { words_ = {0, 3, 0, period_us, 0}; }

  // One record: `count` samples of `stack` (leaf first).
  RawCpuProfile& Add(uint64_t count, const std::vector<uint64_t>& stack) {
    words_.push_back(count);
    words_.push_back(stack.size());
    words_.insert(words_.end(), stack.begin(), stack.end());
    return *this;
  }
  RawCpuProfile& Maps(std::string text) {
    maps_ = std::move(text);
    return *this;
  }
  std::vector<uint64_t>& words() { return words_; }

  // 64-bit little-endian (this machine), trailer and maps included.
  std::string Bytes(bool with_trailer = true) const {
    std::vector<uint64_t> w = words_;
    if (with_trailer) w.insert(w.end(), {0, 1, 0});
    std::string out(w.size() * 8, '\0');
    std::memcpy(out.data(), w.data(), out.size());
    return out + maps_;
  }

  // 32-bit big-endian words, as another machine would write them.
  std::string Bytes32BigEndian() const {
    std::vector<uint64_t> w = words_;
    w.insert(w.end(), {0, 1, 0});
    std::string out;
    for (uint64_t v : w) {
      for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
    }
    return out + maps_;
  }

 private:
  std::vector<uint64_t> words_;
  std::string maps_;
};

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_GPERFTOOLS_RAW_PROFILE_BUILDER_H_
