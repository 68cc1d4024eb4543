// RetryPolicy: what the uploader does after one attempt (done, retry after a
// wait, or quarantine), and how long it waits: exponential backoff with full
// jitter, or the server's Retry-After.
//
// Thread-safety: Backoff is used by the worker thread only; the free functions
// are pure.
#ifndef AUTOPROF_UPLOADER_RETRY_POLICY_H_
#define AUTOPROF_UPLOADER_RETRY_POLICY_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace autoprof::upload_internal {

using Millis = std::chrono::milliseconds;

enum class Outcome { kDone, kRetry, kQuarantine };

// 2xx: done; no answer (0), 408, 429, 5xx: retry; anything else: quarantine.
// 413 is not retried: the same bytes will be too large again.
Outcome Classify(int status);

// The wait a Retry-After value asks for: whole seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", also the obsolete RFC 850 and asctime forms),
// relative to `now`. A date in the past is 0. nullopt when it is neither.
std::optional<Millis> ParseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now);

// The first line of a server's answer, trimmed and cut to 200 bytes, with
// control characters replaced; "(empty body)" when there is none.
std::string OneLineReason(std::string_view body);

// Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the n-th
// consecutive failure waits uniform[0, min(max, initial * 2^n)].
class Backoff {
 public:
  Backoff(Millis initial, Millis max, uint64_t seed) : initial_(initial), max_(max), rng_(seed) {}
  Millis Next();
  void Reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  Millis initial_;
  Millis max_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace autoprof::upload_internal

#endif  // AUTOPROF_UPLOADER_RETRY_POLICY_H_
