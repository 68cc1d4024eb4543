#include "http_reply.h"

namespace autoprof::viewer {

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Reply(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void ReplyError(httplib::Response& res, int status, std::string_view message) {
  Reply(res, status, Dump(nlohmann::json{{"error", message}}));
}

int RequestErrorStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kFailedPrecondition: return 501;
    case StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

int StoreErrorStatus(const Status& s) {
  if (s.code() == StatusCode::kNotFound) return 404;
  if (s.code() == StatusCode::kResourceExhausted) return 507;
  return 500;
}

}  // namespace autoprof::viewer
