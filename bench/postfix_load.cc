// Load generator for Postfix policy servers: N persistent connections (as N smtpd processes
// hold), each sending one request and waiting for its reply before the next, as smtpd does.
// Requests alternate RCPT and END-OF-MESSAGE for many accounts. Prints requests/s and
// latency percentiles.
//
// usage: bench_postfix_load PORT [CONNECTIONS=200] [SECONDS=10]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
  int fd = -1;
  uint64_t sequence = 0;
  Clock::time_point sent;
  std::string in;
};

std::string Request(uint64_t sequence, uint64_t connection) {
  const uint64_t account = (sequence * 7919 + connection * 104729) % 20000;
  const bool rcpt = sequence % 2 == 0;
  std::string r = "request=smtpd_access_policy\nprotocol_state=";
  r += rcpt ? "RCPT" : "END-OF-MESSAGE";
  r += "\nprotocol_name=ESMTP\nclient_address=10." + std::to_string(account % 250) + "." +
       std::to_string(account / 250 % 250) + ".7\nclient_name=unknown\nhelo_name=client\n";
  r += "sender=user" + std::to_string(account) + "@example.com\n";
  r += rcpt ? "recipient=friend" + std::to_string(sequence % 97) + "@remote.example\n"
            : "recipient=\n";
  r += "recipient_count=" + std::string(rcpt ? "0" : "1") + "\nqueue_id=\n";
  r += "instance=" + std::to_string(connection) + "." + std::to_string(sequence / 2) + "\n";
  r += "size=12345\nsasl_method=PLAIN\nsasl_username=user" + std::to_string(account) +
       "@example.com\nsasl_sender=\nccert_subject=\nencryption_protocol=TLSv1.3\n\n";
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_postfix_load PORT [CONNECTIONS] [SECONDS]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int count = argc > 2 ? std::atoi(argv[2]) : 200;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 10;
  const int epoll = epoll_create1(0);
  std::vector<Connection> connections(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    Connection& c = connections[static_cast<size_t>(i)];
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      std::perror("connect");
      return 1;
    }
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &ev);
  }
  std::vector<double> latencies_us;
  latencies_us.reserve(4'000'000);
  uint64_t errors = 0;
  auto send = [&](Connection& c, int index) {
    const std::string r = Request(c.sequence, static_cast<uint64_t>(index));
    c.sent = Clock::now();
    if (write(c.fd, r.data(), r.size()) != static_cast<ssize_t>(r.size())) ++errors;
  };
  for (int i = 0; i < count; ++i) send(connections[static_cast<size_t>(i)], i);
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  epoll_event events[512];
  char buffer[4096];
  while (Clock::now() < end) {
    const int n = epoll_wait(epoll, events, 512, 100);
    for (int k = 0; k < n; ++k) {
      const int index = static_cast<int>(events[k].data.u32);
      Connection& c = connections[static_cast<size_t>(index)];
      const ssize_t got = read(c.fd, buffer, sizeof(buffer));
      if (got <= 0) {
        std::fprintf(stderr, "connection %d closed by the server\n", index);
        return 1;
      }
      c.in.append(buffer, static_cast<size_t>(got));
      size_t end_of_reply;
      while ((end_of_reply = c.in.find("\n\n")) != std::string::npos) {
        if (c.in.compare(0, 7, "action=") != 0) ++errors;
        c.in.erase(0, end_of_reply + 2);
        latencies_us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - c.sent).count());
        ++c.sequence;
        send(c, index);
      }
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  auto percentile = [&](double p) {
    return latencies_us.empty() ? 0.0
                                : latencies_us[static_cast<size_t>(p * (latencies_us.size() - 1))];
  };
  std::printf(
      "%zu requests over %d connections in %.1f s: %.0f requests/s, p50 %.0f us, "
      "p99 %.0f us, bad replies %llu\n",
      latencies_us.size(), count, elapsed, static_cast<double>(latencies_us.size()) / elapsed,
      percentile(0.5), percentile(0.99), static_cast<unsigned long long>(errors));
  return 0;
}
