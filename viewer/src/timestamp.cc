// RFC 3339 and epoch-number times for the upload metadata and list filters.
#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

#include "autoprof/profile_upload.h"

namespace autoprof {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

bool ReadDigits(std::string_view& text, size_t count, int& out) {
  if (text.size() < count) return false;
  out = 0;
  for (size_t i = 0; i < count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  text.remove_prefix(count);
  return true;
}

bool Expect(std::string_view& text, char c) {
  if (text.empty() || (text[0] != c && !(c == 'T' && (text[0] == 't' || text[0] == ' ')))) {
    return false;
  }
  text.remove_prefix(1);
  return true;
}

Result<int64_t> ParseEpochNumber(std::string_view text, std::string_view original) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument("time '" + std::string(original) +
                           "': expected RFC 3339 or a non-negative integer");
  }
  int64_t scale = value < 100'000'000'000LL          ? kNanosPerSecond
                  : value < 100'000'000'000'000LL     ? 1'000'000
                  : value < 100'000'000'000'000'000LL ? 1'000
                                                      : 1;
  if (value > std::numeric_limits<int64_t>::max() / scale) {
    return InvalidArgument("time '" + std::string(original) + "': out of range");
  }
  return value * scale;
}

}  // namespace

Result<int64_t> ParseTimestamp(std::string_view text) {
  const std::string_view original = text.substr(0, 64);
  if (text.empty()) return InvalidArgument("time: empty");
  if (text.find('-') == std::string_view::npos) return ParseEpochNumber(text, original);
  auto bad = [&] {
    return InvalidArgument("time '" + std::string(original) +
                           "': expected RFC 3339 like 2026-11-24T21:40:05Z");
  };
  std::tm tm{};
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, 4, year) || !Expect(text, '-') || !ReadDigits(text, 2, month) ||
      !Expect(text, '-') || !ReadDigits(text, 2, day) || !Expect(text, 'T') ||
      !ReadDigits(text, 2, hour) || !Expect(text, ':') || !ReadDigits(text, 2, minute) ||
      !Expect(text, ':') || !ReadDigits(text, 2, second)) {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad();
  }
  int64_t fraction_ns = 0;
  if (!text.empty() && text[0] == '.') {
    text.remove_prefix(1);
    int64_t scale = 100'000'000;
    size_t digits = 0;
    while (!text.empty() && text[0] >= '0' && text[0] <= '9') {
      fraction_ns += (text[0] - '0') * scale;
      scale /= 10;
      text.remove_prefix(1);
      ++digits;
    }
    if (digits == 0) return bad();
  }
  int64_t offset_seconds = 0;
  if (!text.empty() && (text[0] == 'Z' || text[0] == 'z')) {
    text.remove_prefix(1);
  } else if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    int sign = text[0] == '+' ? 1 : -1;
    text.remove_prefix(1);
    int oh, om;
    if (!ReadDigits(text, 2, oh) || !Expect(text, ':') || !ReadDigits(text, 2, om) || oh > 23 ||
        om > 59) {
      return bad();
    }
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return bad();
  }
  if (!text.empty()) return bad();
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_seconds;
  if (year < 1970 || seconds < 0) return bad();
  return seconds * kNanosPerSecond + fraction_ns;
}

std::string FormatTimestamp(int64_t ns_since_epoch) {
  if (ns_since_epoch < 0) ns_since_epoch = 0;
  std::time_t seconds = static_cast<std::time_t>(ns_since_epoch / kNanosPerSecond);
  int millis = static_cast<int>((ns_since_epoch % kNanosPerSecond) / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

}  // namespace autoprof
