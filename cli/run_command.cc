// autoprof run [--app NAME] [-- ENV=VAL...] -- PROGRAM ARGS...
//
// Starts PROGRAM with the agent preloaded (libautoprof_preload.so) and tcmalloc
// preloaded with heap sampling on (TCMALLOC_SAMPLE_PARAMETER, read only before the
// allocator starts), so a binary that was never relinked is profiled. autoprof
// replaces itself with PROGRAM (exec), so signals and the exit code are PROGRAM's.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"

#ifndef AUTOPROF_LIBDIR_FROM_BINDIR
#define AUTOPROF_LIBDIR_FROM_BINDIR "../lib"
#endif
#ifndef AUTOPROF_MULTIARCH
#define AUTOPROF_MULTIARCH ""
#endif

namespace autoprof::cli {
namespace {

bool IsAssignment(std::string_view s) {
  size_t eq = s.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  for (size_t i = 0; i < eq; ++i) {
    char c = s[i];
    bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool Readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

std::string SelfDirectory() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string exe(buf, static_cast<size_t>(n));
  return exe.substr(0, exe.rfind('/'));
}

// libautoprof_preload.so beside this binary's lib folder (installed or build tree).
std::string FindPreloadLibrary() {
  if (const char* v = std::getenv("AUTOPROF_PRELOAD_LIB"); v && *v) return v;
  std::string bin = SelfDirectory();
  for (const char* rel : {AUTOPROF_LIBDIR_FROM_BINDIR, "../lib"}) {
    std::string path = bin + "/" + rel + "/libautoprof_preload.so";
    if (Readable(path)) return path;
  }
  return "";
}

std::string FindTcmalloc() {
  if (const char* v = std::getenv("AUTOPROF_TCMALLOC_LIB"); v && *v) return v;
  std::string multiarch = AUTOPROF_MULTIARCH;
  for (std::string dir : {"/usr/lib/" + multiarch, std::string("/usr/lib64"), std::string("/usr/lib"),
                          std::string("/usr/local/lib")}) {
    std::string path = dir + "/libtcmalloc.so.4";
    if (Readable(path)) return path;
  }
  return "";
}

}  // namespace

int RunCommand(Args args) {
  std::string app;
  size_t i = 0;
  for (; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == "--app" && i + 1 < args.size()) {
      app = args[++i];
    } else {
      return UsageError("run", "unknown option '" + std::string(args[i]) +
                                   "' (usage: autoprof run [--app NAME] [-- ENV=VAL...] -- PROGRAM ARGS...)");
    }
  }
  if (i == args.size()) return UsageError("run", "missing '-- PROGRAM'");
  ++i;  // the first "--"
  // ENV=VAL... followed by "--" are settings; otherwise the program starts here.
  size_t j = i;
  while (j < args.size() && IsAssignment(args[j])) ++j;
  std::vector<std::string_view> settings;
  if (j < args.size() && args[j] == "--") {
    settings.assign(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(j));
    i = j + 1;
  }
  if (i == args.size()) return UsageError("run", "missing PROGRAM after '--'");

  std::string preload = FindPreloadLibrary();
  if (preload.empty()) {
    return UsageError("run", "libautoprof_preload.so not found beside " + SelfDirectory() +
                                 " (set AUTOPROF_PRELOAD_LIB)");
  }
  std::string ld_preload;
  if (std::string tcmalloc = FindTcmalloc(); !tcmalloc.empty()) {
    ld_preload = tcmalloc + ":";
    ::setenv("TCMALLOC_SAMPLE_PARAMETER", "524288", /*overwrite=*/0);
  } else {
    std::fprintf(stderr, "autoprof run: libtcmalloc.so.4 not found; CPU profiles only "
                         "(install libgoogle-perftools4)\n");
  }
  ld_preload += preload;
  if (const char* old = std::getenv("LD_PRELOAD"); old && *old) ld_preload += std::string(":") + old;
  ::setenv("LD_PRELOAD", ld_preload.c_str(), 1);

  std::string program(args[i]);
  if (app.empty()) app = program.substr(program.rfind('/') + 1);
  ::setenv("AUTOPROF_APP", app.c_str(), /*overwrite=*/0);
  for (std::string_view s : settings) {
    std::string kv(s);
    size_t eq = kv.find('=');
    ::setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
  }

  std::vector<std::string> owned(args.begin() + static_cast<long>(i), args.end());
  std::vector<char*> argv;
  for (std::string& s : owned) argv.push_back(s.data());
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  return UsageError("run", "cannot run '" + program + "': " + std::strerror(errno));
}

}  // namespace autoprof::cli
