#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "core/ip_address.h"
#include "core/time.h"
#include "postfix/policy_request.h"

namespace coastguard::io {
class EventLoop;
}

namespace coastguard::postfix {

struct PolicyServerSettings {
  std::string address = "127.0.0.1";  // TCP; empty to disable
  uint16_t port = 10040;
  std::string unix_path;  // also listen on this UNIX socket if set
  size_t max_connections = 1024;
  size_t max_connections_per_client = 256;              // per TCP client address
  core::Duration idle_timeout = 10 * core::kMinute;     // no request for this long: closed
  core::Duration request_timeout = 30 * core::kSecond;  // a request started, not finished
  // Fairness and backpressure: bytes read from one connection per readiness event, and reply
  // bytes a connection may leave unread before its requests wait.
  size_t read_budget = 64 * 1024;
  size_t max_unsent = 64 * 1024;
};

// Decides one request; returns the action text ("DUNNO", "HOLD ...", ...).
using PolicyHandler = std::function<std::string(const PolicyRequest&, int64_t now)>;

struct PolicyServerStats {
  uint64_t connections = 0;
  uint64_t requests = 0;
  uint64_t malformed = 0;
  uint64_t refused = 0;    // connections over a cap
  uint64_t timed_out = 0;  // closed idle, or in the middle of a request for too long
};

// The Postfix policy delegation server: persistent connections from smtpd processes, served
// on the shared event loop. A request is answered with "action=...\n\n"; a malformed one is
// logged and its connection closed without a reply, as Postfix expects.
// Nothing one client does can stall the loop or grow without bound: each readiness event reads
// at most read_budget bytes, a connection whose replies go unread stops being read, requests
// are parsed in place, and idle or half-sent connections time out. Loop thread.
class PolicyServer {
 public:
  PolicyServer(const PolicyServerSettings& settings, PolicyHandler handler);
  ~PolicyServer();
  PolicyServer(const PolicyServer&) = delete;
  PolicyServer& operator=(const PolicyServer&) = delete;

  bool Start(io::EventLoop& loop, std::string* error);
  uint16_t port() const { return bound_port_; }
  const PolicyServerStats& stats() const { return stats_; }
  size_t open_connections() const { return connections_.size(); }
  // coastguard_postfix_requests_total, _malformed_total, _refused_total, _timed_out_total,
  // _connections.
  void AppendMetrics(std::string& out) const;

 private:
  struct Connection {
    PolicyReader reader;
    std::string out;                // reply bytes not yet written
    size_t out_start = 0;           // bytes of `out` already written
    bool waiting_to_write = false;  // EPOLLOUT is watched
    bool paused = false;            // EPOLLIN is not watched: replies are waiting
    bool has_peer = false;
    core::IpAddress peer;
    core::Timestamp last_request = 0;   // or the connection's start
    core::Timestamp partial_since = 0;  // a request begun and not finished; 0 if none
  };
  bool Listen(int fd, std::string* error);
  void Accept(int listener);
  void OnEvent(int fd, uint32_t events);
  void Serve(int fd, Connection& c);
  void Close(int fd);
  bool Flush(int fd, Connection& c);
  void Watch(int fd, Connection& c);
  void CheckTimeouts();

  PolicyServerSettings settings_;
  PolicyHandler handler_;
  io::EventLoop* loop_ = nullptr;
  int tcp_fd_ = -1;
  int unix_fd_ = -1;
  uint16_t bound_port_ = 0;
  absl::flat_hash_map<int, std::unique_ptr<Connection>> connections_;
  absl::flat_hash_map<core::IpAddress, uint32_t> per_client_;
  PolicyServerStats stats_;
};

}  // namespace coastguard::postfix
