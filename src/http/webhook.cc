#include "http/webhook.h"

#include <fcntl.h>
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/crypto.h"
#include "core/metrics_text.h"
#include "core/text.h"
#include "io/event_loop.h"

namespace coastguard::http {
namespace {

constexpr core::Duration kMaxRetryDelay = core::kMinute;

}  // namespace

Webhook::~Webhook() {
  for (auto& [fd, connection] : connections_) {
    if (loop_ != nullptr) loop_->Unwatch(fd);
    close(fd);
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
  loop.Every(100 * core::kMillisecond, [this] {
    CheckTimeouts();
    Pump();
  });
  return absl::OkStatus();
}

void Webhook::Enqueue(Item item, bool front) {
  auto& queue = queues_[static_cast<size_t>(item.kind)];
  if (queue.size() >= settings_.max_pending) {
    // The oldest goes: the newest events are the ones an operator can still act on.
    ++stats_.dropped[static_cast<size_t>(item.kind)];
    queue.pop_front();
  }
  if (front) {
    queue.push_front(std::move(item));
  } else {
    queue.push_back(std::move(item));
  }
}

void Webhook::Post(std::string body, WebhookEvent kind) {
  if (loop_ == nullptr) return;
  Enqueue(Item{std::move(body), 0, 0, kind}, /*front=*/false);
  Pump();
}

void Webhook::Pump() {
  const core::Timestamp now = io::EventLoop::Now();
  // Holds first; within a queue, the first whose retry time has come.
  for (auto& queue : queues_) {
    for (auto it = queue.begin();
         it != queue.end() && connections_.size() < settings_.max_in_flight;) {
      if (it->not_before > now) {
        ++it;
        continue;
      }
      Item item = std::move(*it);
      it = queue.erase(it);
      Open(std::move(item));
    }
  }
}

void Webhook::Open(Item item) {
  const auto* address = reinterpret_cast<const sockaddr*>(address_.data());
  const int fd = socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    // Out of descriptors, most likely: try again later like any failed attempt.
    ++stats_.failed;
    ++item.attempts;
    item.not_before = io::EventLoop::Now() + settings_.first_retry;
    Enqueue(std::move(item), /*front=*/true);
    return;
  }
  auto connection = std::make_unique<Connection>();
  const std::string& body = item.body;
  connection->out =
      core::Cat("POST ", path_, " HTTP/1.1\r\nHost: ", host_header_,
                "\r\nContent-Type: application/json\r\nUser-Agent: coastguard\r\n"
                "X-Coastguard-Signature: ",
                Signature(settings_.secret, body), "\r\nContent-Length: ", body.size(),
                "\r\nConnection: close\r\n\r\n", body);
  connection->deadline = io::EventLoop::Now() + settings_.timeout;
  connection->item = std::move(item);
  connections_[fd] = std::move(connection);
  if (connect(fd, address, static_cast<socklen_t>(address_.size())) != 0 && errno != EINPROGRESS) {
    return Finish(fd, Outcome::kRetry);
  }
  loop_->Watch(fd, EPOLLOUT | EPOLLIN, [this, fd](uint32_t events) { OnEvent(fd, events); });
}

void Webhook::OnEvent(int fd, uint32_t events) {
  const auto found = connections_.find(fd);
  if (found == connections_.end()) return;
  Connection& c = *found->second;
  if (events & EPOLLERR) return Finish(fd, Outcome::kRetry);
  if ((events & EPOLLOUT) && !c.out.empty()) {
    const ssize_t n = write(fd, c.out.data(), c.out.size());
    if (n < 0 && errno != EAGAIN) return Finish(fd, Outcome::kRetry);
    if (n > 0) c.out.erase(0, static_cast<size_t>(n));
    if (c.out.empty()) loop_->Modify(fd, EPOLLIN);
  }
  if (events & (EPOLLIN | EPOLLHUP)) {
    char buffer[1024];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n > 0) c.in.append(buffer, static_cast<size_t>(n));
    // "HTTP/1.1 2xx" is all we need to know.
    if (c.in.size() >= 12 || n <= 0) {
      Outcome outcome = Outcome::kRetry;
      if (c.in.size() >= 12 && c.in.compare(0, 5, "HTTP/") == 0) {
        const char klass = c.in[9];
        const std::string_view code = std::string_view(c.in).substr(9, 3);
        if (klass == '2') {
          outcome = Outcome::kOk;
        } else if (klass == '4' && code != "408" && code != "429") {
          outcome = Outcome::kRefused;  // the receiver will not take it: retrying cannot help
        }
      }
      Finish(fd, outcome);
    }
  }
}

void Webhook::Finish(int fd, Outcome outcome) {
  const auto found = connections_.find(fd);
  if (found == connections_.end()) return;
  Item item = std::move(found->second->item);
  if (loop_ != nullptr) loop_->Unwatch(fd);
  close(fd);
  connections_.erase(found);
  if (outcome == Outcome::kOk) {
    ++stats_.sent;
  } else {
    ++stats_.failed;
    ++item.attempts;
    if (outcome == Outcome::kRetry && item.attempts < settings_.max_attempts) {
      ++stats_.retried;
      const core::Duration delay = std::min<core::Duration>(
          settings_.first_retry << std::min(item.attempts - 1, 20), kMaxRetryDelay);
      item.not_before = io::EventLoop::Now() + delay;
      Enqueue(std::move(item), /*front=*/true);
    } else {
      ++stats_.gave_up;
    }
  }
  Pump();
}

void Webhook::CheckTimeouts() {
  const core::Timestamp now = io::EventLoop::Now();
  std::vector<int> expired;
  for (const auto& [fd, c] : connections_) {
    if (now > c->deadline) expired.push_back(fd);
  }
  for (const int fd : expired) Finish(fd, Outcome::kRetry);
}

void Webhook::AppendMetrics(std::string& out) const {
  core::MetricFamily(out, "coastguard_webhook_sent_total", "counter", "Webhook posts answered 2xx.",
                     static_cast<double>(stats_.sent));
  core::MetricFamily(out, "coastguard_webhook_failed_total", "counter",
                     "Webhook attempts refused, timed out or answered otherwise.",
                     static_cast<double>(stats_.failed));
  core::MetricFamily(out, "coastguard_webhook_retried_total", "counter",
                     "Webhook attempts queued again after a failure.",
                     static_cast<double>(stats_.retried));
  core::MetricFamily(out, "coastguard_webhook_gave_up_total", "counter",
                     "Webhook events given up: attempts exhausted, or refused with a 4xx.",
                     static_cast<double>(stats_.gave_up));
  core::MetricHeader(out, "coastguard_webhook_dropped_total", "counter",
                     "Webhook events dropped because their queue was full, by event.");
  core::MetricSample(out, "coastguard_webhook_dropped_total", "event=\"hold\"",
                     static_cast<double>(stats_.dropped[0]));
  core::MetricSample(out, "coastguard_webhook_dropped_total", "event=\"form_campaign\"",
                     static_cast<double>(stats_.dropped[1]));
  core::MetricFamily(out, "coastguard_webhook_pending", "gauge",
                     "Webhook events queued or waiting to be retried.",
                     static_cast<double>(pending()));
}

}  // namespace coastguard::http
