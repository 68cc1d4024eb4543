// The query parameters of the viewer's GET endpoints, parsed and checked. Each
// error is one line naming the parameter and what is wrong with it.
//
// Thread-safety: free functions and a read-only view; safe to call concurrently.
#ifndef AUTOPROF_VIEWER_REQUEST_PARAMS_H_
#define AUTOPROF_VIEWER_REQUEST_PARAMS_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "autoprof/flame.h"
#include "autoprof/profile_store.h"
#include "autoprof/status.h"

namespace autoprof::viewer {

// A read-only view of decoded query parameters (httplib's Request::params is
// this multimap), with the lookups the parsers need.
class QueryParams {
 public:
  explicit QueryParams(const std::multimap<std::string, std::string>& params) : params_(params) {}
  bool has_param(const std::string& name) const { return params_.count(name) > 0; }
  size_t get_param_value_count(const std::string& name) const { return params_.count(name); }
  // The `index`th value of `name`, or "" when there is none.
  std::string get_param_value(const std::string& name, size_t index = 0) const;

 private:
  const std::multimap<std::string, std::string>& params_;
};

inline constexpr size_t kMaxIdsPerSide = 32;

// An integer in [1, max]; `fallback` when absent.
Result<size_t> ParseCount(const QueryParams& req, const char* name, size_t fallback, size_t max);

// "ID[,ID...]": at most kMaxIdsPerSide distinct profile ids, in order.
Result<std::vector<std::string>> ParseIdList(const QueryParams& req, const char* name);

// sample_index, min_fraction (default 1e-4) and max_nodes (default 100,000).
Result<FlameOptions> ParseFlameOptions(const QueryParams& req);

// The list filters: app, kind, reason, from, to (RFC 3339 or epoch), label=k:v
// (repeatable), limit (default 1000, at most 10,000).
Result<ProfileQuery> ParseProfileQuery(const QueryParams& req);

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_REQUEST_PARAMS_H_
