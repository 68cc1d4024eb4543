// DecodeProfile: profile.proto bytes (gzipped or plain) -> autoprof::Profile.
//
// Two passes over the top-level message: the first collects the string table
// (a writer may put it anywhere, Go puts it after the messages that use it), the
// second decodes every message and resolves its string indexes. Unknown fields
// are skipped, repeated integers are accepted packed or unpacked, and every
// length is checked, so malformed input ends in a one-line error.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autoprof/pprof.h"
#include "pprof_fields.h"
#include "pprof_wire.h"

namespace autoprof {
namespace {

namespace f = fields;

// Where a field sits, e.g. "sample 12 label"; formatted only for an error message.
struct Where {
  const char* what;
  size_t index = static_cast<size_t>(-1);
  const char* part = nullptr;

  std::string str() const {
    std::string s = what;
    if (index != static_cast<size_t>(-1)) s += " " + std::to_string(index);
    if (part != nullptr) s += std::string(" ") + part;
    return s;
  }
  Where With(const char* sub) const { return {what, index, sub}; }
};

Status Malformed(const Where& where, const char* why) {
  return InvalidArgument("pprof: malformed " + where.str() + ": " + why);
}

// Scalar fields must arrive as varints; anything else is malformed.
Status Uint(const wire::Field& fd, uint64_t* out, const Where& where) {
  if (fd.type != wire::kVarint) return Malformed(where, "wrong wire type");
  *out = fd.varint;
  return Status::Ok();
}
Status Int(const wire::Field& fd, int64_t* out, const Where& where) {
  uint64_t v = 0;
  AUTOPROF_RETURN_IF_ERROR(Uint(fd, &v, where));
  *out = static_cast<int64_t>(v);
  return Status::Ok();
}
Status Bool(const wire::Field& fd, bool* out, const Where& where) {
  uint64_t v = 0;
  AUTOPROF_RETURN_IF_ERROR(Uint(fd, &v, where));
  *out = v != 0;
  return Status::Ok();
}

// Calls on_field(field) for each field of the nested message `outer`.
template <typename Fn>
Status ForEachField(const wire::Field& outer, const Where& where, Fn&& on_field) {
  if (outer.type != wire::kLengthDelimited) return Malformed(where, "wrong wire type");
  wire::Reader r(outer.bytes);
  wire::Field fd;
  while (r.Next(&fd)) AUTOPROF_RETURN_IF_ERROR(on_field(fd));
  if (r.error() != nullptr) return Malformed(where, r.error());
  return Status::Ok();
}

class Decoder {
 public:
  Status Decode(std::string_view bytes, Profile* p) {
    AUTOPROF_RETURN_IF_ERROR(CollectStrings(bytes));
    wire::Reader r(bytes);
    wire::Field fd;
    while (r.Next(&fd)) AUTOPROF_RETURN_IF_ERROR(DecodeTopLevel(fd, p));
    if (r.error() != nullptr) return Malformed({"profile"}, r.error());
    return Status::Ok();
  }

 private:
  // Appends an element to `table` and returns it with the Where naming it.
  template <typename T>
  static std::pair<T*, Where> Append(std::vector<T>* table, const char* what) {
    size_t index = table->size();
    return {&table->emplace_back(), Where{what, index}};
  }

  Status DecodeTopLevel(const wire::Field& fd, Profile* p) {
    switch (fd.number) {
      case f::profile::kSampleType: {
        auto [vt, where] = Append(&p->sample_types, "sample_type");
        return DecodeValueType(fd, vt, where);
      }
      case f::profile::kSample: {
        auto [s, where] = Append(&p->samples, "sample");
        return DecodeSample(fd, s, where);
      }
      case f::profile::kMapping: {
        auto [m, where] = Append(&p->mappings, "mapping");
        return DecodeMapping(fd, m, where);
      }
      case f::profile::kLocation: {
        auto [l, where] = Append(&p->locations, "location");
        return DecodeLocation(fd, l, where);
      }
      case f::profile::kFunction: {
        auto [fn, where] = Append(&p->functions, "function");
        return DecodeFunction(fd, fn, where);
      }
      case f::profile::kDropFrames:
        return Str(fd, &p->drop_frames, {"drop_frames"});
      case f::profile::kKeepFrames:
        return Str(fd, &p->keep_frames, {"keep_frames"});
      case f::profile::kTimeNanos:
        return Int(fd, &p->time_nanos, {"time_nanos"});
      case f::profile::kDurationNanos:
        return Int(fd, &p->duration_nanos, {"duration_nanos"});
      case f::profile::kPeriodType:
        return DecodeValueType(fd, &p->period_type, {"period_type"});
      case f::profile::kPeriod:
        return Int(fd, &p->period, {"period"});
      case f::profile::kComment: {
        std::optional<uint64_t> bad;
        const char* err = wire::ForEachVarint(fd, [&](uint64_t idx) {
          if (idx < strings_.size()) {
            p->comments.emplace_back(strings_[idx]);
          } else {
            bad = idx;
          }
        });
        if (err != nullptr) return Malformed({"comment"}, err);
        if (bad) return BadIndex({"comment"}, *bad);
        return Status::Ok();
      }
      case f::profile::kDefaultSampleType:
        return Str(fd, &p->default_sample_type, {"default_sample_type"});
      default:
        return Status::Ok();  // string_table (read in the first pass) and unknown fields
    }
  }

  Status CollectStrings(std::string_view bytes) {
    wire::Reader r(bytes);
    wire::Field fd;
    while (r.Next(&fd)) {
      if (fd.number != f::profile::kStringTable) continue;
      if (fd.type != wire::kLengthDelimited) return Malformed({"string_table"}, "wrong wire type");
      strings_.push_back(fd.bytes);
    }
    if (r.error() != nullptr) return Malformed({"profile"}, r.error());
    if (strings_.empty()) return InvalidArgument("pprof: string_table is missing");
    if (!strings_[0].empty()) return InvalidArgument("pprof: string_table[0] is not empty");
    return Status::Ok();
  }

  Status BadIndex(const Where& where, uint64_t idx) const {
    return InvalidArgument("pprof: " + where.str() + ": string index " + std::to_string(idx) +
                           " out of range, string_table has " + std::to_string(strings_.size()) +
                           " entries");
  }

  Status Str(const wire::Field& fd, std::string* out, const Where& where) const {
    uint64_t idx = 0;
    AUTOPROF_RETURN_IF_ERROR(Uint(fd, &idx, where));
    if (idx >= strings_.size()) return BadIndex(where, idx);
    out->assign(strings_[idx]);
    return Status::Ok();
  }

  Status DecodeValueType(const wire::Field& outer, ValueType* vt, const Where& where) {
    return ForEachField(outer, where, [&](const wire::Field& fd) {
      switch (fd.number) {
        case f::value_type::kType:
          return Str(fd, &vt->type, where.With("type"));
        case f::value_type::kUnit:
          return Str(fd, &vt->unit, where.With("unit"));
        default:
          return Status::Ok();
      }
    });
  }

  Status DecodeSample(const wire::Field& outer, Sample* s, const Where& where) {
    return ForEachField(outer, where, [&](const wire::Field& fd) {
      const char* err = nullptr;
      switch (fd.number) {
        case f::sample::kLocationId:
          s->location_ids.reserve(s->location_ids.size() + wire::CountVarints(fd));
          err = wire::ForEachVarint(fd, [s](uint64_t v) { s->location_ids.push_back(v); });
          break;
        case f::sample::kValue:
          s->values.reserve(s->values.size() + wire::CountVarints(fd));
          err = wire::ForEachVarint(
              fd, [s](uint64_t v) { s->values.push_back(static_cast<int64_t>(v)); });
          break;
        case f::sample::kLabel:
          return DecodeLabel(fd, &s->labels.emplace_back(), where.With("label"));
        default:
          break;
      }
      return err == nullptr ? Status::Ok() : Malformed(where, err);
    });
  }

  Status DecodeLabel(const wire::Field& outer, Label* l, const Where& where) {
    return ForEachField(outer, where, [&](const wire::Field& fd) {
      switch (fd.number) {
        case f::label::kKey:
          return Str(fd, &l->key, where);
        case f::label::kStr:
          return Str(fd, &l->str, where);
        case f::label::kNum:
          return Int(fd, &l->num, where);
        case f::label::kNumUnit:
          return Str(fd, &l->num_unit, where);
        default:
          return Status::Ok();
      }
    });
  }

  Status DecodeMapping(const wire::Field& outer, Mapping* m, const Where& where) {
    return ForEachField(outer, where, [&](const wire::Field& fd) {
      switch (fd.number) {
        case f::mapping::kId:
          return Uint(fd, &m->id, where);
        case f::mapping::kMemoryStart:
          return Uint(fd, &m->memory_start, where);
        case f::mapping::kMemoryLimit:
          return Uint(fd, &m->memory_limit, where);
        case f::mapping::kFileOffset:
          return Uint(fd, &m->file_offset, where);
        case f::mapping::kFilename:
          return Str(fd, &m->filename, where.With("filename"));
        case f::mapping::kBuildId:
          return Str(fd, &m->build_id, where.With("build_id"));
        case f::mapping::kHasFunctions:
          return Bool(fd, &m->has_functions, where);
        case f::mapping::kHasFilenames:
          return Bool(fd, &m->has_filenames, where);
        case f::mapping::kHasLineNumbers:
          return Bool(fd, &m->has_line_numbers, where);
        case f::mapping::kHasInlineFrames:
          return Bool(fd, &m->has_inline_frames, where);
        default:
          return Status::Ok();
      }
    });
  }

  Status DecodeLocation(const wire::Field& outer, Location* l, const Where& where) {
    return ForEachField(outer, where, [&](const wire::Field& fd) {
      switch (fd.number) {
        case f::location::kId:
          return Uint(fd, &l->id, where);
        case f::location::kMappingId:
          return Uint(fd, &l->mapping_id, where);
        case f::location::kAddress:
          return Uint(fd, &l->address, where);
        case f::location::kLine:
          return DecodeLine(fd, &l->lines.emplace_back(), where.With("line"));
        case f::location::kIsFolded:
          return Bool(fd, &l->is_folded, where);
        default:
          return Status::Ok();
      }
    });
  }

  Status DecodeLine(const wire::Field& outer, Line* ln, const Where& where) {
    return ForEachField(outer, where, [&](const wire::Field& fd) {
      switch (fd.number) {
        case f::line::kFunctionId:
          return Uint(fd, &ln->function_id, where);
        case f::line::kLine:
          return Int(fd, &ln->line, where);
        case f::line::kColumn:
          return Int(fd, &ln->column, where);
        default:
          return Status::Ok();
      }
    });
  }

  Status DecodeFunction(const wire::Field& outer, Function* fn, const Where& where) {
    return ForEachField(outer, where, [&](const wire::Field& fd) {
      switch (fd.number) {
        case f::function::kId:
          return Uint(fd, &fn->id, where);
        case f::function::kName:
          return Str(fd, &fn->name, where.With("name"));
        case f::function::kSystemName:
          return Str(fd, &fn->system_name, where.With("system_name"));
        case f::function::kFilename:
          return Str(fd, &fn->filename, where.With("filename"));
        case f::function::kStartLine:
          return Int(fd, &fn->start_line, where);
        default:
          return Status::Ok();
      }
    });
  }

  std::vector<std::string_view> strings_;
};

}  // namespace

bool IsGzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x1f &&
         static_cast<uint8_t>(bytes[1]) == 0x8b;
}

Result<Profile> DecodeProfile(std::string_view bytes, const DecodeLimits& limits) {
  if (bytes.empty()) return InvalidArgument("pprof: empty input");
  std::string inflated;
  if (IsGzip(bytes)) {
    Result<std::string> r = Gunzip(bytes, limits.max_decompressed_bytes);
    if (!r.ok()) return r.status();
    inflated = std::move(*r);
    bytes = inflated;
  } else if (bytes.size() > limits.max_decompressed_bytes) {
    return ResourceExhausted("pprof: input of " + std::to_string(bytes.size()) +
                             " bytes exceeds the limit of " +
                             std::to_string(limits.max_decompressed_bytes));
  }
  Profile p;
  AUTOPROF_RETURN_IF_ERROR(Decoder().Decode(bytes, &p));
  AUTOPROF_RETURN_IF_ERROR(ValidateProfile(p));
  return p;
}

}  // namespace autoprof
