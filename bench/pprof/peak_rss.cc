// Runs a command and prints its wall time and peak resident set size, from
// wait4()'s rusage of that one child:
//   pprof_peak_rss CMD ARGS...   ->  stderr: "wall_seconds=1.234 max_rss_kb=5678"
// The child's stdout goes to /dev/null; its stderr is kept.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pprof_peak_rss CMD ARGS...\n");
    return 2;
  }
  timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  if (pid < 0) return 1;
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  double wall = static_cast<double>(end.tv_sec - start.tv_sec) +
                static_cast<double>(end.tv_nsec - start.tv_nsec) / 1e9;
  std::fprintf(stderr, "wall_seconds=%.3f max_rss_kb=%ld\n", wall, usage.ru_maxrss);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
