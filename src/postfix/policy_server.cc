#include "postfix/policy_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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
    const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (connections_.size() >= settings_.max_connections) {
      close(fd);  // Postfix retries, then applies its default_action
      continue;
    }
    ++stats_.connections;
    connections_[fd] = std::make_unique<Connection>();
    loop_->Watch(fd, EPOLLIN, [this, fd](uint32_t events) { OnReadable(fd, events); });
  }
}

void PolicyServer::Close(int fd) {
  loop_->Unwatch(fd);
  close(fd);
  connections_.erase(fd);
}

bool PolicyServer::Flush(int fd, Connection& c) {
  while (!c.out.empty()) {
    const ssize_t n = write(fd, c.out.data(), c.out.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!c.waiting_to_write) loop_->Modify(fd, EPOLLIN | EPOLLOUT);
        c.waiting_to_write = true;
        return true;
      }
      if (errno == EINTR) continue;
      return false;
    }
    c.out.erase(0, static_cast<size_t>(n));
  }
  if (c.waiting_to_write) loop_->Modify(fd, EPOLLIN);
  c.waiting_to_write = false;
  return true;
}

void PolicyServer::OnReadable(int fd, uint32_t events) {
  const auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (events & EPOLLOUT) {
    if (!Flush(fd, c)) return Close(fd);
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  char buffer[16384];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n == 0) return Close(fd);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return Close(fd);
    }
    c.reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
  const int64_t now = io::EventLoop::Now();
  PolicyRequest request;
  std::string error;
  while (true) {
    const PolicyReader::Result result = c.reader.Next(&request, &error);
    if (result == PolicyReader::Result::kNeedMore) break;
    if (result == PolicyReader::Result::kMalformed) {
      ++stats_.malformed;
      core::Log(core::Cat("postfix policy: malformed request (", error, "); closing"));
      return Close(fd);
    }
    ++stats_.requests;
    c.out += "action=";
    c.out += handler_(request, now);
    c.out += "\n\n";
  }
  if (!Flush(fd, c)) Close(fd);
}

void PolicyServer::AppendMetrics(std::string& out) const {
  core::MetricFamily(out, "coastguard_postfix_requests_total", "counter",
                     "Postfix policy requests answered.", static_cast<double>(stats_.requests));
  core::MetricFamily(out, "coastguard_postfix_malformed_total", "counter",
                     "Malformed Postfix policy requests (connection closed).",
                     static_cast<double>(stats_.malformed));
  core::MetricFamily(out, "coastguard_postfix_connections", "gauge",
                     "Open Postfix policy connections.", static_cast<double>(connections_.size()));
}

}  // namespace coastguard::postfix
