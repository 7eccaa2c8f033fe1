#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"

#include "core/time.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace coastguard::io {
class EventLoop;
}

namespace coastguard::http {

// A request as handlers see it: the body is complete, `now` is when it was received.
struct Request {
  std::string_view method;
  std::string_view path;
  std::string_view body;
  core::Timestamp now = 0;
  bool body_too_large = false;
  // Header and query-argument lookups; empty when absent.
  std::function<std::string_view(const char*)> header;
  std::function<std::string_view(const char*)> query;
  // The client's address as text ("" if unknown); computed on call.
  std::function<std::string()> peer;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Further headers (Set-Cookie, Location, Cache-Control...), in order.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

using RequestHandler = std::function<Response(const Request&)>;

struct HttpSettings {
  std::string address = "127.0.0.1";
  uint16_t port = 8084;
  size_t max_body_bytes = 64 * 1024;
  size_t max_connections = 4096;
  size_t max_connections_per_client = 1024;
  // A connection silent this long is closed, and so is one that has not completed a request
  // this long after it opened or after its last reply, however slowly it trickles bytes in.
  core::Duration idle_timeout = core::kMinute;
};

// HTTP/1.1 with keep-alive, by libmicrohttpd in external-epoll mode: MHD's epoll fd is
// watched by our EventLoop, so every connection is served on the loop's one thread next to the
// other listeners, and handlers may touch the engine without locks.
// Handlers are called once per request with the whole body (bounded by max_body_bytes; larger
// bodies are drained and flagged, never buffered).
class HttpServer {
 public:
  HttpServer(const HttpSettings& settings, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and registers with the loop; false with a message in `error` on failure.
  bool Start(io::EventLoop& loop, std::string* error);
  uint16_t port() const { return bound_port_; }
  // Runs MHD's pending work (called on readiness and on a timer for idle timeouts).
  void Poll();

  // coastguard_http_connections, coastguard_http_timed_out_total.
  void AppendMetrics(std::string& out) const;

  // For the libmicrohttpd callbacks.
  const HttpSettings& settings() const { return settings_; }
  Response Dispatch(const Request& request) const { return handler_(request); }
  struct ConnectionClock {
    int fd = -1;
    core::Timestamp deadline = 0;  // a request must be completed by then
  };
  ConnectionClock* Opened(int fd);
  void Closed(ConnectionClock* clock);
  void Replied(ConnectionClock* clock) const;

 private:
  void CloseOverdue();

  HttpSettings settings_;
  RequestHandler handler_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t bound_port_ = 0;
  absl::flat_hash_set<ConnectionClock*> clocks_;  // owned; one per open connection
  uint64_t timed_out_ = 0;
  io::EventLoop* loop_ = nullptr;
  bool poll_pending_ = false;  // a Poll is queued for the next loop turn
};

}  // namespace coastguard::http
