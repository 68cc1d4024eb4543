// EncodeProfile: autoprof::Profile -> profile.proto bytes. Strings are interned
// into the string table as messages are written (index 0 is always ""), and the
// table goes on the wire after the messages that refer to it, which readers
// accept because the indexes are resolved after the whole message is read.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "autoprof/pprof.h"
#include "pprof_fields.h"
#include "pprof_wire.h"

namespace autoprof {
namespace {

namespace f = fields;

class StringTable {
 public:
  StringTable() { Index(""); }

  int64_t Index(std::string_view s) {
    auto [it, inserted] = index_.try_emplace(s, static_cast<int64_t>(strings_.size()));
    if (inserted) strings_.push_back(s);
    return it->second;
  }
  const std::vector<std::string_view>& strings() const { return strings_; }

 private:
  std::unordered_map<std::string_view, int64_t> index_;
  std::vector<std::string_view> strings_;
};

// Writes the messages of one profile. Nested messages are built in a scratch
// buffer and then copied behind their length, which keeps the writer one pass.
class Encoder {
 public:
  explicit Encoder(std::string* out) : w_(out) {}

  void Encode(const Profile& p) {
    for (const ValueType& vt : p.sample_types) Message(f::profile::kSampleType, ValueTypeBytes(vt));
    for (const Sample& s : p.samples) Message(f::profile::kSample, SampleBytes(s));
    for (const Mapping& m : p.mappings) Message(f::profile::kMapping, MappingBytes(m));
    for (const Location& l : p.locations) Message(f::profile::kLocation, LocationBytes(l));
    for (const Function& fn : p.functions) Message(f::profile::kFunction, FunctionBytes(fn));
    // Indexes of the profile-level strings are taken before the table is written.
    int64_t drop = Str(p.drop_frames);
    int64_t keep = Str(p.keep_frames);
    std::vector<int64_t> comments;
    for (const std::string& c : p.comments) comments.push_back(Str(c));
    int64_t default_type = Str(p.default_sample_type);
    std::string period_type = ValueTypeBytes(p.period_type);

    for (std::string_view s : strings_.strings()) w_.Bytes(f::profile::kStringTable, s);
    w_.Int64IfSet(f::profile::kDropFrames, drop);
    w_.Int64IfSet(f::profile::kKeepFrames, keep);
    w_.Int64IfSet(f::profile::kTimeNanos, p.time_nanos);
    w_.Int64IfSet(f::profile::kDurationNanos, p.duration_nanos);
    if (!period_type.empty() || p.period != 0) Message(f::profile::kPeriodType, period_type);
    w_.Int64IfSet(f::profile::kPeriod, p.period);
    w_.Packed(f::profile::kComment, comments.data(), comments.data() + comments.size());
    w_.Int64IfSet(f::profile::kDefaultSampleType, default_type);
  }

 private:
  int64_t Str(std::string_view s) { return strings_.Index(s); }

  void Message(uint32_t field, const std::string& bytes) { w_.Bytes(field, bytes); }

  // Each *Bytes function returns a reference to a reused buffer, valid until the
  // next call of the same function.
  const std::string& ValueTypeBytes(const ValueType& vt) {
    vt_buf_.clear();
    wire::Writer w(&vt_buf_);
    w.Int64IfSet(f::value_type::kType, Str(vt.type));
    w.Int64IfSet(f::value_type::kUnit, Str(vt.unit));
    return vt_buf_;
  }

  const std::string& SampleBytes(const Sample& s) {
    buf_.clear();
    wire::Writer w(&buf_);
    w.Packed(f::sample::kLocationId, s.location_ids.data(),
             s.location_ids.data() + s.location_ids.size());
    w.Packed(f::sample::kValue, s.values.data(), s.values.data() + s.values.size());
    for (const Label& l : s.labels) {
      label_buf_.clear();
      wire::Writer lw(&label_buf_);
      lw.Int64IfSet(f::label::kKey, Str(l.key));
      lw.Int64IfSet(f::label::kStr, Str(l.str));
      lw.Int64IfSet(f::label::kNum, l.num);
      lw.Int64IfSet(f::label::kNumUnit, Str(l.num_unit));
      w.Bytes(f::sample::kLabel, label_buf_);
    }
    return buf_;
  }

  const std::string& MappingBytes(const Mapping& m) {
    buf_.clear();
    wire::Writer w(&buf_);
    w.VarintIfSet(f::mapping::kId, m.id);
    w.VarintIfSet(f::mapping::kMemoryStart, m.memory_start);
    w.VarintIfSet(f::mapping::kMemoryLimit, m.memory_limit);
    w.VarintIfSet(f::mapping::kFileOffset, m.file_offset);
    w.Int64IfSet(f::mapping::kFilename, Str(m.filename));
    w.Int64IfSet(f::mapping::kBuildId, Str(m.build_id));
    w.VarintIfSet(f::mapping::kHasFunctions, m.has_functions);
    w.VarintIfSet(f::mapping::kHasFilenames, m.has_filenames);
    w.VarintIfSet(f::mapping::kHasLineNumbers, m.has_line_numbers);
    w.VarintIfSet(f::mapping::kHasInlineFrames, m.has_inline_frames);
    return buf_;
  }

  const std::string& LocationBytes(const Location& l) {
    buf_.clear();
    wire::Writer w(&buf_);
    w.VarintIfSet(f::location::kId, l.id);
    w.VarintIfSet(f::location::kMappingId, l.mapping_id);
    w.VarintIfSet(f::location::kAddress, l.address);
    for (const Line& ln : l.lines) {
      line_buf_.clear();
      wire::Writer lw(&line_buf_);
      lw.VarintIfSet(f::line::kFunctionId, ln.function_id);
      lw.Int64IfSet(f::line::kLine, ln.line);
      lw.Int64IfSet(f::line::kColumn, ln.column);
      w.Bytes(f::location::kLine, line_buf_);
    }
    w.VarintIfSet(f::location::kIsFolded, l.is_folded);
    return buf_;
  }

  const std::string& FunctionBytes(const Function& fn) {
    buf_.clear();
    wire::Writer w(&buf_);
    w.VarintIfSet(f::function::kId, fn.id);
    w.Int64IfSet(f::function::kName, Str(fn.name));
    w.Int64IfSet(f::function::kSystemName, Str(fn.system_name));
    w.Int64IfSet(f::function::kFilename, Str(fn.filename));
    w.Int64IfSet(f::function::kStartLine, fn.start_line);
    return buf_;
  }

  wire::Writer w_;
  StringTable strings_;
  std::string buf_, vt_buf_, label_buf_, line_buf_;
};

}  // namespace

std::string EncodeProfile(const Profile& profile) {
  std::string out;
  Encoder(&out).Encode(profile);
  return out;
}

}  // namespace autoprof
