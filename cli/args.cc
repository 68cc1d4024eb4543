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

Result<size_t> ParseCountFlag(const ParsedArgs& args, const std::string& flag, size_t fallback) {
  std::optional<std::string> text = args.Value(flag);
  if (!text) return fallback;
  size_t value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9' || value > 1'000'000'000) break;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  if (text->empty() || text->find_first_not_of("0123456789") != std::string::npos ||
      value > 1'000'000'000) {
    return InvalidArgument(flag + ": expected a count, got '" + *text + "'");
  }
  return value;
}

int UsageError(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "autoprof %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
  return 2;
}

}  // namespace autoprof::cli
