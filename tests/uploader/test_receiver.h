// TestReceiver: a real HTTP receiver on 127.0.0.1 for the uploader's tests, and
// the faults a bad network or a struggling collector produces.
//
// Two layers. The back end is a cpp-httplib server that speaks the two protocols
// the uploader targets: the viewer's POST /api/v1/profiles (multipart `profile` +
// `metadata`) and Grafana Pyroscope's POST /ingest, the latter checked the way
// Pyroscope's handler reads it (a port of its labelset parser and validation).
// It records every accepted profile by the sha256 of its bytes, so tests see raw
// and deduplicated counts. Answers can be scripted per request (500, 429 with
// Retry-After, 413, 400 ...).
//
// In front of it a TCP relay owns the port the uploader is given. Per connection
// it passes bytes through, resets the connection mid-body, stalls, or forwards the
// request and then drops the reply (the request was accepted but the client never
// hears so: the case dedup by content hash exists for). It can also go down
// (connection refused) and come back on the same port. The back end closes every
// connection after one answer, so each request is a new connection.
//
// Thread-safety: every public method may be called from the test thread while
// the servers run.
#ifndef AUTOPROF_TESTS_UPLOADER_TEST_RECEIVER_H_
#define AUTOPROF_TESTS_UPLOADER_TEST_RECEIVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace autoprof::testing {

// What the relay does with one connection.
enum class ConnectionFault { kPass, kResetMidBody, kStall, kDropReply };

// A scripted answer of the back end; status 0 means "accept normally".
struct ScriptedAnswer {
  int status = 0;
  std::string body;
  std::string retry_after;
};

struct ReceivedProfile {
  std::string sha256;
  std::string path;      // "/api/v1/profiles" or "/ingest"
  std::string metadata;  // viewer: the metadata field
  std::map<std::string, std::string> query;  // /ingest: the decoded query
  std::string content_type;
  std::string authorization;
};

class TestReceiver {
 public:
  TestReceiver() : TestReceiver(0) {}
  // With `forward_to_port`, the relay fronts that server (e.g. `autoprof serve`)
  // instead of the built-in back end, whose recording and scripts then do nothing.
  explicit TestReceiver(int forward_to_port);
  ~TestReceiver();

  // The port the uploader should use (the relay's).
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Decides each new connection's fault; the argument counts connections from 0.
  void set_connection_plan(std::function<ConnectionFault(int)> plan);
  // Decides each request's answer; the argument counts requests from 0.
  void set_answer_plan(std::function<ScriptedAnswer(int)> plan);
  // Every accepted request waits this long before it is answered.
  void set_answer_delay(std::chrono::milliseconds delay) { answer_delay_ms_ = delay.count(); }
  // Required "Authorization" value; a request without it gets 401.
  void set_required_authorization(std::string value);
  // How long a stalled connection is held before it is closed.
  void set_stall(std::chrono::milliseconds d) { stall_ms_ = d.count(); }

  // Closes the listening socket (connections are refused) / opens it again on the
  // same port.
  void GoDown();
  void ComeUp();

  // Accepted profiles, in order, including duplicates.
  std::vector<ReceivedProfile> received() const;
  int raw_count() const;
  int unique_count() const;
  int requests() const { return requests_.load(); }
  // Requests the Pyroscope checks refused, with the reason.
  std::vector<std::string> refusals() const;

 private:
  void AcceptLoop();
  void ServeConnection(int client, ConnectionFault fault);
  int OpenListener();

  // Back end.
  struct Backend;
  std::unique_ptr<Backend> backend_;
  int backend_port_ = 0;

  // Relay.
  int port_ = 0;
  std::atomic<int> listen_fd_{-1};
  std::atomic<bool> down_{false};
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex threads_mu_;
  std::vector<std::thread> connection_threads_;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int64_t> stall_ms_{3000};
  std::atomic<int64_t> answer_delay_ms_{0};

  mutable std::mutex mu_;
  std::function<ConnectionFault(int)> connection_plan_;
  std::function<ScriptedAnswer(int)> answer_plan_;
  std::string required_authorization_;
  std::vector<ReceivedProfile> received_;
  std::vector<std::string> refusals_;
};

// Pyroscope's /ingest `name` parser and validation (grafana/pyroscope
// api/model/labelset): the service name and labels it would store, or an error.
struct PyroscopeLabelSet {
  std::string error;  // empty when valid
  std::map<std::string, std::string> labels;  // "__name__" is the service name
};
PyroscopeLabelSet ParsePyroscopeName(const std::string& name);


}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_UPLOADER_TEST_RECEIVER_H_
