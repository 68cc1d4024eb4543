// ReadProfileFile and WriteProfileFile. Writing is atomic: the bytes go to a
// temporary file in the destination's folder, are fsync'ed, and the file is
// renamed over the destination, so a reader (or a crash) never sees half a file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "autoprof/pprof.h"

namespace autoprof {
namespace {

// Owns a file descriptor.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports whether close succeeded (it can report a late write error).
  bool Reset() {
    int fd = fd_;
    fd_ = -1;
    return fd < 0 || ::close(fd) == 0;
  }

 private:
  int fd_;
};

std::string Errno(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(Errno(path, "write"));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Result<Profile> ReadProfileFile(const std::string& path, const DecodeLimits& limits) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return Status(errno == ENOENT ? StatusCode::kNotFound : StatusCode::kInvalidArgument,
                  Errno(path, "cannot open"));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return InvalidArgument(Errno(path, "cannot stat"));
  if (!S_ISREG(st.st_mode)) return InvalidArgument(path + ": not a regular file");
  // A compressed file is at most as large as its payload (plus framing), so this
  // bound also stops an oversized plain or gzipped file before it is read.
  if (static_cast<uint64_t>(st.st_size) > limits.max_decompressed_bytes + 4096) {
    return ResourceExhausted(path + ": file of " + std::to_string(st.st_size) +
                             " bytes exceeds the limit of " +
                             std::to_string(limits.max_decompressed_bytes));
  }
  std::string bytes;
  bytes.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return InvalidArgument(Errno(path, "read"));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  if (IsGzip(bytes)) {
    // Inflate here rather than in DecodeProfile so the compressed bytes can be
    // released before the profile is built: peak memory is one copy less.
    Result<std::string> plain = Gunzip(bytes, limits.max_decompressed_bytes);
    if (!plain.ok()) return Status(plain.status().code(), path + ": " + plain.status().message());
    bytes = std::move(*plain);
  }
  Result<Profile> p = DecodeProfile(bytes, limits);
  if (!p.ok()) return Status(p.status().code(), path + ": " + p.status().message());
  return p;
}

Status WriteProfileFile(const std::string& path, const Profile& profile) {
  Result<std::string> gz = Gzip(EncodeProfile(profile));
  if (!gz.ok()) return Status(gz.status().code(), path + ": " + gz.status().message());

  std::string tmp = path + ".tmp.XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (fd.get() < 0) return Unavailable(Errno(tmp, "cannot create"));
  auto fail = [&](Status s) {
    fd.Reset();
    ::unlink(tmp.c_str());
    return s;
  };
  // mkstemp creates 0600; a profile is meant to be read like any output file.
  // (umask(2) is not consulted: reading it means setting it, which races with the
  // host process's other threads.)
  if (::fchmod(fd.get(), 0644) != 0) return fail(Unavailable(Errno(tmp, "fchmod")));
  if (Status s = WriteAll(fd.get(), *gz, tmp); !s.ok()) return fail(s);
  if (::fsync(fd.get()) != 0) return fail(Unavailable(Errno(tmp, "fsync")));
  if (!fd.Reset()) return fail(Unavailable(Errno(tmp, "close")));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(Unavailable(Errno(path, "rename")));
  // Make the rename itself durable.
  UniqueFd dir(::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return Status::Ok();
}

}  // namespace autoprof
