// Uploader: a durable spool of captures and one background thread that sends
// them to the viewer, to Grafana Pyroscope, or to a directory.
//
// The spool is a directory (the agent's AUTOPROF_OUTPUT_DIR) holding each capture
// as `<stem>.pb.gz` plus `<stem>.json`. Submit() writes both atomically (temporary
// file, fsync, rename; the .json last, so a pair is complete only when its .json
// exists) before any upload is tried, and returns without touching the network.
// The worker sends complete pairs oldest first (by the .json's mtime) and, after
// a 2xx, deletes them, or moves them to `sent/` when `keep_sent` is set.
//
// Failures:
//   - 408, 429 (Retry-After in seconds or as an HTTP-date is a floor on the wait),
//     5xx and no-answer failures (refused, reset, timeout, TLS) are retried
//     with exponential backoff and full jitter, capped at `backoff_max`
//     (Retry-After itself is capped at `retry_after_max`);
//   - any other answer (other 4xx including 413, 3xx) moves the pair to
//     `quarantine/` with `<stem>.reason.txt` holding the status and the server's
//     one-line reason. Nothing is retried forever or deleted silently.
// Bounds: the spool holds at most `max_spool_files` pairs and `max_spool_bytes`;
// beyond that the OLDEST pairs are deleted, each with one log line, and counted:
// TakeDroppedCount() hands the count to the next sidecar ("dropped_profiles").
// Restart: a new Uploader on the same directory sends what an earlier process left
// (also another process's). The worker sends only while it holds an flock on
// `<spool>/.upload.lock`, so two processes never send the same pair at once.
// Exactly-once: every upload carries the sha256 of the .pb.gz as its id (in the
// metadata as "id" and "content_sha256"); a resend after a lost reply carries the
// same id and the receiver keeps one copy.
//
// Targets, by `url`:
//   http(s)://host[:port][/base]   POST {base}/api/v1/profiles, multipart with
//                                  `profile` (the .pb.gz) and `metadata` (the sidecar)
//   pyroscope+http(s)://host:port  Grafana Pyroscope's POST /ingest?name=..&format=pprof
//   file:///dir or /dir            the pair copied atomically into dir
// The bearer token is sent as "Authorization: Bearer ..." and never appears in a
// log line, an error message, a reason file or a sidecar.
//
// Thread-safety: every method may be called from any thread. Submit does file I/O
// on the caller's thread and never waits for the network. No method throws.
// Fork: a forked child must not use its copy of the parent's Uploader (the worker
// thread is not in the child); it may construct its own.
//
// Example:
//   autoprof::UploaderOptions o;
//   o.spool_dir = config.output_dir;
//   o.url = config.upload_url;
//   o.token = config.upload_token;
//   o.log = [](std::string_view line) { MyLog(line); };
//   autoprof::Result<std::unique_ptr<autoprof::Uploader>> u = autoprof::Uploader::Start(o);
//   if (!u.ok()) return u.status();                 // bad URL, spool not writable
//   record.dropped_profiles = (*u)->TakeDroppedCount();
//   Status s = (*u)->Submit(stem, pprof_gz_bytes, SidecarJson(record));
//   ...
//   (*u)->Stop(std::chrono::seconds(5));            // drain up to 5 s, keep the rest
//
// Memory: one pair at a time is held by the worker (about three copies of the
// .pb.gz while libcurl sends it); pairs over `max_profile_bytes` are quarantined.
#ifndef AUTOPROF_UPLOADER_H_
#define AUTOPROF_UPLOADER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "autoprof/sha256.h"  // Sha256Hex: the id every upload carries
#include "autoprof/status.h"
#include "autoprof/upload_transport.h"

namespace autoprof {

struct UploaderOptions {
  std::string spool_dir;  // required; created if missing
  std::string url;        // empty: spool only (captures stay on disk)
  std::string token;      // AUTOPROF_UPLOAD_TOKEN
  std::string ca_bundle;  // AUTOPROF_UPLOAD_CA_BUNDLE
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{60000};
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{300000};
  std::chrono::milliseconds retry_after_max{600000};  // a longer Retry-After is cut to this
  int64_t max_spool_bytes = int64_t{512} << 20;
  int max_spool_files = 1000;
  int64_t max_profile_bytes = int64_t{64} << 20;  // larger pairs are quarantined
  bool keep_sent = false;  // move sent pairs to `sent/` instead of deleting them
  // Where log lines go (one line, no newline). Default: stderr, "autoprof: " prefix.
  std::function<void(std::string_view line)> log;
  // Tests: the transport to use instead of libcurl.
  std::shared_ptr<Transport> transport;
  // Tests: called with each backoff the worker is about to wait; the worker waits
  // what it returns instead (e.g. 1 ms), so tests observe and shorten backoff.
  std::function<std::chrono::milliseconds(std::chrono::milliseconds)> backoff_hook;
};

struct UploaderStats {
  int64_t submitted = 0;    // pairs written by Submit
  int64_t sent = 0;         // pairs acknowledged with a 2xx (or copied)
  int64_t attempts = 0;     // requests tried, including retries
  int64_t retries = 0;      // failed attempts that will be retried
  int64_t quarantined = 0;  // pairs moved to quarantine/
  int64_t dropped = 0;      // pairs deleted by the spool caps (total)
  int64_t worker_cpu_ns = 0;  // CPU time of the worker thread so far (thread CPU clock)
};

class Uploader {
 public:
  // Checks the options (URL scheme, spool directory writable, CA bundle readable),
  // then starts the worker, which at once looks for pairs left in the spool.
  static Result<std::unique_ptr<Uploader>> Start(UploaderOptions options);

  // Stops with no drain time (Stop(0)).
  ~Uploader();
  Uploader(const Uploader&) = delete;
  Uploader& operator=(const Uploader&) = delete;

  // Writes `<stem>.pb.gz` and `<stem>.json` into the spool, then wakes the worker.
  // The sidecar, when it is a JSON object, gains "id" and "content_sha256" (hex
  // sha256 of `pprof_gz`). `stem` must be a plain file name. Applies the spool
  // caps. Errors: bad stem, disk full; the capture is then not in the spool.
  Status Submit(std::string_view stem, std::string_view pprof_gz, std::string_view sidecar_json);

  // Wakes the worker to look at the spool (for pairs written by someone else).
  void Poke();

  // Pairs dropped by the caps since the last call; put it in the next sidecar.
  int64_t TakeDroppedCount();

  // Sends for at most `drain` more, then abandons any request in flight and joins
  // the worker. What is unsent stays in the spool for the next start. Returns
  // within `drain` plus about 100 ms whatever the server does. Idempotent.
  void Stop(std::chrono::milliseconds drain);

  UploaderStats stats() const;

  class Impl;

 private:
  explicit Uploader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};


}  // namespace autoprof

#endif  // AUTOPROF_UPLOADER_H_
