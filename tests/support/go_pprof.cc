#include "go_pprof.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "autoprof/pprof.h"

extern char** environ;

namespace autoprof::testing {
namespace {

int64_t NowMillis() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

CommandOutput RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, int timeout_seconds) {
  CommandOutput result;
  if (argv.empty()) return result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return result;
  }
  // Build argv and envp before fork: the child may only call async-signal-safe functions.
  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    std::string key(kv.substr(0, kv.find('=')));
    if (env.count(key) == 0) env_strings.emplace_back(kv);
  }
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);  // NOLINT(performance-inefficient-string-concatenation)
  std::vector<char*> cenv;
  cenv.reserve(env_strings.size() + 1);
  for (std::string& s : env_strings) cenv.push_back(s.data());
  cenv.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execvpe(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return result;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  const int64_t deadline = NowMillis() + int64_t{timeout_seconds} * 1000;
  bool timed_out = false;
  char buf[65536];
  while (open_fds > 0) {
    int64_t left = deadline - NowMillis();
    if (left <= 0) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    int n = poll(fds, 2, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (timed_out) result.err += "\n[killed after " + std::to_string(timeout_seconds) + " s]\n";
  return result;
}

bool GoPprofAvailable() {
  ScratchDir home;
  CommandOutput r = RunCommand({"go", "tool", "pprof", "-h"},
                               {{"HOME", home.path()},
                                {"GOCACHE", home.File("gocache")},
                                {"GOPATH", home.File("gopath")},
                                {"GOTOOLCHAIN", "local"}},
                               60);
  // `pprof -h` prints its usage and exits 0 or 2 depending on the Go version.
  return r.exit_code == 0 || r.exit_code == 2;
}

GoPprofOutput RunGoPprof(const std::string& profile_path, const std::vector<std::string>& flags) {
  ScratchDir home;
  std::filesystem::create_directories(home.File("binaries"));
  std::vector<std::string> argv = {"go", "tool", "pprof"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(profile_path);
  GoPprofOutput r;
  static_cast<CommandOutput&>(r) = RunCommand(argv, {{"HOME", home.path()},
                                                     {"GOCACHE", home.File("gocache")},
                                                     {"GOPATH", home.File("gopath")},
                                                     {"GOTOOLCHAIN", "local"},
                                                     {"GOPROXY", "off"},
                                                     {"GOFLAGS", ""},
                                                     {"PPROF_TMPDIR", home.path()},
                                                     {"PPROF_BINARY_PATH", home.File("binaries")}});
  Result<Profile> p = ReadProfileFile(profile_path);
  if (p.ok()) {
    std::set<uint64_t> used;
    for (const Location& l : p->locations) used.insert(l.mapping_id);
    for (const Mapping& m : p->mappings) {
      struct stat st;
      if (used.count(m.id) && !m.has_functions && !m.filename.empty() &&
          stat(m.filename.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        r.visible_binaries.push_back(m.filename);
      }
    }
  }
  return r;
}

bool HasWarningOrError(std::string_view stderr_text) {
  return stderr_text.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

namespace {

// "750000000ns" -> 750000000; "13107201B" -> 13107201; "0" -> 0.
int64_t ParseValue(std::string_view token) {
  return std::llround(std::strtod(std::string(token).c_str(), nullptr));
}

std::vector<std::string_view> SplitFields(std::string_view line, size_t n, std::string_view* rest) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (out.size() < n) {
    i = line.find_first_not_of(' ', i);
    if (i == std::string_view::npos) break;
    size_t end = line.find(' ', i);
    out.push_back(line.substr(i, end == std::string_view::npos ? line.npos : end - i));
    i = end == std::string_view::npos ? line.size() : end;
  }
  size_t name = line.find_first_not_of(' ', i);
  *rest = name == std::string_view::npos ? std::string_view() : line.substr(name);
  return out;
}

}  // namespace

GoTop ParseGoPprofTop(std::string_view text) {
  GoTop top;
  bool in_rows = false;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!in_rows) {
      if (size_t of = line.find("% of "); line.starts_with("Showing nodes") && of != line.npos) {
        top.total = ParseValue(line.substr(of + 5));
      }
      in_rows = line.find("flat%") != std::string_view::npos;
      continue;
    }
    std::string_view name;
    std::vector<std::string_view> f = SplitFields(line, 5, &name);
    if (f.size() < 5 || name.empty()) continue;
    std::string function(name);
    for (std::string_view mark : {" (inline)", " (partial-inline)"}) {
      if (function.ends_with(mark)) function.resize(function.size() - mark.size());
    }
    GoTopRow* row = nullptr;
    for (GoTopRow& r : top.rows) {
      if (r.function == function) row = &r;
    }
    if (row == nullptr) row = &top.rows.emplace_back(GoTopRow{function, 0, 0});
    row->flat += ParseValue(f[0]);
    row->cum += ParseValue(f[3]);
  }
  return top;
}

std::vector<int64_t> ParseGoPprofRawTotals(std::string_view text) {
  std::vector<int64_t> totals;
  enum { kBefore, kHeader, kSamples } state = kBefore;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (state == kBefore) {
      if (line == "Samples:") state = kHeader;
      continue;
    }
    std::string_view rest;
    if (state == kHeader) {  // "samples/count cpu/nanoseconds"
      totals.assign(SplitFields(line, 1000, &rest).size(), 0);
      state = kSamples;
      continue;
    }
    size_t colon = line.find(':');
    if (line.empty() || line[0] != ' ') break;  // "Locations" or the end
    if (colon == std::string_view::npos) continue;
    std::vector<std::string_view> values = SplitFields(line.substr(0, colon), 1000, &rest);
    // Label lines ("  thread:[worker-1]") have a non-numeric first field.
    if (values.size() != totals.size() || values.empty() ||
        values[0].find_first_not_of("-0123456789") != std::string_view::npos) {
      continue;
    }
    for (size_t i = 0; i < values.size(); ++i) totals[i] += ParseValue(values[i]);
  }
  return totals;
}

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): read-only use
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/autoprof-test-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace autoprof::testing
