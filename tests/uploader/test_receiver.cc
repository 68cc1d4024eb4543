#include "test_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <set>

#include "autoprof/uploader.h"

namespace autoprof::testing {
namespace {

constexpr int kPollMs = 20;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\n\r\f\v");
  return s.substr(b, e - b + 1);
}

bool IsLabelNameRune(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

bool IsServiceNameRune(char c) { return c == '-' || c == '.' || c == '/' || IsLabelNameRune(c); }

// labelset.ValidateServiceName / ValidateLabelName: "" when valid.
std::string Validate(const std::string& what, const std::string& text, bool (*allowed)(char)) {
  if (text.empty()) return what + " is required";
  for (char r : text) {
    if (!allowed(r)) return "invalid " + what + ": " + text;
  }
  return "";
}

int ConnectTo(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void CloseWithReset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  close(fd);
}

}  // namespace

PyroscopeLabelSet ParsePyroscopeName(const std::string& name) {
  enum { kName, kTagLabelSet, kTagValue, kDone } state = kName;
  PyroscopeLabelSet out;
  std::string key, value;
  for (char c : name + "{") {
    switch (state) {
      case kName:
        if (c == '{') {
          state = kTagLabelSet;
          std::string service = Trim(value);
          out.error = Validate("service name", service, IsServiceNameRune);
          if (!out.error.empty()) return out;
          out.labels["__name__"] = service;
        } else {
          value.push_back(c);
        }
        break;
      case kTagLabelSet:
        if (c == '}') {
          state = kDone;
        } else if (c == '=') {
          state = kTagValue;
          value.clear();
        } else {
          key.push_back(c);
        }
        break;
      case kTagValue:
        if (c == ',' || c == '}') {
          state = kTagLabelSet;
          std::string k = Trim(key);
          if (k != "__name__") out.error = Validate("label name", k, IsLabelNameRune);
          if (!out.error.empty()) return out;
          out.labels[k] = Trim(value);
          key.clear();
        } else {
          value.push_back(c);
        }
        break;
      case kDone:
        break;
    }
  }
  return out;
}

struct TestReceiver::Backend {
  httplib::Server server;
  std::thread thread;
};

TestReceiver::TestReceiver(int forward_to_port) : backend_(std::make_unique<Backend>()) {
  httplib::Server& s = backend_->server;
  s.set_keep_alive_max_count(1);
  // Common head of both handlers: count, authorize, apply the scripted answer.
  auto scripted = [this](const httplib::Request& req, httplib::Response& res) {
    int n = requests_++;
    if (int64_t d = answer_delay_ms_.load(); d > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(d));
    }
    std::lock_guard<std::mutex> l(mu_);
    if (!required_authorization_.empty() &&
        req.get_header_value("Authorization") != required_authorization_) {
      res.status = 401;
      res.set_content("missing or wrong token\n", "text/plain");
      return true;
    }
    if (!answer_plan_) return false;
    ScriptedAnswer a = answer_plan_(n);
    if (a.status == 0) return false;
    res.status = a.status;
    if (!a.retry_after.empty()) res.set_header("Retry-After", a.retry_after);
    res.set_content(a.body, "text/plain");
    return true;
  };
  s.Post("/api/v1/profiles", [this, scripted](const httplib::Request& req, httplib::Response& res) {
    if (scripted(req, res)) return;
    if (!req.has_file("profile") || !req.has_file("metadata")) {
      res.status = 400;
      res.set_content("multipart fields profile and metadata are required\n", "text/plain");
      return;
    }
    ReceivedProfile p;
    p.path = req.path;
    p.sha256 = Sha256Hex(req.get_file_value("profile").content);
    p.metadata = req.get_file_value("metadata").content;
    p.content_type = req.get_header_value("Content-Type");
    p.authorization = req.get_header_value("Authorization");
    std::lock_guard<std::mutex> l(mu_);
    received_.push_back(p);
    res.status = 201;
    res.set_content("{\"id\": \"" + p.sha256 + "\"}", "application/json");
  });
  s.Post("/ingest", [this, scripted](const httplib::Request& req, httplib::Response& res) {
    if (scripted(req, res)) return;
    // As Pyroscope's ingestHandler: name through labelset.Parse (400 on error),
    // from/until unix seconds, format=pprof takes the whole body as the profile
    // unless the content type is multipart.
    std::string refusal;
    PyroscopeLabelSet ls = ParsePyroscopeName(req.get_param_value("name"));
    std::string ct = req.get_header_value("Content-Type");
    auto digits = [](const std::string& v) {
      return !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!ls.error.empty()) {
      refusal = "name: " + ls.error;
    } else if (!digits(req.get_param_value("from")) || !digits(req.get_param_value("until"))) {
      refusal = "from/until are not unix seconds";
    } else if (req.get_param_value("format") != "pprof") {
      refusal = "format is not pprof";
    } else if (ct.find("multipart/form-data") != std::string::npos) {
      refusal = "multipart body where a raw pprof was expected";
    } else if (req.body.size() < 2 || static_cast<unsigned char>(req.body[0]) != 0x1f ||
               static_cast<unsigned char>(req.body[1]) != 0x8b) {
      refusal = "body is not gzip";
    }
    std::lock_guard<std::mutex> l(mu_);
    if (!refusal.empty()) {
      refusals_.push_back(refusal);
      res.status = 400;
      res.set_content(refusal + "\n", "text/plain");
      return;
    }
    ReceivedProfile p;
    p.path = req.path;
    p.sha256 = Sha256Hex(req.body);
    for (const auto& [k, v] : req.params) p.query[k] = v;
    p.content_type = ct;
    p.authorization = req.get_header_value("Authorization");
    received_.push_back(p);
    res.status = 200;
  });
  if (forward_to_port > 0) {
    backend_port_ = forward_to_port;
  } else {
    backend_port_ = s.bind_to_any_port("127.0.0.1");
    backend_->thread = std::thread([this] { backend_->server.listen_after_bind(); });
    // httplib's stop() does nothing before the accept loop runs; wait for it so the
    // destructor cannot miss it (at most 5 s).
    for (int i = 0; i < 1000 && !backend_->server.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  listen_fd_ = OpenListener();
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

TestReceiver::~TestReceiver() {
  stopping_ = true;
  accept_thread_.join();
  {
    std::lock_guard<std::mutex> l(threads_mu_);
    for (std::thread& t : connection_threads_) t.join();
  }
  if (int fd = listen_fd_.exchange(-1); fd >= 0) close(fd);
  backend_->server.stop();
  if (backend_->thread.joinable()) backend_->thread.join();
}

int TestReceiver::OpenListener() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 128) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  return fd;
}

void TestReceiver::GoDown() {
  down_ = true;
  for (int i = 0; i < 500 && listen_fd_.load() >= 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void TestReceiver::ComeUp() {
  down_ = false;
  for (int i = 0; i < 500 && listen_fd_.load() < 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void TestReceiver::AcceptLoop() {
  while (!stopping_) {
    int fd = listen_fd_.load();
    if (down_ && fd >= 0) {
      close(fd);  // queued connections are reset; new ones are refused
      listen_fd_ = -1;
      continue;
    }
    if (!down_ && fd < 0) {
      listen_fd_ = OpenListener();
      continue;
    }
    if (fd < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
      continue;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    int client = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ConnectionFault fault = ConnectionFault::kPass;
    {
      std::lock_guard<std::mutex> l(mu_);
      int n = connections_++;
      if (connection_plan_) fault = connection_plan_(n);
    }
    std::lock_guard<std::mutex> l(threads_mu_);
    connection_threads_.emplace_back([this, client, fault] { ServeConnection(client, fault); });
  }
}

void TestReceiver::ServeConnection(int client, ConnectionFault fault) {
  char buf[16384];
  if (fault == ConnectionFault::kResetMidBody || fault == ConnectionFault::kStall) {
    // Take some of the request, then reset (or hold the connection silently).
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(fault == ConnectionFault::kStall ? stall_ms_.load() : 0);
    size_t got = 0;
    do {
      pollfd p{client, POLLIN, 0};
      if (poll(&p, 1, kPollMs) > 0) {
        ssize_t n = read(client, buf, sizeof(buf));
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
    } while (!stopping_ && (got == 0 || std::chrono::steady_clock::now() < until));
    CloseWithReset(client);
    return;
  }
  int backend = ConnectTo(backend_port_);
  if (backend < 0) {
    CloseWithReset(client);
    return;
  }
  bool drop_reply = fault == ConnectionFault::kDropReply;
  bool client_open = true;
  // A back end that keeps connections alive (autoprof serve) would let one
  // connection carry every request past the plan; like a server closing idle
  // keep-alive connections, the relay closes once an answer has gone quiet.
  bool answered = false;
  auto last_answer = std::chrono::steady_clock::now();
  while (!stopping_) {
    pollfd p[2] = {{client, static_cast<short>(client_open ? POLLIN : 0), 0}, {backend, POLLIN, 0}};
    if (poll(p, 2, kPollMs) <= 0) {
      if (answered && std::chrono::steady_clock::now() - last_answer > std::chrono::milliseconds(30)) {
        break;
      }
      continue;
    }
    if (client_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(client, buf, sizeof(buf));
      if (n <= 0) {
        client_open = false;
        shutdown(backend, SHUT_WR);
      } else if (write(backend, buf, static_cast<size_t>(n)) != n) {
        break;
      } else {
        answered = false;
      }
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(backend, buf, sizeof(buf));
      if (n <= 0) break;  // the back end answered and closed
      if (drop_reply) break;  // accepted, but the client will never hear it
      if (write(client, buf, static_cast<size_t>(n)) != n) break;
      answered = true;
      last_answer = std::chrono::steady_clock::now();
    }
  }
  close(backend);
  if (drop_reply) {
    CloseWithReset(client);
  } else {
    close(client);
  }
}

void TestReceiver::set_connection_plan(std::function<ConnectionFault(int)> plan) {
  std::lock_guard<std::mutex> l(mu_);
  connection_plan_ = std::move(plan);
}

void TestReceiver::set_answer_plan(std::function<ScriptedAnswer(int)> plan) {
  std::lock_guard<std::mutex> l(mu_);
  answer_plan_ = std::move(plan);
}

void TestReceiver::set_required_authorization(std::string value) {
  std::lock_guard<std::mutex> l(mu_);
  required_authorization_ = std::move(value);
}

std::vector<ReceivedProfile> TestReceiver::received() const {
  std::lock_guard<std::mutex> l(mu_);
  return received_;
}

int TestReceiver::raw_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return static_cast<int>(received_.size());
}

int TestReceiver::unique_count() const {
  std::lock_guard<std::mutex> l(mu_);
  std::set<std::string> unique;
  for (const ReceivedProfile& p : received_) unique.insert(p.sha256);
  return static_cast<int>(unique.size());
}

std::vector<std::string> TestReceiver::refusals() const {
  std::lock_guard<std::mutex> l(mu_);
  return refusals_;
}

}  // namespace autoprof::testing
