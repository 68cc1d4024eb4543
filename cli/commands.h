// The subcommands of the autoprof command. Each takes the arguments after its
// name and returns the process exit code: 0 success, 2 bad input or usage (after
// one line on stderr naming what is wrong), 1 any other failure.
#ifndef AUTOPROF_CLI_COMMANDS_H_
#define AUTOPROF_CLI_COMMANDS_H_

#include <span>
#include <string_view>

namespace autoprof::cli {

using Args = std::span<const std::string_view>;

int CgroupCommand(Args args);
int ConvertCommand(Args args);
int TopCommand(Args args);
int DiffCommand(Args args);
int FlameCommand(Args args);
int CollapseCommand(Args args);
int ServeCommand(Args args);
int RunCommand(Args args);

}  // namespace autoprof::cli

#endif  // AUTOPROF_CLI_COMMANDS_H_
