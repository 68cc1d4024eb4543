#include "args.h"

#include <cstdio>

namespace autoprof::cli {

std::optional<std::string> ParsedArgs::Value(const std::string& flag) const {
  auto it = values.find(flag);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

Result<ParsedArgs> ParseArgs(Args args, const std::set<std::string>& value_flags,
                             const std::set<std::string>& switch_flags) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg(args[i]);
    if (arg == "--") {
      for (size_t j = i + 1; j < args.size(); ++j) out.after_dashes.emplace_back(args[j]);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      out.positional.push_back(arg);
      continue;
    }
    std::string flag = arg;
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
      flag = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    if (value_flags.count(flag)) {
      if (inline_value) {
        out.values[flag] = *inline_value;
      } else if (i + 1 < args.size()) {
        out.values[flag] = std::string(args[++i]);
      } else {
        return InvalidArgument(flag + " needs a value");
      }
    } else if (switch_flags.count(flag) && !inline_value) {
      out.switches.insert(flag);
    } else {
      return InvalidArgument("unknown option " + arg);
    }
  }
  return out;
}

int UsageError(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "autoprof %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
  return 2;
}

}  // namespace autoprof::cli
