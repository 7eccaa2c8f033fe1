// The ceiling for HTTP benchmarks: the least a server can do per keep-alive request on this
// machine (one read, one write of a fixed 40-byte JSON reply), single-threaded, raw epoll.
// coastguard's policy server is measured against it under the same load in the same run.
//
// usage: epoll_ceiling PORT
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

namespace {

constexpr char kBody[] = "{\"status\":0,\"msg\":\"\",\"r_attrs\":{},\"x\":1}";  // 40 bytes
static_assert(sizeof(kBody) - 1 == 40);

// Returns the length of the first complete request in `buffer`, or 0 if incomplete.
size_t CompleteRequest(const std::string& buffer) {
  const size_t headers_end = buffer.find("\r\n\r\n");
  if (headers_end == std::string::npos) return 0;
  size_t content_length = 0;
  const size_t cl = buffer.find("Content-Length:");
  if (cl != std::string::npos && cl < headers_end) {
    content_length = std::strtoul(buffer.c_str() + cl + 15, nullptr, 10);
  }
  const size_t total = headers_end + 4 + content_length;
  return buffer.size() >= total ? total : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: epoll_ceiling PORT\n");
    return 2;
  }
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listener, 1024) != 0) {
    std::perror("bind/listen");
    return 1;
  }
  const int epoll = epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
  const std::string reply =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(sizeof(kBody) - 1) + "\r\n\r\n" + kBody;
  std::unordered_map<int, std::string> buffers;
  epoll_event events[256];
  char chunk[16384];
  std::fprintf(stderr, "epoll_ceiling: listening on 127.0.0.1:%s\n", argv[1]);
  for (;;) {
    const int n = epoll_wait(epoll, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        int client;
        while ((client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.fd = client;
          epoll_ctl(epoll, EPOLL_CTL_ADD, client, &ev);
          buffers[client].clear();
        }
        continue;
      }
      std::string& buffer = buffers[fd];
      const ssize_t got = read(fd, chunk, sizeof(chunk));
      if (got <= 0) {
        close(fd);
        buffers.erase(fd);
        continue;
      }
      buffer.append(chunk, static_cast<size_t>(got));
      std::string out;
      while (const size_t length = CompleteRequest(buffer)) {
        buffer.erase(0, length);
        out += reply;
      }
      if (!out.empty() && write(fd, out.data(), out.size()) < 0) {
        close(fd);
        buffers.erase(fd);
      }
    }
  }
}
