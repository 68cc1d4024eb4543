#include "retry_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

namespace autoprof::upload_internal {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Parses an HTTP-date (RFC 9110 section 5.6.7) in any of its three forms.
std::optional<std::time_t> ParseHttpDate(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::string s(text);
  static constexpr std::array<const char*, 3> kForms = {
      "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate
      "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850
      "%a %b %e %H:%M:%S %Y",       // asctime
  };
  for (const char* form : kForms) {
    std::tm tm{};
    const char* end = strptime(s.c_str(), form, &tm);
    if (end != nullptr && *end == '\0') {
      std::time_t t = timegm(&tm);
      if (t != static_cast<std::time_t>(-1)) return t;
    }
  }
  return std::nullopt;
}

}  // namespace

Outcome Classify(int status) {
  if (status >= 200 && status < 300) return Outcome::kDone;
  if (status == 0 || status == 408 || status == 429 || (status >= 500 && status < 600)) {
    return Outcome::kRetry;
  }
  return Outcome::kQuarantine;
}

std::optional<Millis> ParseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now) {
  value = Trim(value);
  if (AllDigits(value)) {
    // Anything beyond a day is clamped later by the caller's cap anyway.
    if (value.size() > 9) return Millis(int64_t{999'999'999} * 1000);
    int64_t seconds = 0;
    for (char c : value) seconds = seconds * 10 + (c - '0');
    return Millis(seconds * 1000);
  }
  std::optional<std::time_t> when = ParseHttpDate(value);
  if (!when) return std::nullopt;
  // In whole seconds: a date far in the future must not overflow the clock's ticks.
  std::time_t now_s = std::chrono::system_clock::to_time_t(now);
  if (*when <= now_s) return Millis(0);
  int64_t seconds = std::min<int64_t>(*when - now_s, 999'999'999);
  return Millis(seconds * 1000);
}

std::string OneLineReason(std::string_view body) {
  body = Trim(body);
  body = body.substr(0, body.find_first_of("\r\n"));
  body = Trim(body.substr(0, 200));
  if (body.empty()) return "(empty body)";
  std::string out(body);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

Millis Backoff::Next() {
  int64_t ceiling = initial_.count();
  for (int i = 0; i < failures_ && ceiling < max_.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_.count());
  if (failures_ < 62) ++failures_;
  if (ceiling <= 0) return Millis(0);
  return Millis(std::uniform_int_distribution<int64_t>(0, ceiling)(rng_));
}

}  // namespace autoprof::upload_internal
