// UniqueFd: owns a file descriptor and closes it once.
//
// Thread-safety: like any value; one owner at a time.
//
// Example:
//   autoprof::UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
//   if (!fd.valid()) return NotFound(path + ": cannot open");
//   ::pread(fd.get(), buf, n, 0);
#ifndef AUTOPROF_UNIQUE_FD_H_
#define AUTOPROF_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace autoprof {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now; false when close reported an error (it can report a late write error).
  bool Reset() { return Reset(-1); }
  bool Reset(int fd) {
    int old = std::exchange(fd_, fd);
    return old < 0 || ::close(old) == 0;
  }

 private:
  int fd_ = -1;
};

}  // namespace autoprof

#endif  // AUTOPROF_UNIQUE_FD_H_
