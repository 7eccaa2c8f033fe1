#include "http/webhook.h"

#include <fcntl.h>
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/crypto.h"
#include "core/metrics_text.h"
#include "core/text.h"
#include "io/event_loop.h"

namespace coastguard::http {

Webhook::~Webhook() {
  if (fd_ >= 0) {
    loop_->Unwatch(fd_);
    close(fd_);
  }
}

std::string Webhook::Signature(std::string_view secret, std::string_view body) {
  const std::string hex = core::HmacSha256Hex(secret, body);
  return hex.empty() ? "" : "sha256=" + hex;
}

absl::Status Webhook::Start(io::EventLoop& loop) {
  loop_ = &loop;
  std::string_view url = settings_.url;
  if (url.substr(0, 7) != "http://") {
    return core::InvalidInput(core::Cat("webhook_url must start with http:// (got '", url, "')"));
  }
  url.remove_prefix(7);
  const size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  path_ = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  host_header_ = std::string(authority);
  std::string host(authority);
  std::string port = "80";
  if (const size_t colon = host.rfind(':'); colon != std::string::npos && host.back() != ']') {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &result) != 0 || result == nullptr) {
    return core::InvalidInput(core::Cat("webhook_url: cannot resolve '", host, "'"));
  }
  address_.assign(reinterpret_cast<const char*>(result->ai_addr), result->ai_addrlen);
  freeaddrinfo(result);
  loop.Every(100 * core::kMillisecond, [this] { CheckTimeout(); });
  return absl::OkStatus();
}

void Webhook::Post(std::string body) {
  if (loop_ == nullptr) return;
  if (queue_.size() >= settings_.max_pending) {
    ++stats_.dropped;
    return;
  }
  queue_.push_back(std::move(body));
  if (fd_ < 0) StartNext();
}

void Webhook::StartNext() {
  while (fd_ < 0 && !queue_.empty()) {
    const std::string body = std::move(queue_.front());
    queue_.pop_front();
    const auto* address = reinterpret_cast<const sockaddr*>(address_.data());
    fd_ = socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || (connect(fd_, address, static_cast<socklen_t>(address_.size())) != 0 &&
                    errno != EINPROGRESS)) {
      if (fd_ >= 0) close(fd_);
      fd_ = -1;
      ++stats_.failed;
      continue;
    }
    out_ = core::Cat("POST ", path_, " HTTP/1.1\r\nHost: ", host_header_,
                     "\r\nContent-Type: application/json\r\nUser-Agent: coastguard\r\n"
                     "X-Coastguard-Signature: ",
                     Signature(settings_.secret, body), "\r\nContent-Length: ", body.size(),
                     "\r\nConnection: close\r\n\r\n", body);
    in_.clear();
    deadline_ = io::EventLoop::Now() + settings_.timeout;
    loop_->Watch(fd_, EPOLLOUT | EPOLLIN, [this](uint32_t events) { OnEvent(events); });
  }
}

void Webhook::OnEvent(uint32_t events) {
  if (events & EPOLLERR) return Finish(false);
  if ((events & EPOLLOUT) && !out_.empty()) {
    const ssize_t n = write(fd_, out_.data(), out_.size());
    if (n < 0 && errno != EAGAIN) return Finish(false);
    if (n > 0) out_.erase(0, static_cast<size_t>(n));
    if (out_.empty()) loop_->Modify(fd_, EPOLLIN);
  }
  if (events & (EPOLLIN | EPOLLHUP)) {
    char buffer[1024];
    const ssize_t n = read(fd_, buffer, sizeof(buffer));
    if (n > 0) in_.append(buffer, static_cast<size_t>(n));
    // "HTTP/1.1 2xx" is all we need to know.
    if (in_.size() >= 12 || n <= 0) {
      Finish(in_.size() >= 12 && in_.compare(0, 5, "HTTP/") == 0 && in_[9] == '2');
    }
  }
}

void Webhook::Finish(bool ok) {
  ++(ok ? stats_.sent : stats_.failed);
  loop_->Unwatch(fd_);
  close(fd_);
  fd_ = -1;
  StartNext();
}

void Webhook::CheckTimeout() {
  if (fd_ >= 0 && io::EventLoop::Now() > deadline_) Finish(false);
}

void Webhook::AppendMetrics(std::string& out) const {
  core::MetricFamily(out, "coastguard_webhook_sent_total", "counter", "Webhook posts answered 2xx.",
                     static_cast<double>(stats_.sent));
  core::MetricFamily(out, "coastguard_webhook_failed_total", "counter",
                     "Webhook posts refused, timed out or answered otherwise.",
                     static_cast<double>(stats_.failed));
  core::MetricFamily(out, "coastguard_webhook_dropped_total", "counter",
                     "Webhook posts dropped, queue full.", static_cast<double>(stats_.dropped));
}

}  // namespace coastguard::http
