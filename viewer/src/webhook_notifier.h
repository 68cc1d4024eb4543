// WebhookNotifier: posts a Slack-compatible message ({"text": ...}) for each
// triggered profile to one webhook URL, from a background thread. Notify never
// blocks the caller: messages wait in a bounded queue, and when the queue is full
// (the receiver is down or slow) new ones are dropped and counted. One attempt per
// message with short timeouts: a lost notification never costs a profile.
//
// Thread-safety: Notify may be called from any thread.
#ifndef AUTOPROF_VIEWER_WEBHOOK_NOTIFIER_H_
#define AUTOPROF_VIEWER_WEBHOOK_NOTIFIER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "autoprof/status.h"

namespace autoprof::viewer {

struct TriggerNotice {
  std::string app;
  std::string kind;
  std::string reason;
  std::string value;      // as the sidecar gave it, e.g. "0.91"
  std::string threshold;  // e.g. "0.75"
  std::string link;       // to the flame graph in the viewer
};

// The Slack message for one notice; `&`, `<` and `>` in names are escaped as
// Slack's mrkdwn requires, so an app name cannot forge a link.
std::string SlackMessageJson(const TriggerNotice& notice);

class WebhookNotifier {
 public:
  // `url`: http:// or https:// with host, optional port and path.
  static Result<std::unique_ptr<WebhookNotifier>> Start(const std::string& url);
  ~WebhookNotifier();  // stops after the message in flight, dropping the rest

  void Notify(TriggerNotice notice);

  uint64_t sent();
  uint64_t failed();   // posts that got no 2xx
  uint64_t dropped();  // notices refused because the queue was full

 private:
  WebhookNotifier(std::string origin, std::string path);
  void Run();

  static constexpr size_t kMaxQueued = 256;
  const std::string origin_;  // scheme://host:port
  const std::string path_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;  // guarded by mu_: message bodies
  bool stopping_ = false;          // guarded by mu_
  uint64_t sent_ = 0, failed_ = 0, dropped_ = 0;  // guarded by mu_
  std::thread worker_;
};

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_WEBHOOK_NOTIFIER_H_
