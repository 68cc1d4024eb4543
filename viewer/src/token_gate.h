// TokenGate: `autoprof serve --token`. A request is admitted when it carries the
// token as `Authorization: Bearer <token>` or as the cookie POST /login sets,
// which holds a hash of the token, never the token itself. Anything else gets a
// 401: a JSON error, or, for a browser's page load (which cannot add a header),
// a form that posts the token to /login.
//
// Thread-safety: immutable after construction; use from any thread.
//
// Example:
//   TokenGate gate(options.token);
//   server.set_pre_routing_handler([&](auto& req, auto& res) {
//     return gate.Admit(req, res) ? Unhandled : Handled; });
//   server.Post("/login", [&](auto& req, auto& res) { gate.HandleLogin(req, res); });
#ifndef AUTOPROF_VIEWER_TOKEN_GATE_H_
#define AUTOPROF_VIEWER_TOKEN_GATE_H_

#include <httplib.h>

#include <string>

namespace autoprof::viewer {

class TokenGate {
 public:
  // An empty token admits everything.
  explicit TokenGate(std::string token);

  // True when `req` may go on to its route (it carries the token, there is no
  // token, or it is POST /login, whose handler checks the form); otherwise `res`
  // holds the 401.
  bool Admit(const httplib::Request& req, httplib::Response& res) const;

  // POST /login with a form field `token`: sets the cookie and redirects to /,
  // or answers the form again, saying the token was wrong.
  void HandleLogin(const httplib::Request& req, httplib::Response& res) const;

 private:
  std::string token_;
  std::string cookie_value_;  // what the cookie holds for token_
};

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_TOKEN_GATE_H_
