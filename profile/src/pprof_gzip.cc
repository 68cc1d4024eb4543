// Gzip and Gunzip over zlib. Gunzip reads concatenated gzip members, as gzip(1)
// and Go's reader do, and stops with an error once the output would pass the cap,
// so a small "zip bomb" cannot make us allocate without bound.
#include <zlib.h>

#include <string>
#include <string_view>

#include "autoprof/pprof.h"

namespace autoprof {
namespace {

// RAII for a z_stream set up by deflateInit2 or inflateInit2.
class ZStream {
 public:
  explicit ZStream(bool deflating) : deflating_(deflating) {}
  ~ZStream() {
    if (!initialized_) return;
    if (deflating_) {
      deflateEnd(&z_);
    } else {
      inflateEnd(&z_);
    }
  }
  ZStream(const ZStream&) = delete;
  ZStream& operator=(const ZStream&) = delete;

  bool Init() {
    // 15 window bits + 16: gzip framing rather than a raw zlib stream. Level 1,
    // as Go's runtime/pprof uses: profiles are written inside a busy service,
    // and the higher levels cost several times the CPU for a few percent.
    int rc = deflating_
                 ? deflateInit2(&z_, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
                 : inflateInit2(&z_, 15 + 16);
    initialized_ = rc == Z_OK;
    return initialized_;
  }
  z_stream* get() { return &z_; }

 private:
  z_stream z_{};
  bool deflating_;
  bool initialized_ = false;
};

constexpr size_t kChunk = 1 << 16;

}  // namespace

Result<std::string> Gzip(std::string_view data) {
  ZStream zs(/*deflating=*/true);
  if (!zs.Init()) return Internal("gzip: deflateInit2 failed");
  z_stream* z = zs.get();
  std::string out;
  out.resize(deflateBound(z, data.size()) + 32);
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z->avail_in = 0;
  z->next_out = reinterpret_cast<Bytef*>(out.data());
  z->avail_out = static_cast<uInt>(out.size());
  size_t left = data.size();
  int rc = Z_OK;
  while (rc == Z_OK) {
    // avail_in is 32 bits wide; feed large inputs in slices.
    if (z->avail_in == 0 && left > 0) {
      z->avail_in = static_cast<uInt>(left > (1u << 30) ? (1u << 30) : left);
      left -= z->avail_in;
    }
    if (z->avail_out == 0) {
      size_t used = out.size();
      out.resize(used * 2);
      z->next_out = reinterpret_cast<Bytef*>(out.data() + used);
      z->avail_out = static_cast<uInt>(out.size() - used);
    }
    rc = deflate(z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
  }
  if (rc != Z_STREAM_END) return Internal("gzip: deflate failed");
  out.resize(z->total_out);
  return out;
}

Result<std::string> Gunzip(std::string_view data, size_t max_output) {
  std::string out;
  const char* next = data.data();
  size_t left = data.size();
  if (left == 0) return InvalidArgument("gzip: empty input");
  while (left > 0) {
    ZStream zs(/*deflating=*/false);
    if (!zs.Init()) return Internal("gzip: inflateInit2 failed");
    z_stream* z = zs.get();
    z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(next));
    z->avail_in = static_cast<uInt>(left > (1u << 30) ? (1u << 30) : left);
    size_t fed = z->avail_in;
    int rc = Z_OK;
    while (rc == Z_OK) {
      if (z->avail_in == 0 && fed < left) {
        size_t more = left - fed > (1u << 30) ? (1u << 30) : left - fed;
        z->avail_in = static_cast<uInt>(more);
        fed += more;
      }
      size_t used = out.size();
      if (used >= max_output + 1) {
        return ResourceExhausted("gzip: decompressed data exceeds the limit of " +
                                 std::to_string(max_output) + " bytes");
      }
      size_t room = std::min(kChunk, max_output + 1 - used);
      out.resize(used + room);
      z->next_out = reinterpret_cast<Bytef*>(out.data() + used);
      z->avail_out = static_cast<uInt>(room);
      rc = inflate(z, Z_NO_FLUSH);
      out.resize(used + room - z->avail_out);
      if (rc == Z_BUF_ERROR && z->avail_in == 0 && fed == left) {
        return InvalidArgument("gzip: truncated input");
      }
      if (rc == Z_BUF_ERROR) rc = Z_OK;  // no progress possible this round; try again
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
      return InvalidArgument(std::string("gzip: corrupt data: ") +
                             (z->msg ? z->msg : "bad stream"));
    }
    if (rc != Z_STREAM_END) return Internal("gzip: inflate failed");
    if (out.size() > max_output) {
      return ResourceExhausted("gzip: decompressed data exceeds the limit of " +
                               std::to_string(max_output) + " bytes");
    }
    size_t consumed = (fed - z->avail_in);
    next += consumed;
    left -= consumed;
    // Trailing bytes that do not start another member are ignored, like gzip(1)
    // does with zero padding.
    if (left < 2 || static_cast<uint8_t>(next[0]) != 0x1f ||
        static_cast<uint8_t>(next[1]) != 0x8b) {
      break;
    }
  }
  return out;
}

}  // namespace autoprof
