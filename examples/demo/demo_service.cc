// The demo service: a small HTTP service with a CPU-hot path, an allocation path
// with a tuning knob, and a leak, for showing what autoprof captures.
//
//   GET /cpu?n=200          RenderReport: hashing and sorting (CPU)
//   GET /alloc?items=2000   BuildResponse, naive or pooled (DEMO_ALLOC_MODE, or &mode=)
//   GET /leak?kb=1024       LeakRemember: holds the memory forever
//   GET /healthz
//
// Flags: --listen ADDR (default 127.0.0.1), --port N (default 8081; 0 picks one). The agent is
// configured by AUTOPROF_* variables (README).
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "autoprof/agent.h"
#include "workloads.h"

namespace {

httplib::Server* g_server = nullptr;

int IntParam(const httplib::Request& req, const char* name, int fallback, int max) {
  if (!req.has_param(name)) return fallback;
  int v = std::atoi(req.get_param_value(name).c_str());
  return v < 1 ? 1 : v > max ? max : v;
}

demo::AllocMode ModeFrom(const std::string& text, demo::AllocMode fallback) {
  if (text == "naive") return demo::AllocMode::kNaive;
  if (text == "pooled") return demo::AllocMode::kPooled;
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1";
  int port = 8081;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--listen") listen = argv[i + 1];
    else if (flag == "--port") port = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "demo_service: unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  const char* mode_env = std::getenv("DEMO_ALLOC_MODE");
  demo::AllocMode default_mode = ModeFrom(mode_env ? mode_env : "", demo::AllocMode::kNaive);

  // The one line a service adds: start the agent from AUTOPROF_* variables. If
  // it cannot start, it says why and the service runs on without it.
  autoprof_start_from_env();

  httplib::Server server;
  server.Get("/cpu", [](const httplib::Request& req, httplib::Response& res) {
    uint64_t sum = demo::RenderReport(IntParam(req, "n", 200, 100000));
    res.set_content(std::to_string(sum) + "\n", "text/plain");
  });
  server.Get("/alloc", [default_mode](const httplib::Request& req, httplib::Response& res) {
    demo::AllocMode mode = ModeFrom(req.get_param_value("mode"), default_mode);
    size_t n = demo::BuildResponse(IntParam(req, "items", 2000, 1000000), mode);
    res.set_content(std::to_string(n) + "\n", "text/plain");
  });
  server.Get("/leak", [](const httplib::Request& req, httplib::Response& res) {
    size_t held = demo::LeakRemember(size_t(IntParam(req, "kb", 1024, 1 << 20)) * 1024);
    res.set_content(std::to_string(held) + "\n", "text/plain");
  });
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });

  g_server = &server;
  std::signal(SIGINT, [](int) { g_server->stop(); });
  std::signal(SIGTERM, [](int) { g_server->stop(); });
  // --port 0 picks a free port; the line below says which.
  int bound = port == 0 ? server.bind_to_any_port(listen.c_str())
                        : (server.bind_to_port(listen.c_str(), port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "demo_service: cannot listen on %s:%d\n", listen.c_str(), port);
    return 1;
  }
  std::fprintf(stderr, "demo_service: listening on http://%s:%d (alloc mode %s)\n",
               listen.c_str(), bound, default_mode == demo::AllocMode::kNaive ? "naive" : "pooled");
  if (!server.listen_after_bind()) return 1;
  autoprof_stop();
  return 0;
}
