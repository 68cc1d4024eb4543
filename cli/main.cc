// autoprof: the command-line entry point. Dispatches to one subcommand; every
// subcommand lives in its own <name>_command.cc.
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "commands.h"

namespace {

struct Subcommand {
  std::string_view name;
  int (*run)(autoprof::cli::Args);
  std::string_view usage;
};

constexpr Subcommand kSubcommands[] = {
    {"cgroup", autoprof::cli::CgroupCommand, "cgroup [--root DIR] [--json] [--watch SECONDS]"},
    {"convert", autoprof::cli::ConvertCommand, "convert INPUT -o OUT.pb.gz"},
    {"top", autoprof::cli::TopCommand, "top FILE [-n N] [--sample-index NAME] [--json]"},
    {"diff", autoprof::cli::DiffCommand,
     "diff BASE[,BASE...] NEW[,NEW...] [-n N] "
     "[--normalize absolute|share|per-second (default share)] [--json]"},
    {"flame", autoprof::cli::FlameCommand, "flame FILE [--diff-base BASE] -o OUT.html"},
    {"collapse", autoprof::cli::CollapseCommand, "collapse FILE"},
    {"serve", autoprof::cli::ServeCommand, "serve [--data DIR] [--listen ADDR] [--token T]"},
    {"run", autoprof::cli::RunCommand, "run [--app NAME] [-- ENV=VAL...] -- PROGRAM ARGS..."},
};

void PrintUsage(FILE* out) {
  std::fprintf(out, "usage: autoprof <command> [args]\n\ncommands:\n");
  for (const auto& c : kSubcommands) {
    std::fprintf(out, "  autoprof %.*s\n", static_cast<int>(c.usage.size()), c.usage.data());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    PrintUsage(stdout);
    return 0;
  }
  std::vector<std::string_view> args(argv + 2, argv + argc);
  for (const auto& c : kSubcommands) {
    if (c.name == name) return c.run(args);
  }
  std::fprintf(stderr, "autoprof: unknown command '%s' (try 'autoprof --help')\n", argv[1]);
  return 2;
}
