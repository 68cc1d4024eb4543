// The viewer's HTTP server: routes, limits and security headers (authentication
// is token_gate.cc).
#include "autoprof/viewer_server.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <semaphore>
#include <thread>

#include "analysis_views.h"
#include "autoprof/flame.h"
#include "autoprof/pprof.h"
#include "autoprof/profile_store.h"
#include "autoprof/profile_upload.h"
#include "http_reply.h"
#include "listen_backlog.h"
#include "request_params.h"
#include "token_gate.h"
#include "webhook_notifier.h"
#if __has_include("autoprof/ui_assets.h") && defined(AUTOPROF_HAVE_UI_ASSETS)
#include "autoprof/ui_assets.h"
#else
#undef AUTOPROF_HAVE_UI_ASSETS
#define AUTOPROF_HAVE_UI_ASSETS 0
#endif

namespace autoprof {
namespace {

using nlohmann::json;
using viewer::Dump;
using viewer::Reply;
using viewer::ReplyError;
using viewer::RequestErrorStatus;
using viewer::StoreErrorStatus;

constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";
constexpr size_t kMaxTopRows = 100000;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A name fit for a Content-Disposition filename.
std::string SafeFileStem(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "profile" : out;
}

// Triggered by a threshold, as opposed to by hand ("manual"), as the baseline
// for a later comparison ("baseline"), or not at all (Pyroscope, empty).
bool IsThresholdTrigger(const std::string& reason) {
  return !reason.empty() && reason != "manual" && reason != "baseline";
}

// Holds one of the decode slots for a scope.
class DecodeSlot {
 public:
  explicit DecodeSlot(std::counting_semaphore<16>& slots) : slots_(slots) { slots_.acquire(); }
  ~DecodeSlot() { slots_.release(); }
  DecodeSlot(const DecodeSlot&) = delete;
  DecodeSlot& operator=(const DecodeSlot&) = delete;

 private:
  std::counting_semaphore<16>& slots_;
};

// Replies 400 and returns false unless `id` has the form of a profile id.
bool CheckId(const std::string& id, httplib::Response& res) {
  if (IsContentId(id)) return true;
  ReplyError(res, 400, "invalid profile id '" + id.substr(0, 80) + "' (expected 64 hex digits)");
  return false;
}

std::string NumberText(const json& value) {
  return value.is_number() ? Dump(value) : std::string();
}

const char kFallbackPage[] = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>autoprof</title></head>
<body><h1>autoprof viewer</h1>
<p>The web UI is not part of this build. The JSON API is served under
<code>/api/v1/</code>: <a href="/api/v1/profiles">/api/v1/profiles</a>.</p>
</body></html>
)html";

}  // namespace

class ViewerServer::Impl {
 public:
  explicit Impl(const ViewerOptions& options)
      : options_(options),
        gate_(options.token),
        decode_slots_(std::clamp<std::ptrdiff_t>(std::thread::hardware_concurrency(), 1, 16)) {}

  Status Start();
  void Stop();
  int port() const { return port_; }
  std::string url() const { return url_; }

 private:
  void InstallHooks();
  void InstallRoutes();
  httplib::Server::HandlerResponse Admit(const httplib::Request& req, httplib::Response& res);

  void HandleUpload(const httplib::Request& req, httplib::Response& res);
  void HandleIngest(const httplib::Request& req, httplib::Response& res);
  void StorePrepared(Result<StoredProfile> prepared, std::string_view bytes, int success_status,
                     httplib::Response& res);
  void HandleList(const httplib::Request& req, httplib::Response& res);
  void HandleMetadata(const httplib::Request& req, httplib::Response& res);
  void HandlePprof(const httplib::Request& req, httplib::Response& res);
  void HandleTop(const httplib::Request& req, httplib::Response& res);
  void HandleFlameGraph(const httplib::Request& req, httplib::Response& res);
  void HandleDiff(const httplib::Request& req, httplib::Response& res);
  void HandleUi(const httplib::Request& req, httplib::Response& res);

  // Decodes a stored profile; replies and returns nullopt on failure.
  std::optional<Profile> LoadProfile(const std::string& id, httplib::Response& res);
  void Notify(const StoredProfile& p);
  void RunRetention();
  DecodeLimits Limits() const { return DecodeLimits{options_.max_profile_bytes}; }

  const ViewerOptions options_;
  const viewer::TokenGate gate_;
  std::counting_semaphore<16> decode_slots_;  // bounds memory and CPU of decoding
  std::unique_ptr<ProfileStore> store_;
  std::unique_ptr<viewer::WebhookNotifier> notifier_;
  httplib::Server http_;
  std::thread listener_;
  std::thread retention_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mu_
  int port_ = 0;
  std::string url_;
  std::string public_url_;
};

Status ViewerServer::Impl::Start() {
  Result<ListenAddress> address = ParseListenAddress(options_.listen);
  if (!address.ok()) return address.status();
  if (options_.threads < 1 || options_.threads > 256) {
    return InvalidArgument("threads: expected 1 to 256");
  }
  StoreOptions store_options;
  store_options.max_age_seconds = options_.retention_max_age_seconds;
  store_options.max_total_bytes = options_.retention_max_bytes;
  Result<std::unique_ptr<ProfileStore>> store = ProfileStore::Open(options_.data_dir, store_options);
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  if (!options_.webhook_url.empty()) {
    Result<std::unique_ptr<viewer::WebhookNotifier>> n =
        viewer::WebhookNotifier::Start(options_.webhook_url);
    if (!n.ok()) return n.status();
    notifier_ = std::move(*n);
  }

  InstallHooks();
  InstallRoutes();
  const int threads = options_.threads;
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  if (address->port == 0) {
    port_ = http_.bind_to_any_port(address->host);
    if (port_ < 0) return FailedPrecondition("listen " + options_.listen + ": cannot bind");
  } else {
    if (!http_.bind_to_port(address->host, address->port)) {
      return FailedPrecondition("listen " + options_.listen +
                                ": cannot bind (address in use or not local)");
    }
    port_ = address->port;
  }
  viewer::RaiseListenBacklog(port_);
  std::string host = address->host.find(':') != std::string::npos ? "[" + address->host + "]"
                                                                   : address->host;
  url_ = "http://" + host + ":" + std::to_string(port_);
  public_url_ = options_.public_url.empty() ? url_ : options_.public_url;
  while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
  listener_ = std::thread([this] { http_.listen_after_bind(); });
  retention_ = std::thread([this] { RunRetention(); });
  return Status::Ok();
}

void ViewerServer::Impl::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  http_.stop();  // closes the listening socket; the pool finishes requests in progress
  if (listener_.joinable()) listener_.join();
  if (retention_.joinable()) retention_.join();
  notifier_.reset();
}

void ViewerServer::Impl::RunRetention() {
  if (options_.retention_max_age_seconds <= 0 && options_.retention_max_bytes == 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<size_t> deleted = store_->EnforceRetention(NowNanos());
    if (!deleted.ok()) {
      std::fprintf(stderr, "autoprof serve: retention: %s\n", deleted.status().message().c_str());
    }
    lock.lock();
    stop_cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stopping_; });
  }
}

void ViewerServer::Impl::InstallHooks() {
  http_.set_default_headers({
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Cache-Control", "no-store"},
  });
  http_.set_payload_max_length(options_.max_upload_bytes);
  http_.set_read_timeout(30, 0);
  http_.set_write_timeout(30, 0);
  http_.set_keep_alive_max_count(100);
  http_.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return Admit(req, res); });
  http_.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message;
    switch (res.status) {
      case 404: message = "no such endpoint: " + req.method + " " + req.path.substr(0, 200); break;
      case 413:
        message = "request body larger than " + std::to_string(options_.max_upload_bytes) +
                  " bytes";
        break;
      default: message = "HTTP " + std::to_string(res.status); break;
    }
    ReplyError(res, res.status, message);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        std::fprintf(stderr, "autoprof serve: internal error on %s %s\n", req.method.c_str(),
                     req.path.substr(0, 200).c_str());
        ReplyError(res, 500, "internal error");
      });
}

// Runs after the headers and before the body is read: requests refused here cost
// no memory.
httplib::Server::HandlerResponse ViewerServer::Impl::Admit(const httplib::Request& req,
                                                           httplib::Response& res) {
  if (!gate_.Admit(req, res)) return httplib::Server::HandlerResponse::Handled;
  std::string encoding = req.get_header_value("Content-Encoding");
  if (!encoding.empty() && encoding != "identity") {
    // httplib would inflate it without a bound; a gzipped profile is sent as is.
    ReplyError(res, 415, "Content-Encoding '" + encoding.substr(0, 40) +
                             "' is not accepted; send the .pb.gz as the body itself");
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void ViewerServer::Impl::InstallRoutes() {
  auto bind = [this](void (Impl::*handler)(const httplib::Request&, httplib::Response&)) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      (this->*handler)(req, res);
    };
  };
  http_.Post("/api/v1/profiles", bind(&Impl::HandleUpload));
  http_.Post("/ingest", bind(&Impl::HandleIngest));
  http_.Get("/api/v1/profiles", bind(&Impl::HandleList));
  http_.Get(R"(/api/v1/profiles/([^/]+))", bind(&Impl::HandleMetadata));
  http_.Get(R"(/api/v1/profiles/([^/]+)/pprof)", bind(&Impl::HandlePprof));
  http_.Get(R"(/api/v1/profiles/([^/]+)/top)", bind(&Impl::HandleTop));
  http_.Get(R"(/api/v1/profiles/([^/]+)/flamegraph)", bind(&Impl::HandleFlameGraph));
  http_.Get("/api/v1/diff", bind(&Impl::HandleDiff));
  http_.Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
    gate_.HandleLogin(req, res);
  });
  http_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, Dump(json{{"status", "ok"}, {"profiles", store_->profile_count()}}));
  });
  http_.Get(R"(/(?!api/).*)", bind(&Impl::HandleUi));
}

void ViewerServer::Impl::HandleUpload(const httplib::Request& req, httplib::Response& res) {
  if (!req.is_multipart_form_data()) {
    return ReplyError(res, 415, "expected multipart/form-data with fields profile and metadata");
  }
  if (!req.has_file("profile")) return ReplyError(res, 400, "missing form field 'profile'");
  if (!req.has_file("metadata")) return ReplyError(res, 400, "missing form field 'metadata'");
  const std::string& bytes = req.get_file_value("profile").content;
  const std::string& metadata = req.get_file_value("metadata").content;
  // A resend (the uploader retrying after a lost reply) is answered from the
  // index: the bytes were validated when first stored, and nothing changes.
  const std::string id = ContentId(bytes);
  if (Result<bool> known = store_->Contains(id); known.ok() && *known) {
    Status valid = ValidateSidecar(metadata, id);
    if (!valid.ok()) return ReplyError(res, RequestErrorStatus(valid), valid.message());
    return Reply(res, 201, Dump(json{{"id", id}}));
  }
  Result<StoredProfile> prepared = Status(StatusCode::kInternal, "not run");
  {
    DecodeSlot slot(decode_slots_);
    prepared = PrepareUpload(bytes, metadata, Limits(), NowNanos());
  }
  StorePrepared(std::move(prepared), bytes, 201, res);
}

void ViewerServer::Impl::HandleIngest(const httplib::Request& req, httplib::Response& res) {
  std::string format = req.has_param("format") ? req.get_param_value("format") : "pprof";
  if (format != "pprof") {
    return ReplyError(res, 400, "format '" + format.substr(0, 40) + "' is not accepted; only pprof");
  }
  if (!req.has_param("name")) return ReplyError(res, 400, "missing query parameter 'name'");
  // Older Pyroscope clients send the gzipped pprof as the body; newer ones send
  // multipart/form-data with the pprof in a field named 'profile'.
  const std::string* bytes = &req.body;
  if (req.is_multipart_form_data()) {
    if (!req.has_file("profile")) return ReplyError(res, 400, "missing form field 'profile'");
    bytes = &req.files.find("profile")->second.content;
  }
  Result<StoredProfile> prepared = Status(StatusCode::kInternal, "not run");
  {
    DecodeSlot slot(decode_slots_);
    prepared = PreparePyroscopeUpload(*bytes, req.get_param_value("name"),
                                      req.get_param_value("from"), req.get_param_value("until"),
                                      Limits(), NowNanos());
  }
  StorePrepared(std::move(prepared), *bytes, 200, res);
}

void ViewerServer::Impl::StorePrepared(Result<StoredProfile> prepared, std::string_view bytes,
                                       int success_status, httplib::Response& res) {
  if (!prepared.ok()) {
    return ReplyError(res, RequestErrorStatus(prepared.status()), prepared.status().message());
  }
  Result<PutOutcome> put = store_->Put(bytes, *prepared);
  if (!put.ok()) {
    std::fprintf(stderr, "autoprof serve: store: %s\n", put.status().message().c_str());
    return ReplyError(res, StoreErrorStatus(put.status()), put.status().message());
  }
  if (put->created && IsThresholdTrigger(prepared->trigger_reason)) Notify(*prepared);
  Reply(res, success_status, Dump(json{{"id", put->id}}));
}

void ViewerServer::Impl::Notify(const StoredProfile& p) {
  if (!notifier_) return;
  json meta = json::parse(p.metadata_json, nullptr, false);
  const json trigger = meta.is_object() && meta.contains("trigger") ? meta["trigger"] : json();
  viewer::TriggerNotice notice;
  notice.app = p.app;
  notice.kind = p.kind;
  notice.reason = p.trigger_reason;
  if (trigger.is_object()) {
    if (trigger.contains("value")) notice.value = NumberText(trigger["value"]);
    if (trigger.contains("threshold")) notice.threshold = NumberText(trigger["threshold"]);
  }
  notice.link = public_url_ + "/#/profile/" + p.id;  // the UI route the demo prints
  notifier_->Notify(std::move(notice));
}

void ViewerServer::Impl::HandleList(const httplib::Request& req, httplib::Response& res) {
  Result<ProfileQuery> query = viewer::ParseProfileQuery(viewer::QueryParams(req.params));
  if (!query.ok()) return ReplyError(res, 400, query.status().message());
  Result<std::vector<StoredProfile>> list = store_->List(*query);
  if (!list.ok()) return ReplyError(res, StoreErrorStatus(list.status()), list.status().message());
  // Each stored metadata is already a serialized JSON object.
  std::string body = "[";
  for (size_t i = 0; i < list->size(); ++i) {
    if (i > 0) body += ',';
    body += (*list)[i].metadata_json;
  }
  body += ']';
  Reply(res, 200, body);
}

void ViewerServer::Impl::HandleMetadata(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  if (!CheckId(id, res)) return;
  Result<StoredProfile> p = store_->Get(id);
  if (!p.ok()) return ReplyError(res, StoreErrorStatus(p.status()), p.status().message());
  Reply(res, 200, p->metadata_json);
}

void ViewerServer::Impl::HandlePprof(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  if (!CheckId(id, res)) return;
  Result<StoredProfile> p = store_->Get(id);
  if (!p.ok()) return ReplyError(res, StoreErrorStatus(p.status()), p.status().message());
  Result<std::string> bytes = store_->ReadBytes(id);
  if (!bytes.ok()) return ReplyError(res, StoreErrorStatus(bytes.status()), bytes.status().message());
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"" + SafeFileStem(p->app) + "-" +
                                            SafeFileStem(p->kind) + "-" + id.substr(0, 12) +
                                            ".pb.gz\"");
  res.set_content(std::move(*bytes), "application/octet-stream");
}

std::optional<Profile> ViewerServer::Impl::LoadProfile(const std::string& id,
                                                       httplib::Response& res) {
  if (!CheckId(id, res)) return std::nullopt;
  Result<std::string> bytes = store_->ReadBytes(id);
  if (!bytes.ok()) {
    ReplyError(res, StoreErrorStatus(bytes.status()), bytes.status().message());
    return std::nullopt;
  }
  Result<Profile> profile = DecodeProfile(*bytes, Limits());
  if (!profile.ok()) {
    ReplyError(res, 500, "profile " + id + ": stored bytes no longer decode: " +
                             profile.status().message());
    return std::nullopt;
  }
  return std::move(*profile);
}

void ViewerServer::Impl::HandleTop(const httplib::Request& req, httplib::Response& res) {
  Result<size_t> n = viewer::ParseCount(viewer::QueryParams(req.params), "n", 50, kMaxTopRows);
  if (!n.ok()) return ReplyError(res, 400, n.status().message());
  DecodeSlot slot(decode_slots_);
  std::optional<Profile> profile = LoadProfile(req.matches[1], res);
  if (!profile) return;
  Result<std::string> body = viewer::TopJson(*profile, *n, req.get_param_value("sample_index"));
  if (!body.ok()) return ReplyError(res, RequestErrorStatus(body.status()), body.status().message());
  Reply(res, 200, *body);
}

void ViewerServer::Impl::HandleFlameGraph(const httplib::Request& req, httplib::Response& res) {
  Result<FlameOptions> options = viewer::ParseFlameOptions(viewer::QueryParams(req.params));
  if (!options.ok()) return ReplyError(res, 400, options.status().message());
  DecodeSlot slot(decode_slots_);
  std::optional<Profile> profile = LoadProfile(req.matches[1], res);
  if (!profile) return;
  Result<std::string> body = viewer::FlameGraphJson(*profile, *options);
  if (!body.ok()) return ReplyError(res, RequestErrorStatus(body.status()), body.status().message());
  Reply(res, 200, *body);
}

void ViewerServer::Impl::HandleDiff(const httplib::Request& req, httplib::Response& res) {
  Result<std::vector<std::string>> base_ids = viewer::ParseIdList(viewer::QueryParams(req.params), "base");
  if (!base_ids.ok()) return ReplyError(res, 400, base_ids.status().message());
  Result<std::vector<std::string>> target_ids = viewer::ParseIdList(viewer::QueryParams(req.params), "target");
  if (!target_ids.ok()) return ReplyError(res, 400, target_ids.status().message());
  DiffOptions options;
  Result<FlameOptions> flame = viewer::ParseFlameOptions(viewer::QueryParams(req.params));
  if (!flame.ok()) return ReplyError(res, 400, flame.status().message());
  options.flame = *flame;
  if (req.has_param("normalize")) {
    Result<Normalization> n = ParseNormalization(req.get_param_value("normalize"));
    if (!n.ok()) return ReplyError(res, 400, n.status().message());
    options.normalization = *n;
  }
  Result<size_t> rows = viewer::ParseCount(viewer::QueryParams(req.params), "n", 50, kMaxTopRows);
  if (!rows.ok()) return ReplyError(res, 400, rows.status().message());
  DecodeSlot slot(decode_slots_);
  std::vector<Profile> base, target;
  for (const auto& [ids, side] : {std::pair{&*base_ids, &base}, std::pair{&*target_ids, &target}}) {
    for (const std::string& id : *ids) {
      std::optional<Profile> p = LoadProfile(id, res);
      if (!p) return;
      side->push_back(std::move(*p));
    }
  }
  Result<std::string> body = viewer::DiffJson(base, target, options, *rows);
  if (!body.ok()) return ReplyError(res, RequestErrorStatus(body.status()), body.status().message());
  Reply(res, 200, *body);
}

void ViewerServer::Impl::HandleUi(const httplib::Request& req, httplib::Response& res) {
  std::string_view path = req.path;
  if (path == "/") path = "/index.html";
#if AUTOPROF_HAVE_UI_ASSETS
  if (const UiAsset* asset = FindUiAsset(path)) {
    res.status = 200;
    res.set_content(std::string(asset->content), std::string(asset->mime_type));
    return;
  }
#endif
  if (path == "/index.html") {
    res.status = 200;
    res.set_content(kFallbackPage, "text/html; charset=utf-8");
    return;
  }
  ReplyError(res, 404, "no such page: " + req.path.substr(0, 200));
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("listen address '" + std::string(text.substr(0, 80)) +
                           "': expected HOST:PORT, e.g. 127.0.0.1:8080");
  };
  ListenAddress out;
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad();
  }
  std::string_view port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || out.port < 0 ||
      out.port > 65535) {
    return bad();
  }
  out.host = std::string(host);
  return out;
}

ViewerServer::ViewerServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ViewerServer::~ViewerServer() { Stop(); }

Result<std::unique_ptr<ViewerServer>> ViewerServer::Start(const ViewerOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  AUTOPROF_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<ViewerServer>(new ViewerServer(std::move(impl)));
}

void ViewerServer::Stop() { impl_->Stop(); }
int ViewerServer::port() const { return impl_->port(); }
std::string ViewerServer::url() const { return impl_->url(); }

}  // namespace autoprof
