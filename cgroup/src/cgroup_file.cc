#include "cgroup_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace autoprof::cgroup_internal {
namespace {

bool FileWentAway(int err) { return err == ENODEV || err == ENOENT || err == EBADF; }

Status ErrnoStatus(const std::string& path, const char* what, int err) {
  std::string message = path + ": " + what + ": " + std::strerror(err);
  if (err == ENOENT) return NotFound(std::move(message));
  if (err == EACCES || err == EPERM) return PermissionDenied(std::move(message));
  return Unavailable(std::move(message));
}

}  // namespace

Status CgroupFile::Open() {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path_, "cannot open", errno);
  fd_.Reset(fd);
  return Status::Ok();
}

Result<std::string_view> CgroupFile::Read(std::span<char> buffer) {
  bool fresh = false;
  if (!fd_.valid()) {
    AUTOPROF_RETURN_IF_ERROR(Open());
    fresh = true;
  }
  ssize_t n = ::pread(fd_.get(), buffer.data(), buffer.size(), 0);
  if (n < 0 && FileWentAway(errno) && !fresh) {
    fd_.Reset();
    AUTOPROF_RETURN_IF_ERROR(Open());
    n = ::pread(fd_.get(), buffer.data(), buffer.size(), 0);
  }
  if (!keep_open_) fd_.Reset();
  if (n < 0) {
    int err = errno;
    if (FileWentAway(err)) fd_.Reset();
    return ErrnoStatus(path_, "cannot read", err);
  }
  if (static_cast<size_t>(n) == buffer.size()) {
    return ResourceExhausted(path_ + ": longer than " + std::to_string(buffer.size()) + " bytes");
  }
  return std::string_view(buffer.data(), static_cast<size_t>(n));
}

}  // namespace autoprof::cgroup_internal
