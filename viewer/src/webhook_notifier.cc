#include "webhook_notifier.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace autoprof::viewer {
namespace {

std::string SlackEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string SlackMessageJson(const TriggerNotice& n) {
  std::string text = "autoprof: *" + SlackEscape(n.app) + "* " + SlackEscape(n.kind) +
                     " profile, trigger " + SlackEscape(n.reason);
  if (!n.value.empty()) {
    text += " at " + SlackEscape(n.value);
    if (!n.threshold.empty()) text += " (threshold " + SlackEscape(n.threshold) + ")";
  }
  text += ": <" + SlackEscape(n.link) + "|flame graph>";
  nlohmann::json body = {{"text", text}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Start(const std::string& url) {
  size_t scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return InvalidArgument("--webhook '" + url + "': expected an http:// or https:// URL");
  }
  size_t path_start = url.find('/', scheme_end + 3);
  std::string origin = url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (origin.size() <= scheme_end + 3) return InvalidArgument("--webhook '" + url + "': no host");
  std::unique_ptr<WebhookNotifier> n(new WebhookNotifier(origin, path));
  n->worker_ = std::thread([p = n.get()] { p->Run(); });
  return n;
}

WebhookNotifier::WebhookNotifier(std::string origin, std::string path)
    : origin_(std::move(origin)), path_(std::move(path)) {}

WebhookNotifier::~WebhookNotifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void WebhookNotifier::Notify(TriggerNotice notice) {
  std::string body = SlackMessageJson(notice);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(body));
  }
  wake_.notify_one();
}

void WebhookNotifier::Run() {
  httplib::Client client(origin_);
  client.set_connection_timeout(3);
  client.set_read_timeout(5);
  client.set_write_timeout(5);
  while (true) {
    std::string body;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      body = std::move(queue_.front());
      queue_.pop_front();
    }
    httplib::Result res = client.Post(path_, body, "application/json");
    bool ok = res && res->status >= 200 && res->status < 300;
    std::lock_guard<std::mutex> lock(mu_);
    ++(ok ? sent_ : failed_);
  }
}

uint64_t WebhookNotifier::sent() {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

uint64_t WebhookNotifier::failed() {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

uint64_t WebhookNotifier::dropped() {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace autoprof::viewer
