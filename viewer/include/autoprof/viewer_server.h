// ViewerServer: `autoprof serve`, the HTTP server of the viewer. It stores
// uploaded profiles (ProfileStore), serves SPEC.md's JSON API and the web UI,
// accepts Grafana Pyroscope's /ingest, and posts a webhook per triggered profile.
//
// Bounded and safe by default: it listens on 127.0.0.1, refuses request bodies
// over max_upload_bytes (413) and profiles that decompress beyond
// max_profile_bytes (gzip bombs, 413), refuses a Content-Encoding it would have to
// inflate itself (415), validates every profile strictly before storing it (400
// with a one-line reason; nothing is stored), decodes at most one profile per CPU
// at a time, and with a token answers 401 to every request without
// `Authorization: Bearer <token>`. Every response carries a Content-Security-
// Policy and the usual hardening headers.
//
// Thread-safety: Start returns a running server; Stop and the accessors may be
// called from any thread.
//
// Example:
//   autoprof::ViewerOptions options;
//   options.listen = "127.0.0.1:0";  // any free port
//   auto server = autoprof::ViewerServer::Start(options);
//   if (!server.ok()) { fprintf(stderr, "%s\n", server.status().message().c_str()); return 1; }
//   printf("%s\n", (*server)->url().c_str());
//   ...
//   (*server)->Stop();
#ifndef AUTOPROF_VIEWER_SERVER_H_
#define AUTOPROF_VIEWER_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "autoprof/status.h"

namespace autoprof {

struct ViewerOptions {
  std::string data_dir = "./var/autoprof";
  std::string listen = "127.0.0.1:8080";  // HOST:PORT, [V6]:PORT; port 0 picks one
  std::string token;                      // empty: no authentication
  std::string webhook_url;                // empty: no notifications
  std::string public_url;                 // base of links in notifications; default url()
  size_t max_upload_bytes = 16u << 20;    // request body
  size_t max_profile_bytes = 64u << 20;   // a profile after gunzip
  int64_t retention_max_age_seconds = 0;  // 0: keep regardless of age
  uint64_t retention_max_bytes = 0;       // 0: no bound on stored bytes
  int threads = 8;                        // connections served at once
};

struct ListenAddress {
  std::string host;
  int port = 0;
};
// Parses "127.0.0.1:8080", "[::1]:8080", "localhost:0".
Result<ListenAddress> ParseListenAddress(std::string_view text);

class ViewerServer {
 public:
  // Opens the store, binds the address, and serves from background threads.
  static Result<std::unique_ptr<ViewerServer>> Start(const ViewerOptions& options);
  ~ViewerServer();  // Stop()
  ViewerServer(const ViewerServer&) = delete;
  ViewerServer& operator=(const ViewerServer&) = delete;

  // Stops accepting connections, lets requests in progress finish, then returns.
  void Stop();

  int port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"

  class Impl;

 private:
  explicit ViewerServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace autoprof

#endif  // AUTOPROF_VIEWER_SERVER_H_
