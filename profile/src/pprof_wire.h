// Protocol Buffers wire format, the subset profile.proto needs: varints,
// length-delimited fields, packed and unpacked repeated scalars, and skipping of
// fields we do not know (fixed32/fixed64 included). Groups (wire types 3 and 4)
// are not used by profile.proto and are rejected as malformed.
//
// Private to the profile module. The reader never reads past its buffer: every
// length is checked against the bytes left, so truncated input is an error, not
// an overrun.
#ifndef AUTOPROF_PROFILE_PPROF_WIRE_H_
#define AUTOPROF_PROFILE_PPROF_WIRE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace autoprof::wire {

enum WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5,
};

// One field as it appears on the wire. `bytes` is set for length-delimited
// fields, `varint` for varint fields; fixed-width fields are skipped by value.
struct Field {
  uint32_t number = 0;
  WireType type = kVarint;
  uint64_t varint = 0;
  std::string_view bytes;
};

// Reads the fields of one message in order.
class Reader {
 public:
  explicit Reader(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}

  // Reads the next field into *f. False at the end of the message or on
  // malformed input; error() tells the two apart.
  bool Next(Field* f) {
    if (p_ == end_ || error_ != nullptr) return false;
    uint64_t tag;
    if (!ReadVarint(&tag)) return false;
    f->number = static_cast<uint32_t>(tag >> 3);
    if (f->number == 0 || (tag >> 3) > 0x1fffffff) return Fail("invalid field number 0");
    switch (tag & 7) {
      case kVarint:
        f->type = kVarint;
        return ReadVarint(&f->varint);
      case kFixed64:
        f->type = kFixed64;
        return Skip(8, &f->varint);
      case kFixed32:
        f->type = kFixed32;
        return Skip(4, &f->varint);
      case kLengthDelimited: {
        f->type = kLengthDelimited;
        uint64_t len;
        if (!ReadVarint(&len)) return false;
        if (len > static_cast<uint64_t>(end_ - p_)) return Fail("truncated input");
        f->bytes = std::string_view(p_, len);
        p_ += len;
        return true;
      }
      default:
        return Fail("unsupported wire type");
    }
  }

  // Null when the input read so far is well formed.
  const char* error() const { return error_; }

  bool ReadVarint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ == end_) return Fail("truncated input");
      uint8_t b = static_cast<uint8_t>(*p_++);
      if (shift == 63 && b > 1) return Fail("varint overflows 64 bits");
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return Fail("varint longer than 10 bytes");
  }

  bool at_end() const { return p_ == end_; }

 private:
  bool Skip(size_t n, uint64_t* v) {
    if (static_cast<size_t>(end_ - p_) < n) return Fail("truncated input");
    uint64_t x = 0;
    std::memcpy(&x, p_, n);
    *v = x;
    p_ += n;
    return true;
  }
  bool Fail(const char* why) {
    error_ = why;
    return false;
  }

  const char* p_;
  const char* end_;
  const char* error_ = nullptr;
};

// Calls fn(uint64_t) for each element of a repeated varint field, which a writer
// may send packed (one length-delimited field) or unpacked (one varint per
// field). Returns the error, or null.
template <typename Fn>
const char* ForEachVarint(const Field& f, Fn&& fn) {
  if (f.type == kVarint) {
    fn(f.varint);
    return nullptr;
  }
  if (f.type != kLengthDelimited) return "repeated integer field has a fixed-width wire type";
  Reader r(f.bytes);
  uint64_t v;
  while (!r.at_end()) {
    if (!r.ReadVarint(&v)) return r.error();
    fn(v);
  }
  return nullptr;
}

// How many elements a repeated varint field adds (each varint ends in a byte
// without the continuation bit), so the destination can be sized once.
inline size_t CountVarints(const Field& f) {
  if (f.type != kLengthDelimited) return 1;
  size_t n = 0;
  for (char c : f.bytes) n += (static_cast<uint8_t>(c) & 0x80) == 0;
  return n;
}

// Appends fields to a string. Scalars equal to zero are the caller's to omit
// (proto3 leaves defaults off the wire); repeated elements are always written.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  void Varint(uint32_t field, uint64_t v) {
    Tag(field, kVarint);
    RawVarint(v);
  }
  // Writes the field only when v is nonzero (proto3 default).
  void VarintIfSet(uint32_t field, uint64_t v) {
    if (v != 0) Varint(field, v);
  }
  void Int64IfSet(uint32_t field, int64_t v) { VarintIfSet(field, static_cast<uint64_t>(v)); }
  void Bytes(uint32_t field, std::string_view b) {
    Tag(field, kLengthDelimited);
    RawVarint(b.size());
    out_->append(b);
  }
  // A packed repeated varint field; nothing is written for an empty range.
  template <typename Int>
  void Packed(uint32_t field, const Int* begin, const Int* end) {
    if (begin == end) return;
    size_t len = 0;
    for (const Int* i = begin; i != end; ++i) len += VarintSize(static_cast<uint64_t>(*i));
    Tag(field, kLengthDelimited);
    RawVarint(len);
    for (const Int* i = begin; i != end; ++i) RawVarint(static_cast<uint64_t>(*i));
  }

  void RawVarint(uint64_t v) {
    char buf[10];
    size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_->append(buf, n);
  }

  static size_t VarintSize(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  }

 private:
  void Tag(uint32_t field, WireType t) { RawVarint((static_cast<uint64_t>(field) << 3) | t); }

  std::string* out_;
};

}  // namespace autoprof::wire

#endif  // AUTOPROF_PROFILE_PPROF_WIRE_H_
