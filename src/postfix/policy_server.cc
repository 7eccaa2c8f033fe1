#include "postfix/policy_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/log.h"
#include "core/metrics_text.h"
#include "core/text.h"
#include "io/event_loop.h"

namespace coastguard::postfix {

PolicyServer::PolicyServer(const PolicyServerSettings& settings, PolicyHandler handler)
    : settings_(settings), handler_(std::move(handler)) {}

PolicyServer::~PolicyServer() {
  for (auto& [fd, connection] : connections_) close(fd);
  if (tcp_fd_ >= 0) close(tcp_fd_);
  if (unix_fd_ >= 0) {
    close(unix_fd_);
    unlink(settings_.unix_path.c_str());
  }
}

bool PolicyServer::Listen(int fd, std::string* error) {
  if (listen(fd, 1024) != 0) {
    *error = std::string("listen: ") + std::strerror(errno);
    return false;
  }
  if (!loop_->Watch(fd, EPOLLIN, [this, fd](uint32_t) { Accept(fd); })) {
    *error = "cannot watch the policy listener";
    return false;
  }
  return true;
}

bool PolicyServer::Start(io::EventLoop& loop, std::string* error) {
  loop_ = &loop;
  loop.Every(core::kSecond, [this] { CheckTimeouts(); });
  if (!settings_.address.empty()) {
    const bool v6 = settings_.address.find(':') != std::string::npos;
    tcp_fd_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_storage storage{};
    socklen_t length;
    if (v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(settings_.port);
      length = sizeof(*a);
      if (inet_pton(AF_INET6, settings_.address.c_str(), &a->sin6_addr) != 1) length = 0;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&storage);
      a->sin_family = AF_INET;
      a->sin_port = htons(settings_.port);
      length = sizeof(*a);
      if (inet_pton(AF_INET, settings_.address.c_str(), &a->sin_addr) != 1) length = 0;
    }
    if (length == 0) {
      *error = "bad Postfix policy listen address " + settings_.address;
      return false;
    }
    if (bind(tcp_fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
      *error = "cannot listen on " + settings_.address + ":" + std::to_string(settings_.port) +
               " (Postfix policy): " + std::strerror(errno);
      return false;
    }
    if (!Listen(tcp_fd_, error)) return false;
    sockaddr_storage bound{};
    socklen_t bound_length = sizeof(bound);
    getsockname(tcp_fd_, reinterpret_cast<sockaddr*>(&bound), &bound_length);
    bound_port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                           : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  if (!settings_.unix_path.empty()) {
    unix_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (settings_.unix_path.size() >= sizeof(a.sun_path)) {
      *error = "Postfix policy socket path too long";
      return false;
    }
    std::memcpy(a.sun_path, settings_.unix_path.c_str(), settings_.unix_path.size() + 1);
    unlink(settings_.unix_path.c_str());
    if (bind(unix_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      *error = "cannot listen on " + settings_.unix_path + ": " + std::strerror(errno);
      return false;
    }
    if (!Listen(unix_fd_, error)) return false;
  }
  return true;
}

void PolicyServer::Accept(int listener) {
  while (true) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    const int fd = accept4(listener, reinterpret_cast<sockaddr*>(&address), &length,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto c = std::make_unique<Connection>();
    if (address.ss_family == AF_INET || address.ss_family == AF_INET6) {
      std::array<uint8_t, 16> bytes{};
      if (address.ss_family == AF_INET) {
        bytes[10] = bytes[11] = 0xff;  // IPv4-mapped, as IpAddress keeps IPv4
        std::memcpy(bytes.data() + 12, &reinterpret_cast<sockaddr_in*>(&address)->sin_addr, 4);
      } else {
        std::memcpy(bytes.data(), &reinterpret_cast<sockaddr_in6*>(&address)->sin6_addr, 16);
      }
      c->peer = core::IpAddress::FromBytes(bytes);
      c->has_peer = true;
    }
    // Postfix retries a refused connection, then applies its default_action.
    if (connections_.size() >= settings_.max_connections ||
        (c->has_peer && per_client_[c->peer] >= settings_.max_connections_per_client)) {
      ++stats_.refused;
      close(fd);
      continue;
    }
    if (c->has_peer) ++per_client_[c->peer];
    ++stats_.connections;
    c->last_request = io::EventLoop::Now();
    Connection& connection = *c;
    connections_[fd] = std::move(c);
    Watch(fd, connection);
  }
}

void PolicyServer::Watch(int fd, Connection& c) {
  const uint32_t events = (c.paused ? 0u : static_cast<uint32_t>(EPOLLIN)) |
                          (c.waiting_to_write ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  if (!loop_->Modify(fd, events)) {
    loop_->Watch(fd, events, [this, fd](uint32_t ready) { OnEvent(fd, ready); });
  }
}

void PolicyServer::Close(int fd) {
  const auto it = connections_.find(fd);
  if (it != connections_.end() && it->second->has_peer) {
    const auto count = per_client_.find(it->second->peer);
    if (count != per_client_.end() && --count->second == 0) per_client_.erase(count);
  }
  loop_->Unwatch(fd);
  close(fd);
  connections_.erase(fd);
}

bool PolicyServer::Flush(int fd, Connection& c) {
  while (c.out_start < c.out.size()) {
    const ssize_t n = write(fd, c.out.data() + c.out_start, c.out.size() - c.out_start);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return false;
    }
    c.out_start += static_cast<size_t>(n);
  }
  if (c.out_start == c.out.size()) {
    c.out.clear();
    c.out_start = 0;
  } else if (c.out_start > c.out.size() / 2) {
    c.out.erase(0, c.out_start);  // keep the unsent tail only: linear in what is written
    c.out_start = 0;
  }
  const size_t unsent = c.out.size() - c.out_start;
  const bool want_write = unsent > 0;
  // A client that does not read its replies gets no more requests served until it does.
  const bool pause = unsent >= settings_.max_unsent;
  if (want_write != c.waiting_to_write || pause != c.paused) {
    c.waiting_to_write = want_write;
    c.paused = pause;
    Watch(fd, c);
  }
  return true;
}

void PolicyServer::OnEvent(int fd, uint32_t events) {
  const auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (events & (EPOLLERR)) return Close(fd);
  if (events & EPOLLOUT) {
    if (!Flush(fd, c)) return Close(fd);
    if (!c.paused) Serve(fd, c);  // requests read earlier may wait on the replies
    return;
  }
  if (!(events & (EPOLLIN | EPOLLHUP)) || c.paused) return;
  // At most read_budget bytes per event: one client's burst waits for the others' turn.
  char buffer[16384];
  size_t budget = settings_.read_budget;
  while (budget > 0) {
    const ssize_t n = read(fd, buffer, std::min(sizeof(buffer), budget));
    if (n == 0) return Close(fd);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return Close(fd);
    }
    c.reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
    budget -= static_cast<size_t>(n);
    if (static_cast<size_t>(n) < sizeof(buffer)) break;
  }
  Serve(fd, c);
}

void PolicyServer::Serve(int fd, Connection& c) {
  const int64_t now = io::EventLoop::Now();
  PolicyRequest request;
  std::string error;
  while (c.out.size() - c.out_start < settings_.max_unsent) {
    const PolicyReader::Result result = c.reader.Next(&request, &error);
    if (result == PolicyReader::Result::kNeedMore) break;
    if (result == PolicyReader::Result::kMalformed) {
      ++stats_.malformed;
      core::Log(core::Cat("postfix policy: malformed request (", error, "); closing"));
      return Close(fd);
    }
    ++stats_.requests;
    c.last_request = now;
    c.out += "action=";
    c.out += handler_(request, now);
    c.out += "\n\n";
  }
  // A request begun but not finished starts the request timeout.
  if (c.reader.buffered() == 0) {
    c.partial_since = 0;
  } else if (c.partial_since == 0) {
    c.partial_since = now;
  }
  if (!Flush(fd, c)) Close(fd);
}

void PolicyServer::CheckTimeouts() {
  const core::Timestamp now = io::EventLoop::Now();
  std::vector<int> expired;
  for (const auto& [fd, c] : connections_) {
    const bool idle = now - c->last_request > settings_.idle_timeout;
    const bool stuck = c->partial_since != 0 && now - c->partial_since > settings_.request_timeout;
    if (idle || stuck) expired.push_back(fd);
  }
  for (const int fd : expired) {
    ++stats_.timed_out;
    Close(fd);
  }
}

void PolicyServer::AppendMetrics(std::string& out) const {
  core::MetricFamily(out, "coastguard_postfix_requests_total", "counter",
                     "Postfix policy requests answered.", static_cast<double>(stats_.requests));
  core::MetricFamily(out, "coastguard_postfix_malformed_total", "counter",
                     "Malformed Postfix policy requests (connection closed).",
                     static_cast<double>(stats_.malformed));
  core::MetricFamily(out, "coastguard_postfix_refused_total", "counter",
                     "Postfix policy connections refused: over max_connections or the "
                     "per-client cap.",
                     static_cast<double>(stats_.refused));
  core::MetricFamily(out, "coastguard_postfix_timed_out_total", "counter",
                     "Postfix policy connections closed idle or in the middle of a request.",
                     static_cast<double>(stats_.timed_out));
  core::MetricFamily(out, "coastguard_postfix_connections", "gauge",
                     "Open Postfix policy connections.", static_cast<double>(connections_.size()));
}

}  // namespace coastguard::postfix
