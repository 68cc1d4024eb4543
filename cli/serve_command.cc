// autoprof serve: runs the viewer (autoprof/viewer_server.h) until SIGINT or
// SIGTERM, then stops gracefully: no new connections, requests in progress end.
#include <csignal>
#include <cstdio>
#include <limits>

#include "args.h"
#include "autoprof/viewer_server.h"

namespace autoprof::cli {
namespace {

// "512M", "10GiB", "1048576" (binary multiples).
Result<uint64_t> ParseByteSize(const std::string& flag, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string suffix = text.substr(digits);
  int shift = -1;
  for (auto [name, s] : {std::pair{"", 0}, {"K", 10}, {"M", 20}, {"G", 30}, {"T", 40}}) {
    std::string n = name;
    if (suffix == n || (!n.empty() && (suffix == n + "B" || suffix == n + "iB"))) shift = s;
  }
  if (digits == 0 || digits > 15 || shift < 0) {
    return InvalidArgument(flag + " '" + text + "': expected a size like 512M or 10G");
  }
  uint64_t value = std::stoull(text.substr(0, digits));
  if (value > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return InvalidArgument(flag + " '" + text + "': too large");
  }
  return value << shift;
}

// "30d", "12h", "90m", "3600s", "3600" (seconds).
Result<int64_t> ParseDurationSeconds(const std::string& flag, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string unit = text.substr(digits);
  int64_t scale = unit == "" || unit == "s" ? 1
                  : unit == "m"             ? 60
                  : unit == "h"             ? 3600
                  : unit == "d"             ? 86400
                                            : 0;
  if (digits == 0 || digits > 9 || scale == 0) {
    return InvalidArgument(flag + " '" + text + "': expected a duration like 7d, 12h or 90m");
  }
  return std::stoll(text.substr(0, digits)) * scale;
}

Result<int> ParseThreads(const std::string& text) {
  if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(text) < 1 || std::stoi(text) > 256) {
    return InvalidArgument("--threads '" + text + "': expected 1 to 256");
  }
  return std::stoi(text);
}

Status ApplyFlags(const ParsedArgs& parsed, ViewerOptions& options) {
  if (!parsed.positional.empty()) {
    return InvalidArgument("unexpected argument '" + parsed.positional.front() + "'");
  }
  if (auto v = parsed.Value("--data")) options.data_dir = *v;
  if (auto v = parsed.Value("--listen")) options.listen = *v;
  if (auto v = parsed.Value("--token")) {
    if (v->empty()) return InvalidArgument("--token: empty");
    options.token = *v;
  }
  if (auto v = parsed.Value("--webhook")) options.webhook_url = *v;
  if (auto v = parsed.Value("--public-url")) options.public_url = *v;
  for (auto [flag, target] : {std::pair{"--max-upload-bytes", &options.max_upload_bytes},
                              std::pair{"--max-profile-bytes", &options.max_profile_bytes}}) {
    if (auto v = parsed.Value(flag)) {
      Result<uint64_t> size = ParseByteSize(flag, *v);
      if (!size.ok()) return size.status();
      if (*size == 0) return InvalidArgument(std::string(flag) + ": must be positive");
      *target = *size;
    }
  }
  if (auto v = parsed.Value("--retention-bytes")) {
    Result<uint64_t> size = ParseByteSize("--retention-bytes", *v);
    if (!size.ok()) return size.status();
    options.retention_max_bytes = *size;
  }
  if (auto v = parsed.Value("--retention-age")) {
    Result<int64_t> age = ParseDurationSeconds("--retention-age", *v);
    if (!age.ok()) return age.status();
    options.retention_max_age_seconds = *age;
  }
  if (auto v = parsed.Value("--threads")) {
    Result<int> threads = ParseThreads(*v);
    if (!threads.ok()) return threads.status();
    options.threads = *threads;
  }
  Result<ListenAddress> address = ParseListenAddress(options.listen);
  return address.ok() ? Status::Ok() : address.status();
}

}  // namespace

int ServeCommand(Args args) {
  Result<ParsedArgs> parsed = ParseArgs(
      args,
      {"--data", "--listen", "--token", "--webhook", "--public-url", "--max-upload-bytes",
       "--max-profile-bytes", "--retention-age", "--retention-bytes", "--threads"},
      {});
  if (!parsed.ok()) return UsageError("serve", parsed.status().message());
  ViewerOptions options;
  if (Status s = ApplyFlags(*parsed, options); !s.ok()) return UsageError("serve", s.message());

  // Every thread the server starts inherits this mask, so the signals arrive
  // only at the sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<std::unique_ptr<ViewerServer>> server = ViewerServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "autoprof serve: %s\n", server.status().message().c_str());
    return server.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::printf("autoprof serve: listening on %s (data %s%s)\n", (*server)->url().c_str(),
              options.data_dir.c_str(), options.token.empty() ? "" : ", token required");
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "autoprof serve: stopping on signal %d\n", signal_number);
  (*server)->Stop();
  return 0;
}

}  // namespace autoprof::cli
