#include "token_gate.h"

#include <string_view>

#include "autoprof/sha256.h"
#include "http_reply.h"

namespace autoprof::viewer {
namespace {

constexpr char kTokenCookie[] = "autoprof_token";

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The value of cookie `name` in a Cookie header, or empty.
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') {
      return item.substr(name.size() + 1);
    }
  }
  return {};
}

void ReplyLoginPage(httplib::Response& res, bool wrong) {
  res.status = 401;
  res.set_header("WWW-Authenticate", "Bearer realm=\"autoprof\"");
  res.headers.erase("Content-Security-Policy");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; form-action 'self'; base-uri 'none'; "
                 "frame-ancestors 'none'");
  res.set_content(std::string("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                              "<title>autoprof: token</title></head><body>"
                              "<h1>autoprof viewer</h1><p>") +
                      (wrong ? "That token is not the one this viewer was started with."
                             : "This viewer needs its token (autoprof serve --token).") +
                      "</p><form method=\"post\" action=\"/login\"><label>Token "
                      "<input type=\"password\" name=\"token\" autofocus></label> "
                      "<button>Open</button></form></body></html>",
                  "text/html; charset=utf-8");
}

}  // namespace

TokenGate::TokenGate(std::string token)
    : token_(std::move(token)),
      cookie_value_(token_.empty() ? "" : Sha256Hex("autoprof-viewer-cookie:" + token_)) {}

bool TokenGate::Admit(const httplib::Request& req, httplib::Response& res) const {
  if (token_.empty()) return true;
  std::string auth = req.get_header_value("Authorization");
  if (auth.starts_with("Bearer ") && ConstantTimeEquals(auth.substr(7), token_)) return true;
  std::string cookie = req.get_header_value("Cookie");
  std::string_view from_cookie = CookieValue(cookie, kTokenCookie);
  if (!from_cookie.empty() && ConstantTimeEquals(from_cookie, cookie_value_)) return true;
  if (req.method == "POST" && req.path == "/login") return true;
  if (req.method == "GET" && req.get_header_value("Accept").find("text/html") != std::string::npos) {
    ReplyLoginPage(res, false);
  } else {
    res.set_header("WWW-Authenticate", "Bearer realm=\"autoprof\"");
    ReplyError(res, 401, "missing or wrong bearer token");
  }
  return false;
}

void TokenGate::HandleLogin(const httplib::Request& req, httplib::Response& res) const {
  if (token_.empty()) return ReplyError(res, 404, "this viewer has no token");
  std::string token = req.has_param("token") ? req.get_param_value("token") : "";
  if (!ConstantTimeEquals(token, token_)) return ReplyLoginPage(res, true);
  res.set_header("Set-Cookie", std::string(kTokenCookie) + "=" + cookie_value_ +
                                   "; Path=/; HttpOnly; SameSite=Strict");
  res.set_redirect("/", 303);
}

}  // namespace autoprof::viewer
