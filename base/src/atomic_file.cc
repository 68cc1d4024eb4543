#include "autoprof/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "autoprof/unique_fd.h"

namespace autoprof {
namespace {

std::string Errno(const std::string& path, const char* step) {
  return path + ": " + step + ": " + std::strerror(errno);
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode) {
  std::string tmp = DirectoryOf(path) + "/." + BaseName(path) + ".tmp.XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd.valid()) return Unavailable(Errno(path, "create temporary"));
  auto fail = [&](const char* step) {
    Status s = Unavailable(Errno(path, step));
    fd.Reset();
    ::unlink(tmp.c_str());
    return s;
  };
  // mkstemp creates 0600; umask is not consulted, since reading it means setting
  // it, which races with the host process's other threads.
  if (::fchmod(fd.get(), mode) != 0) return fail("fchmod");
  for (std::string_view rest = bytes; !rest.empty();) {
    ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write");
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd.get()) != 0) return fail("fsync");
  if (!fd.Reset()) return fail("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");
  UniqueFd dir(::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());  // makes the rename itself durable
  return Status::Ok();
}

Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return Status(errno == ENOENT ? StatusCode::kNotFound : StatusCode::kInvalidArgument,
                  Errno(path, "open"));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return InvalidArgument(Errno(path, "stat"));
  if (!S_ISREG(st.st_mode)) return InvalidArgument(path + ": not a regular file");
  // Read to the end rather than trust st_size: /proc files report 0. The buffer
  // holds one byte more than allowed, so filling it means the file is too large.
  std::string out(std::min(max_bytes + 1, std::max<size_t>(4096, st.st_size + 1)), '\0');
  size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (out.size() > max_bytes) {
        return ResourceExhausted(path + ": more than the limit of " + std::to_string(max_bytes) +
                                 " bytes");
      }
      out.resize(std::min(max_bytes + 1, out.size() * 2));
    }
    ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return InvalidArgument(Errno(path, "read"));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

Status MakeDirectories(const std::string& path, mode_t mode) {
  if (path.empty()) return InvalidArgument("empty directory path");
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    std::string prefix = path.substr(0, i);
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) return Unavailable(Errno(prefix, "mkdir"));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return FailedPrecondition(path + ": not a directory");
  }
  return Status::Ok();
}

int RemoveStaleTemporaries(const std::string& dir, int min_age_seconds) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  int removed = 0;
  time_t now = ::time(nullptr);
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() < 2 || name[0] != '.' || name.find(".tmp.") == std::string_view::npos) continue;
    std::string path = dir + "/" + std::string(name);
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        now - st.st_mtime >= min_age_seconds && ::unlink(path.c_str()) == 0) {
      ++removed;
    }
  }
  ::closedir(d);
  return removed;
}

}  // namespace autoprof
