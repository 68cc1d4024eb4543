// The viewer's JSON answers: a body with its status, an error line, and the HTTP
// status a failed Status maps to. Used by every handler of viewer_server.cc.
#ifndef AUTOPROF_VIEWER_HTTP_REPLY_H_
#define AUTOPROF_VIEWER_HTTP_REPLY_H_

#include <httplib.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "autoprof/status.h"

namespace autoprof::viewer {

// Serializes `j`, replacing invalid UTF-8 instead of throwing.
std::string Dump(const nlohmann::json& j);

// `body` (JSON) with `status`.
void Reply(httplib::Response& res, int status, const std::string& body);

// {"error": message} with `status`.
void ReplyError(httplib::Response& res, int status, std::string_view message);

// HTTP status for a failure to understand or validate a request.
int RequestErrorStatus(const Status& s);

// HTTP status for a failure of the store itself.
int StoreErrorStatus(const Status& s);

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_HTTP_REPLY_H_
