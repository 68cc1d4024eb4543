#include "parse.h"

#include <charconv>
#include <cmath>

namespace autoprof::cgroup_internal {
namespace {

constexpr std::string_view kSpace = " \t";

// Splits off the next field separated by spaces or tabs; empty at the end.
std::string_view NextField(std::string_view& rest) {
  size_t start = rest.find_first_not_of(kSpace);
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  size_t end = rest.find_first_of(kSpace);
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return field;
}

// Calls fn(line, line_number) for each line; stops at the first error.
template <typename Fn>
Status ForEachLine(std::string_view text, Fn&& fn) {
  int number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    AUTOPROF_RETURN_IF_ERROR(fn(line, number));
  }
  return Status::Ok();
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  for (char c : s.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > kMax) out += "...";
  return out + "'";
}

Status Malformed(std::string_view file, std::string_view what) {
  return InvalidArgument(std::string(file) + ": " + std::string(what));
}

Status MalformedLine(std::string_view file, int line, std::string_view what) {
  return InvalidArgument(std::string(file) + ":" + std::to_string(line) + ": " + std::string(what));
}

std::string_view TrimTrailingNewline(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// A whole field as a signed decimal integer.
std::optional<int64_t> ToInt64(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

Result<int64_t> NonNegativeField(std::string_view file, int line, std::string_view key,
                                 std::string_view value) {
  if (value.empty()) return MalformedLine(file, line, "no value after '" + std::string(key) + "'");
  std::optional<int64_t> v = ToInt64(value);
  if (!v)
    return MalformedLine(file, line, std::string(key) + " is not an integer: " + Quote(value));
  if (*v < 0) return MalformedLine(file, line, std::string(key) + " is negative: " + Quote(value));
  return *v;
}

}  // namespace

bool CgroupMount::HasController(std::string_view name) const {
  for (const auto& o : options) {
    if (o == name) return true;
  }
  return false;
}

std::string UnescapeMountPath(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      std::string_view oct = field.substr(i + 1, 3);
      if (oct[0] >= '0' && oct[0] <= '3' && oct[1] >= '0' && oct[1] <= '7' && oct[2] >= '0' &&
          oct[2] <= '7') {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

Result<std::vector<CgroupMount>> ParseMountInfo(std::string_view file, std::string_view text) {
  std::vector<CgroupMount> mounts;
  Status s = ForEachLine(text, [&](std::string_view line, int number) -> Status {
    if (line.find_first_not_of(kSpace) == std::string_view::npos) return Status::Ok();
    std::string_view rest = line;
    std::string_view fields[6];
    for (auto& f : fields) {
      f = NextField(rest);
      if (f.empty()) return MalformedLine(file, number, "fewer than 6 fields before ' - '");
    }
    // Optional fields ("shared:1", "master:2", ...) run up to a lone "-".
    std::string_view field;
    do {
      field = NextField(rest);
      if (field.empty()) return MalformedLine(file, number, "no ' - ' separator");
    } while (field != "-");
    std::string_view fstype = NextField(rest);
    std::string_view source = NextField(rest);
    if (fstype.empty() || source.empty()) {
      return MalformedLine(file, number, "no filesystem type or source after ' - '");
    }
    if (fstype != "cgroup" && fstype != "cgroup2") return Status::Ok();
    CgroupMount m;
    m.root = UnescapeMountPath(fields[3]);
    m.mount_point = UnescapeMountPath(fields[4]);
    m.v2 = fstype == "cgroup2";
    // Super options are the rest of the line; they may hold escaped or raw spaces.
    size_t start = rest.find_first_not_of(kSpace);
    std::string_view options = start == std::string_view::npos ? "" : rest.substr(start);
    while (!options.empty()) {
      size_t comma = options.find(',');
      std::string_view opt = options.substr(0, comma);
      if (!opt.empty()) m.options.emplace_back(opt);
      options.remove_prefix(comma == std::string_view::npos ? options.size() : comma + 1);
    }
    if (m.root.empty() || m.root[0] != '/' || m.mount_point.empty() || m.mount_point[0] != '/') {
      return MalformedLine(file, number, "cgroup mount root or point is not an absolute path");
    }
    mounts.push_back(std::move(m));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return mounts;
}

Result<std::vector<ProcCgroupEntry>> ParseProcCgroup(std::string_view file, std::string_view text) {
  std::vector<ProcCgroupEntry> entries;
  Status s = ForEachLine(text, [&](std::string_view line, int number) -> Status {
    if (line.empty()) return Status::Ok();
    // Only the first two colons separate fields; the path may contain more.
    size_t c1 = line.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) {
      return MalformedLine(file, number, "expected 'id:controllers:path', got " + Quote(line));
    }
    ProcCgroupEntry e;
    std::optional<int64_t> id = ToInt64(line.substr(0, c1));
    if (!id || *id < 0) {
      return MalformedLine(file, number, "hierarchy id is not a number: " + Quote(line));
    }
    e.hierarchy_id = *id;
    std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
    while (!controllers.empty()) {
      size_t comma = controllers.find(',');
      std::string_view c = controllers.substr(0, comma);
      if (!c.empty()) e.controllers.emplace_back(c);
      controllers.remove_prefix(comma == std::string_view::npos ? controllers.size() : comma + 1);
    }
    e.path = std::string(line.substr(c2 + 1));
    if (e.path.empty() || e.path[0] != '/') {
      return MalformedLine(file, number, "cgroup path is not absolute: " + Quote(line));
    }
    entries.push_back(std::move(e));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return entries;
}

Result<int64_t> ParseInt64(std::string_view file, std::string_view text) {
  std::string_view v = TrimTrailingNewline(text);
  if (v.empty()) return Malformed(file, "empty, expected an integer");
  std::optional<int64_t> n = ToInt64(v);
  if (!n) return Malformed(file, "expected an integer, got " + Quote(v));
  return *n;
}

Result<Measured<int64_t>> ParseMaxOrInt(std::string_view file, std::string_view text) {
  std::string_view v = TrimTrailingNewline(text);
  if (v == "max") return Measured<int64_t>::Unlimited();
  Result<int64_t> n = ParseInt64(file, text);
  if (!n.ok()) return n.status();
  if (*n < 0) return Malformed(file, "negative limit " + Quote(v));
  return Measured<int64_t>::Of(*n);
}

Result<Measured<double>> ParseCpuMax(std::string_view file, std::string_view text) {
  std::string_view rest = TrimTrailingNewline(text);
  std::string_view quota = NextField(rest);
  std::string_view period = NextField(rest);
  if (quota.empty()) return Malformed(file, "empty, expected '<quota> <period>'");
  if (quota == "max") return Measured<double>::Unlimited();
  if (period.empty() || !NextField(rest).empty()) {
    return Malformed(file, "expected '<quota> <period>', got " + Quote(TrimTrailingNewline(text)));
  }
  std::optional<int64_t> q = ToInt64(quota);
  std::optional<int64_t> p = ToInt64(period);
  if (!q || !p)
    return Malformed(file, "expected '<quota> <period>', got " + Quote(TrimTrailingNewline(text)));
  return CfsQuotaCores(file, *q, *p);
}

Result<Measured<double>> CfsQuotaCores(std::string_view file, int64_t quota_us, int64_t period_us) {
  if (quota_us == -1) return Measured<double>::Unlimited();
  if (quota_us <= 0)
    return Malformed(file, "quota " + std::to_string(quota_us) + " is not positive");
  if (period_us <= 0) {
    return Malformed(file, "period " + std::to_string(period_us) + " is not positive");
  }
  return Measured<double>::Of(static_cast<double>(quota_us) / static_cast<double>(period_us));
}

Result<std::optional<int64_t>> FindKeyedValue(std::string_view file, std::string_view text,
                                              std::string_view key) {
  std::optional<int64_t> found;
  Status s = ForEachLine(text, [&](std::string_view line, int number) -> Status {
    std::string_view rest = line;
    if (found || NextField(rest) != key) return Status::Ok();
    Result<int64_t> v = NonNegativeField(file, number, key, NextField(rest));
    if (!v.ok()) return v.status();
    found = *v;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return found;
}

Result<PressureTotals> ParsePressure(std::string_view file, std::string_view text) {
  std::optional<int64_t> some, full;
  Status s = ForEachLine(text, [&](std::string_view line, int number) -> Status {
    std::string_view rest = line;
    std::string_view kind = NextField(rest);
    if (kind.empty()) return Status::Ok();
    if (kind != "some" && kind != "full") {
      return MalformedLine(file, number, "expected 'some' or 'full', got " + Quote(kind));
    }
    std::optional<int64_t> total;
    for (std::string_view f = NextField(rest); !f.empty(); f = NextField(rest)) {
      if (!f.starts_with("total=")) continue;
      Result<int64_t> v = NonNegativeField(file, number, "total", f.substr(6));
      if (!v.ok()) return v.status();
      total = *v;
    }
    if (!total)
      return MalformedLine(file, number, "no total= on the '" + std::string(kind) + "' line");
    (kind == "some" ? some : full) = total;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!some) return Malformed(file, "no 'some' line");
  return PressureTotals{*some, full};
}

Result<int> CountCpuList(std::string_view file, std::string_view text) {
  std::string_view list = TrimTrailingNewline(text);
  if (list.empty()) return Malformed(file, "empty CPU list");
  int64_t count = 0;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view range = list.substr(0, comma);
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    size_t dash = range.find('-');
    std::optional<int64_t> lo = ToInt64(range.substr(0, dash));
    std::optional<int64_t> hi =
        dash == std::string_view::npos ? lo : ToInt64(range.substr(dash + 1));
    constexpr int64_t kMaxCpu = 1 << 20;
    if (!lo || !hi || *lo < 0 || *hi < *lo || *hi >= kMaxCpu) {
      return Malformed(file, "bad CPU range " + Quote(range));
    }
    count += *hi - *lo + 1;
    if (count > kMaxCpu) return Malformed(file, "too many CPUs");
  }
  return static_cast<int>(count);
}

Result<int64_t> ParseMemTotal(std::string_view file, std::string_view text) {
  Result<std::optional<int64_t>> kb = FindKeyedValue(file, text, "MemTotal:");
  if (!kb.ok()) return kb.status();
  if (!*kb) return Malformed(file, "no MemTotal line");
  if (**kb > INT64_MAX / 1024) return Malformed(file, "MemTotal out of range");
  return **kb * 1024;
}

Result<int> ParseAllowedCpus(std::string_view file, std::string_view text) {
  std::optional<int> cpus;
  Status s = ForEachLine(text, [&](std::string_view line, int number) -> Status {
    std::string_view rest = line;
    if (cpus || NextField(rest) != "Cpus_allowed_list:") return Status::Ok();
    std::string_view list = NextField(rest);
    if (list.empty()) return MalformedLine(file, number, "no value after 'Cpus_allowed_list:'");
    Result<int> n = CountCpuList(file, list);
    if (!n.ok()) return n.status();
    cpus = *n;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!cpus) return Malformed(file, "no Cpus_allowed_list line");
  return *cpus;
}

}  // namespace autoprof::cgroup_internal
