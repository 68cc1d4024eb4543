// Uploader: Submit on the caller's thread, sending on one worker thread.
#include "autoprof/uploader.h"

#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "retry_policy.h"
#include "sidecar.h"
#include "spool.h"
#include "upload_target.h"

namespace autoprof {

using namespace upload_internal;  // NOLINT(google-build-using-namespace): this module's own parts
using Clock = std::chrono::steady_clock;

namespace {

constexpr int64_t kMaxSidecarBytes = 1 << 20;
constexpr Millis kIdleRescan{5000};      // look again for pairs left by other processes
constexpr Millis kLockedRescan{1000};    // another process holds the spool lock

enum class SendResult { kSent, kRetry, kQuarantined, kGone, kCancelled };

}  // namespace

class Uploader::Impl {
 public:
  Impl(UploaderOptions options, std::optional<UploadTarget> target)
      : options_(std::move(options)), target_(std::move(target)) {}

  ~Impl() { Stop(Millis(0)); }

  Status Start() {
    if (!target_) return Status::Ok();
    if (!options_.transport) {
      options_.transport = MakeCurlTransport({.connect_timeout = options_.connect_timeout,
                                              .total_timeout = options_.total_timeout,
                                              .ca_bundle = options_.ca_bundle});
    }
    worker_ = std::thread([this] { WorkerMain(); });
    return Status::Ok();
  }

  Status Submit(std::string_view stem, std::string_view pprof_gz, std::string_view sidecar_json) {
    AUTOPROF_RETURN_IF_ERROR(CheckStem(stem));
    std::string sha = Sha256Hex(pprof_gz);
    std::string name(stem);
    Status written = WritePair(options_.spool_dir, name, pprof_gz, WithContentId(sidecar_json, sha));
    if (!written.ok()) return Status(written.code(), Redact(written.message()));
    ApplyCaps(name);
    {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.submitted;
    }
    Poke();
    return Status::Ok();
  }

  void ApplyCaps(const std::string& keep_stem) {
    std::lock_guard<std::mutex> caps(caps_mu_);
    int64_t dropped = EnforceCaps(options_.spool_dir, options_.max_spool_bytes,
                                  options_.max_spool_files, keep_stem,
                                  [this](const std::string& line) { Log(line); });
    if (dropped == 0) return;
    dropped_unreported_ += dropped;
    std::lock_guard<std::mutex> l(mu_);
    stats_.dropped += dropped;
  }

  void Poke() {
    std::lock_guard<std::mutex> l(mu_);
    poked_ = true;
    cv_.notify_all();
  }

  int64_t TakeDroppedCount() { return dropped_unreported_.exchange(0); }

  void Stop(Millis drain) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!stopping_) {
        stopping_ = true;
        deadline_ns_ = (Clock::now() + drain).time_since_epoch().count();
        stopping_flag_ = true;
      }
      cv_.notify_all();
    }
    std::lock_guard<std::mutex> join(join_mu_);
    if (worker_.joinable()) worker_.join();
  }

  UploaderStats stats() const {
    std::lock_guard<std::mutex> l(mu_);
    return stats_;
  }

 private:
  bool PastDeadline() const {
    return stopping_flag_.load() && Clock::now().time_since_epoch().count() >= deadline_ns_.load();
  }

  // Waits up to `d`, ending early on Stop (and on Poke when `until_poked`).
  void Wait(Millis d, bool until_poked) {
    std::unique_lock<std::mutex> l(mu_);
    auto until = Clock::now() + d;
    if (stopping_) until = std::min(until, Clock::time_point(Clock::duration(deadline_ns_.load())));
    cv_.wait_until(l, until, [&] { return stopping_ || (until_poked && poked_); });
    poked_ = false;
  }

  void WorkerMain() {
    try {
      Backoff backoff(options_.backoff_initial, options_.backoff_max,
                      std::random_device{}() ^ static_cast<uint64_t>(getpid()));
      SpoolLock lock(options_.spool_dir);
      while (!PastDeadline()) {
        if (!lock.TryLock()) {
          Wait(kLockedRescan, false);
          continue;
        }
        { std::lock_guard<std::mutex> l(mu_); poked_ = false; }
        std::vector<SpoolEntry> pairs =
            ListPairs(options_.spool_dir, [this](const std::string& line) { Log(line); });
        if (pairs.empty()) {
          lock.Unlock();
          if (stopping_flag_.load()) break;
          Wait(kIdleRescan, true);
          continue;
        }
        for (const SpoolEntry& entry : pairs) {
          SendResult r = SendOne(entry);
          RecordWorkerCpu();
          if (r == SendResult::kCancelled) break;
          if (r == SendResult::kRetry) {
            // Retry-After is a floor: a server that keeps saying "0" still gets backoff.
            Millis jittered = backoff.Next();
            Millis wanted = retry_after_ ? std::max(*retry_after_, jittered) : jittered;
            Millis wait = options_.backoff_hook ? options_.backoff_hook(wanted) : wanted;
            Wait(wait, false);
            break;  // list again: the pair may have been dropped meanwhile
          }
          backoff.Reset();
          if (PastDeadline()) break;
        }
      }
    } catch (const std::exception& e) {
      Log(std::string("uploader stopped: ") + e.what());
    } catch (...) {
      Log("uploader stopped: unknown exception");
    }
  }

  void RecordWorkerCpu() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    std::lock_guard<std::mutex> l(mu_);
    stats_.worker_cpu_ns = int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }

  SendResult SendOne(const SpoolEntry& entry) {
    const std::string& dir = options_.spool_dir;
    const std::string& stem = entry.stem;
    retry_after_.reset();
    Result<std::string> pprof = ReadFile(dir + "/" + stem + ".pb.gz", options_.max_profile_bytes);
    Result<std::string> json = ReadFile(dir + "/" + stem + ".json", kMaxSidecarBytes);
    if (pprof.status().code() == StatusCode::kNotFound ||
        json.status().code() == StatusCode::kNotFound) {
      return SendResult::kGone;  // dropped by the caps or sent by another process
    }
    for (const Result<std::string>* file : {&pprof, &json}) {
      if (file->status().code() == StatusCode::kResourceExhausted) {
        return Quarantine(stem, file->status().message());
      }
      if (!file->ok()) {
        Log("cannot read " + stem + ": " + file->status().message());
        return SendResult::kRetry;
      }
    }
    Result<SidecarInfo> info = ParseSidecar(*json);
    if (!info.ok()) return Quarantine(stem, stem + ".json: " + info.status().message());
    // Submit put the hash in the sidecar; hashing again would double the worker's
    // CPU per profile. A wrong one (a hand-edited sidecar) is refused by the viewer,
    // which hashes the bytes itself, and the pair is quarantined, not lost.
    std::string metadata = *json;
    if (info->content_sha256.empty()) metadata = WithContentId(*json, Sha256Hex(*pprof));
    {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.attempts;
    }

    if (target_->kind == UploadTarget::Kind::kDirectory) {
      Status s = EnsureDirectory(target_->base);
      if (s.ok()) s = WritePair(target_->base, stem, *pprof, metadata);
      if (!s.ok()) return Retry(stem, s.message());
      return Sent(stem);
    }

    HttpRequest request = BuildRequest(*target_, options_.token, stem, std::move(*pprof),
                                       std::move(metadata), *info, entry.mtime_ns / 1'000'000'000);
    HttpResponse response = options_.transport->Send(request, [this] { return PastDeadline(); });
    if (PastDeadline() && response.status == 0) return SendResult::kCancelled;
    switch (Classify(response.status)) {
      case Outcome::kDone:
        return Sent(stem);
      case Outcome::kRetry: {
        if (!response.retry_after.empty()) {
          std::optional<Millis> ra =
              ParseRetryAfter(response.retry_after, std::chrono::system_clock::now());
          if (ra) retry_after_ = std::min(*ra, options_.retry_after_max);
        }
        return Retry(stem, response.status == 0
                               ? response.error
                               : "HTTP " + std::to_string(response.status) + ": " +
                                     OneLineReason(response.body));
      }
      case Outcome::kQuarantine:
        return Quarantine(stem, "HTTP " + std::to_string(response.status) + ": " +
                                    OneLineReason(response.body));
    }
    return SendResult::kRetry;
  }

  SendResult Sent(const std::string& stem) {
    Status s = options_.keep_sent ? MovePair(options_.spool_dir, stem, "sent")
                                  : RemovePair(options_.spool_dir, stem);
    if (!s.ok()) Log("sent " + stem + " but could not clear it from the spool: " + s.message());
    int64_t unsaid;
    bool was_failing;
    {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.sent;
      unsaid = std::exchange(failures_unsaid_, 0);
      was_failing = !last_failure_.empty();
      last_failure_.clear();
    }
    if (was_failing) {
      Log("uploads to " + target_->for_log + " work again" +
          (unsaid == 0 ? std::string()
                       : " (" + std::to_string(unsaid) + " more failed attempt" +
                             (unsaid == 1 ? "" : "s") + " since the last line)"));
    }
    return SendResult::kSent;
  }

  // An outage must not fill the service's log: a failure for the reason already
  // said is counted, not said again, until an upload works or the reason changes.
  SendResult Retry(const std::string& stem, const std::string& why) {
    bool repeated;
    {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.retries;
      repeated = why == last_failure_;
      if (repeated) {
        ++failures_unsaid_;
      } else {
        last_failure_ = why;
        failures_unsaid_ = 0;
      }
    }
    if (!repeated) {
      Log("upload of " + stem + " to " + target_->for_log + " failed, will retry: " + why);
    }
    return SendResult::kRetry;
  }

  SendResult Quarantine(const std::string& stem, const std::string& why) {
    std::string reason = Redact(why);
    Status s = QuarantinePair(options_.spool_dir, stem, reason);
    if (!s.ok()) {
      Log("cannot quarantine " + stem + " (" + reason + "): " + s.message());
      return SendResult::kRetry;
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.quarantined;
    }
    Log("quarantined " + stem + " (see quarantine/" + stem + ".reason.txt): " + reason);
    return SendResult::kQuarantined;
  }

  std::string Redact(std::string text) const {
    const std::string& token = options_.token;
    if (token.empty()) return text;
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, token.size(), "<token>");
    }
    return text;
  }

  void Log(const std::string& line) const {
    std::string safe = Redact(line);
    if (options_.log) {
      options_.log(safe);
    } else {
      std::fprintf(stderr, "autoprof: uploader: %s\n", safe.c_str());
    }
  }

  UploaderOptions options_;
  std::optional<UploadTarget> target_;
  std::thread worker_;
  std::mutex join_mu_;
  std::mutex caps_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool poked_ = false;   // guarded by mu_
  bool stopping_ = false;  // guarded by mu_; mirrored in stopping_flag_
  std::atomic<bool> stopping_flag_{false};
  std::atomic<int64_t> deadline_ns_{0};
  UploaderStats stats_;  // guarded by mu_
  std::string last_failure_;     // guarded by mu_; the reason of the last failure said
  int64_t failures_unsaid_ = 0;  // guarded by mu_; failures since, for that reason
  std::atomic<int64_t> dropped_unreported_{0};
  std::optional<Millis> retry_after_;  // worker thread only
};

Result<std::unique_ptr<Uploader>> Uploader::Start(UploaderOptions options) {
  try {
    if (options.spool_dir.empty()) return InvalidArgument("AUTOPROF_OUTPUT_DIR: empty");
    AUTOPROF_RETURN_IF_ERROR(EnsureDirectory(options.spool_dir));
    std::optional<UploadTarget> target;
    if (!options.url.empty()) {
      Result<UploadTarget> t = ParseUploadTarget(options.url);
      if (!t.ok()) return t.status();
      target = *t;
    }
    if (!options.ca_bundle.empty() && access(options.ca_bundle.c_str(), R_OK) != 0) {
      return InvalidArgument("AUTOPROF_UPLOAD_CA_BUNDLE: '" + options.ca_bundle +
                             "' is not a readable file");
    }
    if (options.max_spool_files < 1 || options.max_spool_bytes < 1) {
      return InvalidArgument("uploader: spool caps must be positive");
    }
    auto impl = std::make_unique<Impl>(std::move(options), std::move(target));
    impl->ApplyCaps("");
    AUTOPROF_RETURN_IF_ERROR(impl->Start());
    return std::unique_ptr<Uploader>(new Uploader(std::move(impl)));
  } catch (const std::exception& e) {
    return Internal(std::string("uploader: cannot start: ") + e.what());
  }
}

Uploader::Uploader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Uploader::~Uploader() = default;

Status Uploader::Submit(std::string_view stem, std::string_view pprof_gz,
                        std::string_view sidecar_json) {
  try {
    return impl_->Submit(stem, pprof_gz, sidecar_json);
  } catch (const std::exception& e) {
    return Internal(std::string("uploader: submit failed: ") + e.what());
  }
}

void Uploader::Poke() { impl_->Poke(); }
int64_t Uploader::TakeDroppedCount() { return impl_->TakeDroppedCount(); }
void Uploader::Stop(std::chrono::milliseconds drain) { impl_->Stop(drain); }
UploaderStats Uploader::stats() const { return impl_->stats(); }

}  // namespace autoprof
