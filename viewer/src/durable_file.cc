#include "durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "autoprof/unique_fd.h"

namespace autoprof::viewer {
namespace {

Status ErrnoStatus(const std::string& path, const char* what) {
  int e = errno;
  std::string message = path + ": " + what + ": " + std::strerror(e);
  if (e == ENOSPC || e == EDQUOT) return ResourceExhausted(message);
  return Internal(message);
}

std::string TempName(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + "." + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) +
         std::string(kTempSuffix);
}

Status WriteAll(int fd, const std::string& path, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "write");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(dir, "open folder");
  if (::fsync(fd.get()) != 0) return ErrnoStatus(dir, "fsync folder");
  return Status::Ok();
}

Status WriteFileDurably(const std::string& path, std::string_view data) {
  std::string temp = TempName(path);
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (fd.get() < 0) return ErrnoStatus(temp, "create");
  Status s = WriteAll(fd.get(), temp, data);
  if (s.ok() && ::fsync(fd.get()) != 0) s = ErrnoStatus(temp, "fsync");
  if (!fd.Reset() && s.ok()) s = ErrnoStatus(temp, "close");
  if (s.ok() && ::rename(temp.c_str(), path.c_str()) != 0) s = ErrnoStatus(path, "rename");
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  return SyncDirectory(std::filesystem::path(path).parent_path().string());
}

}  // namespace autoprof::viewer
