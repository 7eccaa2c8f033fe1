#include "redis/endpoint.h"

#include "core/text.h"

namespace coastguard::redis {
namespace {

// Percent-decoding for the user and password of a URL (RFC 3986): a password may hold '@'.
absl::StatusOr<std::string> Unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    auto hex = [](char c) {
      return c >= '0' && c <= '9'   ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
    };
    if (i + 2 >= text.size()) {
      return core::InvalidInput(
          "a % in the URL's user or password must be followed by 2 hex digits");
    }
    const int hi = hex(text[i + 1]);
    const int lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0) {
      return core::InvalidInput(
          "a % in the URL's user or password must be followed by 2 hex digits");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

bool ParseDecimal(std::string_view text, int64_t max, int64_t* out) {
  if (text.empty() || text.size() > 6) return false;
  int64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

std::string Endpoint::ToString() const {
  if (!unix_path.empty()) return core::Cat("unix:", unix_path);
  if (host.find(':') != std::string::npos) return core::Cat("[", host, "]:", port);
  return core::Cat(host, ":", port);
}

absl::StatusOr<Endpoint> ParseHostPort(std::string_view text, uint16_t default_port) {
  Endpoint e;
  e.port = default_port;
  std::string_view host = text;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return core::InvalidInput("unclosed [ in the address");
    std::string_view rest = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return core::InvalidInput("want [IPv6]:port");
      port = rest.substr(1);
    }
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    if (host.find(':') != colon) return core::InvalidInput("an IPv6 address needs [brackets]");
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return core::InvalidInput("no host in the address");
  if (host.find_first_of("/?#@ ") != std::string_view::npos) {
    return core::InvalidInput("bad characters in the host");
  }
  if (!port.empty()) {
    int64_t p = 0;
    if (!ParseDecimal(port, 65535, &p) || p == 0) return core::InvalidInput("ports are 1-65535");
    e.port = static_cast<uint16_t>(p);
  }
  e.host = std::string(host);
  return e;
}

absl::StatusOr<Endpoint> ParseRedisUrl(std::string_view url) {
  constexpr std::string_view kRedis = "redis://";
  constexpr std::string_view kUnix = "unix://";
  if (url.starts_with("rediss://")) {
    return core::InvalidInput("rediss:// (TLS) is not supported; use a Unix socket or a tunnel");
  }
  if (url.starts_with(kUnix)) {
    std::string_view rest = url.substr(kUnix.size());
    Endpoint e;
    if (const size_t q = rest.find('?'); q != std::string_view::npos) {
      std::string_view query = rest.substr(q + 1);
      rest = rest.substr(0, q);
      int64_t db = 0;
      if (!query.starts_with("db=") || !ParseDecimal(query.substr(3), 15'999, &db)) {
        return core::InvalidInput("unix:// takes only ?db=N");
      }
      e.db = static_cast<int>(db);
    }
    if (rest.empty() || rest.front() != '/') {
      return core::InvalidInput("want unix:///absolute/path/to/redis.sock");
    }
    e.unix_path = std::string(rest);
    return e;
  }
  if (!url.starts_with(kRedis)) {
    return core::InvalidInput("want redis://host:port/db or unix:///path/to/redis.sock");
  }
  std::string_view rest = url.substr(kRedis.size());
  std::string user, password;
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = credentials.find(':');
    auto u = Unescape(credentials.substr(0, colon));
    if (!u.ok()) return u.status();
    user = *u;
    if (colon != std::string_view::npos) {
      auto p = Unescape(credentials.substr(colon + 1));
      if (!p.ok()) return p.status();
      password = *p;
    } else {
      // redis://secret@host: a lone field is the password (requirepass), as redis-cli reads it.
      password = user;
      user.clear();
    }
  }
  int db = 0;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db_text = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    int64_t n = 0;
    if (!db_text.empty()) {
      if (!ParseDecimal(db_text, 15'999, &n)) return core::InvalidInput("the db is a number");
      db = static_cast<int>(n);
    }
  }
  auto e = ParseHostPort(rest, 6379);
  if (!e.ok()) return e.status();
  e->user = std::move(user);
  e->password = std::move(password);
  e->db = db;
  return e;
}

}  // namespace coastguard::redis
