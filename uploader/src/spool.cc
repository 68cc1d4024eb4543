#include "spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <system_error>

namespace autoprof::upload_internal {
namespace {

constexpr std::string_view kPprofExt = ".pb.gz";
constexpr std::string_view kJsonExt = ".json";
constexpr int64_t kOrphanAgeNs = int64_t{3600} * 1'000'000'000;

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports a failed close (NFS reports write errors there).
  bool Close() {
    int fd = fd_;
    fd_ = -1;
    return close(fd) == 0;
  }

 private:
  int fd_;
};

std::string ErrnoText(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int64_t MtimeNs(const struct stat& st) {
  return int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
}

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

Status FsyncDirectory(const std::string& dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || fsync(fd.get()) != 0) return Internal(ErrnoText(dir + ": fsync", errno));
  return Status::Ok();
}

// Temporary files: ".<name>.tmp-<pid>-<n>". The writer's pid lets a later process
// tell an abandoned one from one being written right now.
std::string TempName(const std::string& name) {
  static std::atomic<uint64_t> counter{0};
  return "." + name + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

bool IsAbandonedTemp(std::string_view name) {
  size_t at = name.rfind(".tmp-");
  if (name.empty() || name[0] != '.' || at == std::string_view::npos) return false;
  std::string_view rest = name.substr(at + 5);
  std::string pid_text(rest.substr(0, rest.find('-')));
  if (pid_text.empty() || pid_text.size() > 9 ||
      pid_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH;
}

Status RenameInto(const std::string& from, const std::string& to) {
  if (rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
    return Internal(ErrnoText(from + ": rename to " + to, errno));
  }
  return Status::Ok();
}

// The subfolder holding the sidecar of `stem` when a move was interrupted.
std::string FinishedMoveOf(const std::string& dir, const std::string& stem) {
  for (const char* sub : {"sent", "quarantine"}) {
    std::string json = dir + "/" + sub + "/" + stem + std::string(kJsonExt);
    if (access(json.c_str(), F_OK) == 0) return sub;
  }
  return "";
}

}  // namespace

Status CheckStem(std::string_view stem) {
  if (stem.empty() || stem.size() > 200 || stem.front() == '.' ||
      stem.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos) {
    return InvalidArgument("spool: '" + std::string(stem.substr(0, 200)) +
                           "' is not a plain file stem");
  }
  return Status::Ok();
}

Status EnsureDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal(dir + ": cannot create directory: " + ec.message());
  if (access(dir.c_str(), W_OK | X_OK) != 0) return PermissionDenied(ErrnoText(dir, errno));
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& dir, const std::string& name,
                           std::string_view data) {
  std::string tmp = dir + "/" + TempName(name);
  std::string path = dir + "/" + name;
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Internal(ErrnoText(tmp + ": create", errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      unlink(tmp.c_str());
      return Internal(ErrnoText(path + ": write", err));
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd.get()) != 0 || !fd.Close() || rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return Internal(ErrnoText(path + ": fsync/rename", err));
  }
  return Status::Ok();
}

Status WritePair(const std::string& dir, const std::string& stem, std::string_view pprof_gz,
                 std::string_view sidecar_json) {
  AUTOPROF_RETURN_IF_ERROR(CheckStem(stem));
  AUTOPROF_RETURN_IF_ERROR(WriteFileAtomically(dir, stem + std::string(kPprofExt), pprof_gz));
  AUTOPROF_RETURN_IF_ERROR(WriteFileAtomically(dir, stem + std::string(kJsonExt), sidecar_json));
  return FsyncDirectory(dir);
}

Result<std::string> ReadFile(const std::string& path, int64_t max_bytes) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ENOENT) return NotFound(path + ": no such file");
    return Internal(ErrnoText(path, err));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Internal(ErrnoText(path, errno));
  if (st.st_size > max_bytes) {
    return ResourceExhausted(path + ": " + std::to_string(st.st_size) + " bytes is over the " +
                             std::to_string(max_bytes) + "-byte limit");
  }
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = read(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Internal(ErrnoText(path, errno));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  data.resize(done);
  return data;
}

std::vector<SpoolEntry> ListPairs(const std::string& dir, const LogLine& log) {
  struct Seen {
    bool pprof = false, json = false;
    int64_t bytes = 0, json_mtime = 0, pprof_mtime = 0;
  };
  std::map<std::string, Seen> seen;
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) return {};
  int dfd = dirfd(d.get());
  while (dirent* e = readdir(d.get())) {
    std::string_view name = e->d_name;
    if (name.empty() || name[0] == '.') {
      if (IsAbandonedTemp(name) && unlinkat(dfd, e->d_name, 0) == 0) {
        log("spool: removed " + std::string(name) + " left by a writer that died");
      }
      continue;
    }
    bool is_pprof = EndsWith(name, kPprofExt);
    bool is_json = EndsWith(name, kJsonExt);
    if (!is_pprof && !is_json) continue;
    struct stat st {};
    if (fstatat(dfd, e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
    std::string stem(name.substr(0, name.size() - (is_pprof ? kPprofExt : kJsonExt).size()));
    Seen& s = seen[stem];
    s.bytes += st.st_size;
    if (is_pprof) {
      s.pprof = true;
      s.pprof_mtime = MtimeNs(st);
    } else {
      s.json = true;
      s.json_mtime = MtimeNs(st);
    }
  }
  std::vector<SpoolEntry> pairs;
  int64_t now = NowNs();
  for (const auto& [stem, s] : seen) {
    if (s.pprof && s.json) {
      pairs.push_back({stem, s.bytes, s.json_mtime});
    } else if (s.json) {
      if (unlink((dir + "/" + stem + std::string(kJsonExt)).c_str()) == 0) {
        log("spool: removed " + stem + ".json, whose profile was already sent");
      }
    } else if (std::string home = FinishedMoveOf(dir, stem); !home.empty()) {
      // A move (sidecar first) was cut short: the profile follows its sidecar.
      if (RenameInto(dir + "/" + stem + std::string(kPprofExt),
                     dir + "/" + home + "/" + stem + std::string(kPprofExt)).ok()) {
        log("spool: finished moving " + stem + " to " + home + "/");
      }
    } else if (now - s.pprof_mtime > kOrphanAgeNs) {
      if (QuarantinePair(dir, stem, "no sidecar: the writer stopped before <stem>.json").ok()) {
        log("spool: quarantined " + stem + ".pb.gz: no sidecar after an hour");
      }
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const SpoolEntry& a, const SpoolEntry& b) {
    return a.mtime_ns != b.mtime_ns ? a.mtime_ns < b.mtime_ns : a.stem < b.stem;
  });
  return pairs;
}

Status RemovePair(const std::string& dir, const std::string& stem) {
  for (std::string_view ext : {kPprofExt, kJsonExt}) {
    std::string path = dir + "/" + stem + std::string(ext);
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return Internal(ErrnoText(path, errno));
  }
  return Status::Ok();
}

Status MovePair(const std::string& dir, const std::string& stem, const std::string& subdir) {
  std::string to = dir + "/" + subdir;
  AUTOPROF_RETURN_IF_ERROR(EnsureDirectory(to));
  // Sidecar first: a lone .json in the spool would read as a finished removal.
  for (std::string_view ext : {kJsonExt, kPprofExt}) {
    std::string name = stem + std::string(ext);
    AUTOPROF_RETURN_IF_ERROR(RenameInto(dir + "/" + name, to + "/" + name));
  }
  AUTOPROF_RETURN_IF_ERROR(FsyncDirectory(to));
  return FsyncDirectory(dir);
}

Status QuarantinePair(const std::string& dir, const std::string& stem, const std::string& reason) {
  std::string to = dir + "/quarantine";
  AUTOPROF_RETURN_IF_ERROR(EnsureDirectory(to));
  AUTOPROF_RETURN_IF_ERROR(WriteFileAtomically(to, stem + ".reason.txt", reason + "\n"));
  return MovePair(dir, stem, "quarantine");
}

int64_t EnforceCaps(const std::string& dir, int64_t max_bytes, int max_files,
                    const std::string& keep_stem, const LogLine& log) {
  std::vector<SpoolEntry> pairs = ListPairs(dir, log);
  int64_t total = 0;
  for (const SpoolEntry& e : pairs) total += e.bytes;
  int64_t files = static_cast<int64_t>(pairs.size());
  int64_t dropped = 0;
  for (const SpoolEntry& e : pairs) {
    if (files <= max_files && total <= max_bytes) break;
    if (e.stem == keep_stem) continue;
    if (!RemovePair(dir, e.stem).ok()) continue;
    --files;
    total -= e.bytes;
    ++dropped;
    log("spool: dropped " + e.stem + " (" + std::to_string(e.bytes) +
        " bytes), the oldest, to stay within " + std::to_string(max_files) + " pairs and " +
        std::to_string(max_bytes) + " bytes");
  }
  return dropped;
}

bool SpoolLock::TryLock() {
  if (fd_ >= 0) return true;
  int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return false;
  }
  fd_ = fd;
  return true;
}

void SpoolLock::Unlock() {
  if (fd_ < 0) return;
  flock(fd_, LOCK_UN);
  close(fd_);
  fd_ = -1;
}

}  // namespace autoprof::upload_internal
