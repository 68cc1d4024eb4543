// FlameHtml: flame_standalone.html with the UI's modules bundled into one inline
// script. The modules are written for the browser's own loader (the viewer serves
// them as files); a file:// page cannot import siblings, so they are joined here
// in dependency order with their `import` lines dropped and `export` keywords
// removed. That needs two habits of viewer/ui/*.js, kept by the browser test: one
// import per line ending in `from './x.js';`, and distinct top-level names.
#include "autoprof/flame_html.h"


#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "autoprof/sha256.h"
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

// SHA-256 for the CSP's hash sources, as raw bytes.
std::string Sha256Bytes(std::string_view data) {
  Sha256Digest d = Sha256(data);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
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
  std::string csp = "default-src 'none'; script-src 'sha256-" + Base64(Sha256Bytes(script_text)) +
                    "'; style-src 'sha256-" + Base64(Sha256Bytes(style_text)) +
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
