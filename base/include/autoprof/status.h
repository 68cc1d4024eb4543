// Status and Result<T>: how every autoprof function reports failure.
//
// Nothing in autoprof throws across a public function. A function that can fail
// returns a Status (no value) or a Result<T> (a value or a Status). The message is
// one line meant for a person: it names the file, variable or input and says what
// is wrong with it, e.g. "/sys/fs/cgroup/cpu.max: expected '<quota> <period>'".
//
// Thread-safety: plain values; distinct objects may be used from distinct threads.
//
// Example:
//   autoprof::Result<int64_t> r = ParseInt64("memory.max", text);
//   if (!r.ok()) return r.status();
//   int64_t bytes = *r;
#ifndef AUTOPROF_STATUS_H_
#define AUTOPROF_STATUS_H_

#include <string>
#include <utility>
#include <variant>

namespace autoprof {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // malformed input: a file, variable, upload or profile
  kNotFound,           // a file or entry that is not there
  kUnavailable,        // a transient failure worth retrying
  kFailedPrecondition, // the machine or process cannot do this (no cgroup, no tcmalloc)
  kResourceExhausted,  // a size or count limit was hit
  kPermissionDenied,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value of T, or the Status saying why there is none. Never holds an OK status
// without a value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).ok()) v_ = Status(StatusCode::kInternal, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; OK when a value is held. A reference, so that
  // `const std::string& m = r.status().message();` does not dangle.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace autoprof

// Returns early with the status of `expr` when it is not OK.
#define AUTOPROF_RETURN_IF_ERROR(expr)            \
  do {                                            \
    ::autoprof::Status autoprof_status_ = (expr); \
    if (!autoprof_status_.ok()) return autoprof_status_; \
  } while (0)

#endif  // AUTOPROF_STATUS_H_
