#include "http/webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/text.h"
#include "io/event_loop.h"

namespace coastguard::http {
namespace {

TEST(Webhook, SignsBodiesWithHmacSha256) {
  // RFC-style test vector (the well-known "quick brown fox" HMAC-SHA256 example).
  EXPECT_EQ(Webhook::Signature("key", "The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

// A receiver on loopback, served by the same event loop as the webhook: answers each request
// with the next status of `statuses` (the last one repeats) and records the bodies.
class Receiver {
 public:
  Receiver(io::EventLoop& loop, std::vector<int> statuses)
      : loop_(loop), statuses_(std::move(statuses)) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    listen(listener_, 64);
    socklen_t length = sizeof(a);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &length);
    port_ = ntohs(a.sin_port);
    loop_.Watch(listener_, EPOLLIN, [this](uint32_t) { Accept(); });
  }
  ~Receiver() {
    loop_.Unwatch(listener_);
    close(listener_);
  }
  uint16_t port() const { return port_; }
  const std::vector<std::string>& bodies() const { return bodies_; }
  std::function<void()> on_request;

 private:
  void Accept() {
    const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto buffer = std::make_shared<std::string>();
    loop_.Watch(fd, EPOLLIN, [this, fd, buffer](uint32_t) {
      char chunk[4096];
      const ssize_t n = read(fd, chunk, sizeof(chunk));
      if (n > 0) buffer->append(chunk, static_cast<size_t>(n));
      const size_t head = buffer->find("\r\n\r\n");
      const size_t length_at = buffer->find("Content-Length: ");
      if (head == std::string::npos || length_at == std::string::npos) {
        if (n <= 0) Close(fd);
        return;
      }
      const size_t length = std::stoul(buffer->substr(length_at + 16));
      if (buffer->size() < head + 4 + length) return;
      bodies_.push_back(buffer->substr(head + 4, length));
      const int status = statuses_[std::min(bodies_.size() - 1, statuses_.size() - 1)];
      const std::string reply = core::Cat("HTTP/1.1 ", status, " X\r\nContent-Length: 0\r\n\r\n");
      [[maybe_unused]] const ssize_t ignored = write(fd, reply.data(), reply.size());
      Close(fd);
      if (on_request) on_request();
    });
  }
  void Close(int fd) {
    loop_.Unwatch(fd);
    close(fd);
  }

  io::EventLoop& loop_;
  std::vector<int> statuses_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::vector<std::string> bodies_;
};

WebhookSettings Settings(uint16_t port) {
  WebhookSettings s;
  s.url = core::Cat("http://127.0.0.1:", port, "/hook");
  s.secret = "k";
  s.first_retry = 10 * core::kMillisecond;
  return s;
}

// Runs the loop until `done` (checked on every event and every 10 ms), at most 10 s.
void RunUntil(io::EventLoop& loop, const std::function<bool()>& done) {
  const core::Timestamp give_up = io::EventLoop::Now() + 10 * core::kSecond;
  loop.Every(10 * core::kMillisecond, [&] {
    if (done() || io::EventLoop::Now() > give_up) loop.Stop();
  });
  loop.Run();
}

TEST(Webhook, RetriesAFailingReceiverUntilItAnswers) {
  io::EventLoop loop;
  Receiver receiver(loop, {503, 500, 200});
  Webhook webhook(Settings(receiver.port()));
  ASSERT_TRUE(webhook.Start(loop).ok());
  webhook.Post("{\"event\":\"hold\"}");
  RunUntil(loop, [&] { return webhook.stats().sent == 1; });
  EXPECT_EQ(webhook.stats().sent, 1u);
  EXPECT_EQ(webhook.stats().retried, 2u);
  ASSERT_EQ(receiver.bodies().size(), 3u);
  EXPECT_EQ(receiver.bodies()[2], "{\"event\":\"hold\"}");
}

TEST(Webhook, GivesUpOnARefusalAndAfterItsLastAttempt) {
  io::EventLoop loop;
  Receiver receiver(loop, {400});
  WebhookSettings settings = Settings(receiver.port());
  Webhook refused(settings);
  ASSERT_TRUE(refused.Start(loop).ok());
  refused.Post("{}");
  RunUntil(loop, [&] { return refused.stats().gave_up == 1; });
  EXPECT_EQ(refused.stats().retried, 0u);  // a 400 will not change on retry
  EXPECT_EQ(receiver.bodies().size(), 1u);

  io::EventLoop loop2;
  settings.url = "http://127.0.0.1:1/hook";  // nobody listens there
  settings.max_attempts = 3;
  Webhook unreachable(settings);
  ASSERT_TRUE(unreachable.Start(loop2).ok());
  unreachable.Post("{}");
  RunUntil(loop2, [&] { return unreachable.stats().gave_up == 1; });
  EXPECT_EQ(unreachable.stats().failed, 3u);
  EXPECT_EQ(unreachable.stats().retried, 2u);
}

TEST(Webhook, AFloodOfCampaignEventsNeverCrowdsOutAHold) {
  io::EventLoop loop;
  Receiver receiver(loop, {200});
  WebhookSettings settings = Settings(receiver.port());
  settings.max_pending = 10;
  settings.max_in_flight = 1;
  Webhook webhook(settings);
  ASSERT_TRUE(webhook.Start(loop).ok());
  for (int i = 0; i < 100; ++i) {
    webhook.Post(core::Cat("{\"campaign\":", i, "}"), WebhookEvent::kFormCampaign);
  }
  webhook.Post("{\"hold\":1}", WebhookEvent::kHold);
  EXPECT_EQ(webhook.stats().dropped[1], 89u);  // 100 - 10 queued - 1 in flight
  EXPECT_EQ(webhook.stats().dropped[0], 0u);
  RunUntil(loop, [&] { return webhook.pending() == 0 && webhook.in_flight() == 0; });
  // The hold went out next, ahead of the campaigns queued before it.
  ASSERT_GE(receiver.bodies().size(), 2u);
  EXPECT_EQ(receiver.bodies()[1], "{\"hold\":1}");
  EXPECT_EQ(webhook.stats().sent, 12u);  // the one in flight, the hold, the 10 queued
}

}  // namespace
}  // namespace coastguard::http
