#include "http/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>

#include "core/log.h"
#include "core/metrics_text.h"
#include "core/text.h"
#include "io/event_loop.h"

namespace coastguard::http {
namespace {

// Bytes of a too-large body read and dropped before the connection is closed.
constexpr size_t kMaxDrain = 1 << 20;

// libmicrohttpd's error log, through ours, at most one line per 10 s: a flood of refused
// connections would otherwise write one line each ("Server reached connection limit").
void LogMhdError(void* /*self*/, const char* format, va_list args) {
  static auto last = std::chrono::steady_clock::time_point{};
  static uint64_t suppressed = 0;
  const auto now = std::chrono::steady_clock::now();
  if (last.time_since_epoch().count() != 0 && now - last < std::chrono::seconds(10)) {
    ++suppressed;
    return;
  }
  char line[512];
  std::vsnprintf(line, sizeof(line), format, args);
  std::string_view text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (suppressed > 0) {
    core::Log(core::Cat("http: ", text, " (and ", suppressed, " more in the last 10 s)"));
  } else {
    core::Log(core::Cat("http: ", text));
  }
  last = now;
  suppressed = 0;
}

// Per-request state between libmicrohttpd's calls for one request.
struct RequestState {
  std::string body;
  bool too_large = false;
  uint64_t received_bytes = 0;
  core::Timestamp received = 0;
};

std::string_view Lookup(MHD_Connection* connection, MHD_ValueKind kind, const char* key) {
  const char* value = MHD_lookup_connection_value(connection, kind, key);
  return value == nullptr ? std::string_view() : std::string_view(value);
}

std::string PeerAddress(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr* address = info->client_addr;
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text,
              sizeof(text));
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof(text));
  }
  return text;
}

MHD_Result OnRequest(void* self, MHD_Connection* connection, const char* url, const char* method,
                     const char* version, const char* upload_data, size_t* upload_data_size,
                     void** state);
void OnCompleted(void* self, MHD_Connection* connection, void** state,
                 MHD_RequestTerminationCode reason);
void OnConnection(void* self, MHD_Connection* connection, void** socket_context,
                  MHD_ConnectionNotificationCode code);
MHD_Result Answer(HttpServer* server, MHD_Connection* connection, const char* url,
                  const char* method, const RequestState& request_state);

}  // namespace

HttpServer::HttpServer(const HttpSettings& settings, RequestHandler handler)
    : settings_(settings), handler_(std::move(handler)) {}

HttpServer::~HttpServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
  for (ConnectionClock* clock : clocks_) delete clock;
}

bool HttpServer::Start(io::EventLoop& loop, std::string* error) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
  if (settings_.address.find(':') != std::string::npos) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(settings_.port);
    if (inet_pton(AF_INET6, settings_.address.c_str(), &v6->sin6_addr) != 1) {
      *error = "bad listen address " + settings_.address;
      return false;
    }
    length = sizeof(sockaddr_in6);
    flags |= MHD_USE_IPv6;
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(settings_.port);
    if (inet_pton(AF_INET, settings_.address.c_str(), &v4->sin_addr) != 1) {
      *error = "bad listen address " + settings_.address;
      return false;
    }
    length = sizeof(sockaddr_in);
  }
  (void)length;
  // The logger comes first: MHD logs with its own until it sees it.
  daemon_ = MHD_start_daemon(
      flags, settings_.port, nullptr, nullptr, &OnRequest, this, MHD_OPTION_EXTERNAL_LOGGER,
      &LogMhdError, this, MHD_OPTION_SOCK_ADDR, &storage, MHD_OPTION_NOTIFY_COMPLETED, &OnCompleted,
      this, MHD_OPTION_NOTIFY_CONNECTION, &OnConnection, this, MHD_OPTION_CONNECTION_LIMIT,
      static_cast<unsigned>(settings_.max_connections), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      static_cast<unsigned>(settings_.max_connections_per_client), MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(settings_.idle_timeout / core::kSecond),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(64 * 1024),
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
  if (daemon_ == nullptr) {
    *error = "cannot listen on " + settings_.address + ":" + std::to_string(settings_.port) + ": " +
             std::strerror(errno);
    return false;
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  bound_port_ = info != nullptr ? info->port : settings_.port;
  loop_ = &loop;
  const MHD_DaemonInfo* epoll_info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_EPOLL_FD);
  if (epoll_info == nullptr ||
      !loop.Watch(epoll_info->epoll_fd, EPOLLIN, [this](uint32_t) { Poll(); })) {
    *error = "cannot watch the HTTP server's epoll fd";
    return false;
  }
  // Idle-connection timeouts are driven by MHD_run; a coarse timer is enough for them.
  loop.Every(core::kSecond, [this] {
    CloseOverdue();
    Poll();
  });
  return true;
}

HttpServer::ConnectionClock* HttpServer::Opened(int fd) {
  auto* clock = new ConnectionClock{fd, io::EventLoop::Now() + settings_.idle_timeout};
  clocks_.insert(clock);
  return clock;
}

void HttpServer::Closed(ConnectionClock* clock) {
  clocks_.erase(clock);
  delete clock;
}

void HttpServer::Replied(ConnectionClock* clock) const {
  clock->deadline = io::EventLoop::Now() + settings_.idle_timeout;
}

// libmicrohttpd's own timeout counts any byte as activity, so a client sending one header
// byte a second would hold its connection forever. Shutting the socket down makes MHD see the
// end of the stream on its next turn and close the connection the usual way.
void HttpServer::CloseOverdue() {
  const core::Timestamp now = io::EventLoop::Now();
  for (ConnectionClock* clock : clocks_) {
    if (clock->deadline > now) continue;
    shutdown(clock->fd, SHUT_RDWR);
    clock->deadline = std::numeric_limits<core::Timestamp>::max();
    ++timed_out_;
  }
}

void HttpServer::AppendMetrics(std::string& out) const {
  core::MetricFamily(out, "coastguard_http_connections", "gauge", "Open HTTP connections.",
                     static_cast<double>(clocks_.size()));
  core::MetricFamily(out, "coastguard_http_timed_out_total", "counter",
                     "HTTP connections closed for not completing a request within idle_timeout.",
                     static_cast<double>(timed_out_));
}

void HttpServer::Poll() {
  // MHD asks to be run again at once (timeout 0) while it still has buffered work, such as
  // pipelined requests already read. Its epoll is edge-triggered, so nothing would wake us for
  // them: after a turn's budget, the rest waits for the next turn, not for the next byte.
  for (int i = 0; i < 16; ++i) {
    MHD_run(daemon_);
    MHD_UNSIGNED_LONG_LONG timeout = 1;
    if (MHD_get_timeout(daemon_, &timeout) != MHD_YES || timeout != 0) return;
  }
  if (!poll_pending_) {
    poll_pending_ = true;
    loop_->Soon([this] {
      poll_pending_ = false;
      Poll();
    });
  }
}

namespace {

MHD_Result OnRequest(void* self, MHD_Connection* connection, const char* url, const char* method,
                     const char* /*version*/, const char* upload_data, size_t* upload_data_size,
                     void** state) {
  auto* server = static_cast<HttpServer*>(self);
  auto* request_state = static_cast<RequestState*>(*state);
  if (request_state == nullptr) {
    // First call: headers only. Answering now would make libmicrohttpd close keep-alive
    // connections, so wait for the body (or its absence) first.
    request_state = new RequestState();
    request_state->received = io::EventLoop::Now();
    *state = request_state;
    // A body announced as far too large is refused before it is sent: a client that waits
    // for "100 Continue" gets the 400 instead.
    const std::string_view length = Lookup(connection, MHD_HEADER_KIND, "Content-Length");
    uint64_t announced = 0;
    std::from_chars(length.data(), length.data() + length.size(), announced);
    if (announced > server->settings().max_body_bytes + kMaxDrain) {
      request_state->too_large = true;
      return Answer(server, connection, url, method, *request_state);
    }
    return MHD_YES;
  }
  const size_t max_body = server->settings().max_body_bytes;
  if (*upload_data_size > 0) {
    request_state->received_bytes += *upload_data_size;
    if (request_state->received_bytes > max_body) {
      // Too large: drained (so that a client sending a little too much still reads its 400)
      // but never kept, and only so far: past kMaxDrain the connection is closed, so that one
      // client cannot keep the loop busy for as long as it likes.
      request_state->too_large = true;
      *upload_data_size = 0;
      return request_state->received_bytes > max_body + kMaxDrain ? MHD_NO : MHD_YES;
    }
    request_state->body.append(upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }
  return Answer(server, connection, url, method, *request_state);
}

MHD_Result Answer(HttpServer* server, MHD_Connection* connection, const char* url,
                  const char* method, const RequestState& request_state) {
  Request request;
  request.method = method;
  request.path = url;
  request.body = request_state.body;
  request.now = request_state.received;
  request.body_too_large = request_state.too_large;
  request.header = [connection](const char* key) {
    return Lookup(connection, MHD_HEADER_KIND, key);
  };
  request.query = [connection](const char* key) {
    return Lookup(connection, MHD_GET_ARGUMENT_KIND, key);
  };
  request.peer = [connection] { return PeerAddress(connection); };
  const Response response = server->Dispatch(request);
  MHD_Response* reply = MHD_create_response_from_buffer(
      response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(reply, MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
  for (const auto& [name, value] : response.headers) {
    MHD_add_response_header(reply, name.c_str(), value.c_str());
  }
  const MHD_Result result =
      MHD_queue_response(connection, static_cast<unsigned>(response.status), reply);
  MHD_destroy_response(reply);
  return result;
}

void OnCompleted(void* self, MHD_Connection* connection, void** state,
                 MHD_RequestTerminationCode /*reason*/) {
  delete static_cast<RequestState*>(*state);
  *state = nullptr;
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  if (info != nullptr && info->socket_context != nullptr) {
    static_cast<HttpServer*>(self)->Replied(
        static_cast<HttpServer::ConnectionClock*>(info->socket_context));
  }
}

void OnConnection(void* self, MHD_Connection* connection, void** socket_context,
                  MHD_ConnectionNotificationCode code) {
  auto* server = static_cast<HttpServer*>(self);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    *socket_context = info != nullptr ? server->Opened(info->connect_fd) : nullptr;
  } else if (*socket_context != nullptr) {
    server->Closed(static_cast<HttpServer::ConnectionClock*>(*socket_context));
    *socket_context = nullptr;
  }
}

}  // namespace

}  // namespace coastguard::http
