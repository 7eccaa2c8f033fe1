#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
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
};

// Decides one request; returns the action text ("DUNNO", "HOLD ...", ...).
using PolicyHandler = std::function<std::string(const PolicyRequest&, int64_t now)>;

struct PolicyServerStats {
  uint64_t connections = 0;
  uint64_t requests = 0;
  uint64_t malformed = 0;
};

// The Postfix policy delegation server: persistent connections from smtpd processes, served
// on the shared event loop. A request is answered with "action=...\n\n"; a malformed one is
// logged and its connection closed without a reply, as Postfix expects.
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
  // coastguard_postfix_requests_total, _malformed_total, _connections.
  void AppendMetrics(std::string& out) const;

 private:
  struct Connection {
    PolicyReader reader;
    std::string out;                // reply bytes not yet written
    bool waiting_to_write = false;  // EPOLLOUT is watched
  };
  bool Listen(int fd, std::string* error);
  void Accept(int listener);
  void OnReadable(int fd, uint32_t events);
  void Close(int fd);
  bool Flush(int fd, Connection& c);

  PolicyServerSettings settings_;
  PolicyHandler handler_;
  io::EventLoop* loop_ = nullptr;
  int tcp_fd_ = -1;
  int unix_fd_ = -1;
  uint16_t bound_port_ = 0;
  absl::flat_hash_map<int, std::unique_ptr<Connection>> connections_;
  PolicyServerStats stats_;
};

}  // namespace coastguard::postfix
