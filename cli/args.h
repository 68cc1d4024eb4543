// A small command-line parser shared by the subcommands: flags with values
// (`-n 10`, `--json`, `--root=DIR`), positional arguments, and `--` handling.
#ifndef AUTOPROF_CLI_ARGS_H_
#define AUTOPROF_CLI_ARGS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "autoprof/status.h"
#include "commands.h"

namespace autoprof::cli {

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // "--root" -> "DIR"
  std::set<std::string> switches;              // "--json"
  std::vector<std::string> after_dashes;       // everything after a bare "--"

  bool Has(const std::string& flag) const { return switches.count(flag) > 0; }
  std::optional<std::string> Value(const std::string& flag) const;
};

// Parses `args` given the flags that take a value and the flags that do not.
// An unknown flag or a value flag without its value is an error naming it.
Result<ParsedArgs> ParseArgs(Args args, const std::set<std::string>& value_flags,
                             const std::set<std::string>& switch_flags);

// The value of `flag` as a non-negative count (e.g. "-n 20"), or `fallback` when
// the flag is absent. Anything but digits is an error naming the flag.
Result<size_t> ParseCountFlag(const ParsedArgs& args, const std::string& flag, size_t fallback);

// Prints "autoprof <command>: <message>" on stderr and returns exit code 2.
int UsageError(std::string_view command, std::string_view message);

}  // namespace autoprof::cli

#endif  // AUTOPROF_CLI_ARGS_H_
