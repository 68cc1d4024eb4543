// FlameTreeToJson and DiffTreeToJson: the column-array JSON documented in
// autoprof/flame.h. Written by hand: a 100,000-node tree is mostly integers, and
// a DOM library would triple the time. Strings are escaped for JSON and for
// inlining into an HTML <script> ('<' as \u003c); invalid UTF-8 becomes U+FFFD.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "autoprof/flame.h"

namespace autoprof {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto cont = [&](size_t k) { return k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;  // overlong, surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

class JsonWriter {
 public:
  std::string& out() { return out_; }

  void String(std::string_view s) {
    out_ += '"';
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        size_t len = Utf8Length(s, i);
        if (len == 0) {
          out_ += "\xEF\xBF\xBD";
          ++i;
        } else {
          out_.append(s.substr(i, len));
          i += len;
        }
        continue;
      }
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        case '<': out_ += "\\u003c"; break;
        case '>': out_ += "\\u003e"; break;
        case '&': out_ += "\\u0026"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          } else {
            out_ += static_cast<char>(c);
          }
      }
      ++i;
    }
    out_ += '"';
  }

  template <typename T>
  void Number(T v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(v)) v = 0;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }

  // "key": [f(0), f(1), ...]
  template <typename F>
  void Column(std::string_view key, size_t n, F f) {
    Key(key);
    out_ += '[';
    for (size_t i = 0; i < n; ++i) {
      if (i) out_ += ',';
      Number(f(i));
    }
    out_ += ']';
  }

  void Key(std::string_view key) {
    if (!out_.empty() && out_.back() != '{' && out_.back() != '[') out_ += ',';
    String(key);
    out_ += ':';
  }

 private:
  std::string out_;
};

void WriteHeader(JsonWriter& w, const char* kind, const ValueType& type,
                 const std::vector<std::string>& types) {
  w.out() += '{';
  w.Key("version");
  w.Number(1);
  w.Key("kind");
  w.String(kind);
  w.Key("sample_type");
  w.out() += '{';
  w.Key("type");
  w.String(type.type);
  w.Key("unit");
  w.String(type.unit);
  w.out() += '}';
  w.Key("sample_types");
  w.out() += '[';
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) w.out() += ',';
    w.String(types[i]);
  }
  w.out() += ']';
}

void WritePruned(JsonWriter& w, size_t pruned, const FlameOptions& o) {
  w.Key("pruned");
  w.out() += '{';
  w.Key("nodes");
  w.Number(pruned);
  w.Key("min_fraction");
  w.Number(o.min_fraction);
  w.Key("max_nodes");
  w.Number(o.max_nodes);
  w.out() += '}';
}

void WriteNames(JsonWriter& w, const std::vector<std::string>& names) {
  w.Key("names");
  w.out() += '[';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) w.out() += ',';
    w.String(names[i]);
  }
  w.out() += ']';
}

void WriteSide(JsonWriter& w, std::string_view key, const DiffSide& s) {
  w.Key(key);
  w.out() += '{';
  w.Key("profiles");
  w.Number(s.profiles);
  w.Key("total");
  w.Number(s.total);
  w.Key("counts");
  w.Number(s.counts);
  w.Key("duration_seconds");
  w.Number(s.duration_seconds);
  w.out() += '}';
}

// The pruning note, the names, and the columns every tree has (name, parent,
// flags); leaves "nodes" open for the caller's value columns.
template <typename Tree>
void WriteStructure(JsonWriter& w, const Tree& tree) {
  WritePruned(w, tree.pruned_nodes, tree.options);
  WriteNames(w, tree.names);
  const auto& n = tree.nodes;
  w.Key("nodes");
  w.out() += '{';
  w.Column("name", n.size(), [&](size_t i) { return n[i].name; });
  w.Column("parent", n.size(), [&](size_t i) { return n[i].parent; });
  w.Column("flags", n.size(), [&](size_t i) { return n[i].flags; });
}

}  // namespace

std::string FlameTreeToJson(const FlameTree& tree) {
  JsonWriter w;
  w.out().reserve(64 + tree.nodes.size() * 40);
  WriteHeader(w, "flame", tree.sample_type, tree.sample_types);
  w.Key("total");
  w.Number(tree.total());
  WriteStructure(w, tree);
  const auto& n = tree.nodes;
  w.Column("self", n.size(), [&](size_t i) { return n[i].self; });
  w.Column("total", n.size(), [&](size_t i) { return n[i].total; });
  w.out() += "}}";
  return std::move(w.out());
}

std::string DiffTreeToJson(const DiffTree& tree) {
  JsonWriter w;
  w.out().reserve(128 + tree.nodes.size() * 60);
  WriteHeader(w, "diff", tree.sample_type, tree.sample_types);
  w.Key("normalization");
  w.String(NormalizationName(tree.normalization));
  w.Key("alpha");
  w.Number(tree.alpha);
  w.Key("counts");
  w.String(tree.counts);
  WriteSide(w, "base", tree.base);
  WriteSide(w, "target", tree.target);
  WriteStructure(w, tree);
  const auto& n = tree.nodes;
  w.Column("before_self", n.size(), [&](size_t i) { return n[i].before_self; });
  w.Column("before_total", n.size(), [&](size_t i) { return n[i].before_total; });
  w.Column("after_self", n.size(), [&](size_t i) { return n[i].after_self; });
  w.Column("after_total", n.size(), [&](size_t i) { return n[i].after_total; });
  w.out() += "}}";
  return std::move(w.out());
}

}  // namespace autoprof
