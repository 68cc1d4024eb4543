// FlameHtml: flame_standalone.html with the UI's modules bundled into one inline
// script. The modules are written for the browser's own loader (the viewer serves
// them as files); a file:// page cannot import siblings, so they are joined here
// in dependency order with their `import` lines dropped and `export` keywords
// removed. That needs two habits of viewer/ui/*.js, kept by the browser test: one
// import per line ending in `from './x.js';`, and distinct top-level names.
#include "autoprof/flame_html.h"

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "autoprof/ui_assets.h"

namespace autoprof {
namespace {

constexpr char kEntryModule[] = "flame_standalone.js";
constexpr char kTemplate[] = "flame_standalone.html";
constexpr char kStyle[] = "flame.css";

std::string_view Asset(std::string_view path) {
  const UiAsset* a = FindUiAsset(path);
  return a ? a->content : std::string_view();
}

// The module named in `import ... from './x.js';`, or empty.
std::string_view ImportedModule(std::string_view line) {
  size_t from = line.rfind(" from ");
  if (from == std::string_view::npos) return {};
  std::string_view spec = line.substr(from + 6);
  if (spec.size() < 4 || (spec[0] != '\'' && spec[0] != '"')) return {};
  char quote = spec[0];
  size_t end = spec.find(quote, 1);
  if (end == std::string_view::npos) return {};
  spec = spec.substr(1, end - 1);
  if (spec.starts_with("./")) spec.remove_prefix(2);
  return spec;
}

// Appends `module` after the modules it imports, each once.
void Bundle(std::string_view module, std::set<std::string>& done, std::string& out) {
  if (!done.insert(std::string(module)).second) return;
  std::string_view text = Asset(module);
  std::string body;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(line.size());
    if (line.starts_with("import ")) {
      std::string_view dep = ImportedModule(line);
      if (!dep.empty()) Bundle(dep, done, out);
      continue;
    }
    if (line.starts_with("export ")) line.remove_prefix(7);
    body.append(line);
  }
  out += "// ---- " + std::string(module) + "\n" + body + "\n";
}

std::string EscapeHtml(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// SHA-256 (FIPS 180-4), for the CSP's hash sources.
std::string Sha256(std::string_view data) {
  static constexpr uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg(data);
  const uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 7; i >= 0; --i) msg += static_cast<char>((bits >> (8 * i)) & 0xff);
  auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (size_t block = 0; block < msg.size(); block += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(&msg[block + 4 * i]);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::string digest;
  for (uint32_t v : h) {
    for (int i = 3; i >= 0; --i) digest += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  return digest;
}

std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) n |= static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// The text between `open` and the next `close` of `html`.
std::string_view Between(std::string_view html, std::string_view open, std::string_view close) {
  size_t start = html.find(open);
  if (start == std::string_view::npos) return {};
  start += open.size();
  size_t end = html.find(close, start);
  return end == std::string_view::npos ? std::string_view() : html.substr(start, end - start);
}

}  // namespace

std::string FlameHtmlFromJson(std::string_view tree_json, std::string_view title) {
  std::string data;
  data.reserve(tree_json.size());
  for (char c : tree_json) {
    if (c == '<') {
      data += "\\u003c";  // only legal inside JSON strings, where it means the same
    } else {
      data += c;
    }
  }
  std::string script;
  std::set<std::string> done;
  Bundle(kEntryModule, done, script);

  // Fill the template's @NAME@ slots in one pass, so no substituted text is
  // scanned again. The CSP slot is filled last, from the finished script and style.
  std::string_view tmpl = Asset(kTemplate);
  std::string out;
  size_t csp_at = std::string::npos;
  for (size_t i = 0; i < tmpl.size();) {
    size_t at = tmpl.find('@', i);
    if (at == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, at - i));
    size_t end = tmpl.find('@', at + 1);
    std::string_view slot = end == std::string_view::npos ? "" : tmpl.substr(at + 1, end - at - 1);
    if (slot == "TITLE") {
      out += EscapeHtml(title);
    } else if (slot == "STYLE") {
      out.append(Asset(kStyle));
    } else if (slot == "DATA") {
      out += data;
    } else if (slot == "SCRIPT") {
      out += script;
    } else if (slot == "CSP") {
      csp_at = out.size();
    } else {
      out += '@';
      i = at + 1;
      continue;
    }
    i = end + 1;
  }
  std::string style_text(Between(out, "<style>", "</style>"));
  std::string script_text(Between(out, "<script type=\"module\">", "</script>"));
  std::string csp = "default-src 'none'; script-src 'sha256-" + Base64(Sha256(script_text)) +
                    "'; style-src 'sha256-" + Base64(Sha256(style_text)) +
                    "'; img-src data:; base-uri 'none'; form-action 'none'";
  if (csp_at != std::string::npos) out.insert(csp_at, csp);
  return out;
}

std::string FlameHtml(const FlameTree& tree, std::string_view title) {
  return FlameHtmlFromJson(FlameTreeToJson(tree), title);
}

std::string DiffFlameHtml(const DiffTree& tree, std::string_view title) {
  return FlameHtmlFromJson(DiffTreeToJson(tree), title);
}

}  // namespace autoprof
