#include "redis/seed.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <memory>
#include <vector>

#include "core/text.h"

namespace coastguard::redis {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

Reply Call(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

absl::Status Refused(const redisContext* c, const Reply& r, std::string_view what) {
  if (r == nullptr) return absl::UnavailableError(core::Cat(what, ": ", c->errstr));
  return absl::UnavailableError(core::Cat(what, " refused: ", std::string_view(r->str, r->len)));
}

}  // namespace

std::string SeedHex(uint64_t seed) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, seed >>= 4) out[static_cast<size_t>(i)] = kHex[seed & 15];
  return out;
}

bool ParseSeedHex(std::string_view text, uint64_t* seed) {
  if (text.size() != 16) return false;
  uint64_t v = 0;
  for (const char c : text) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *seed = v;
  return true;
}

absl::StatusOr<uint64_t> AgreeSeed(const Endpoint& endpoint, const std::string& key,
                                   uint64_t proposal, core::Duration timeout) {
  timeval tv{static_cast<time_t>(timeout / core::kSecond),
             static_cast<suseconds_t>(timeout % core::kSecond)};
  std::unique_ptr<redisContext, ContextFree> c(
      endpoint.unix_path.empty() ? redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv)
                                 : redisConnectUnixWithTimeout(endpoint.unix_path.c_str(), tv));
  if (c == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (c->err != 0) {
    return absl::UnavailableError(core::Cat(endpoint.ToString(), ": ", c->errstr));
  }
  redisSetTimeout(c.get(), tv);
  if (!endpoint.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!endpoint.user.empty()) auth.push_back(endpoint.user);
    auth.push_back(endpoint.password);
    Reply r = Call(c.get(), auth);
    if (r == nullptr || r->type == REDIS_REPLY_ERROR) return Refused(c.get(), r, "AUTH");
  }
  if (endpoint.db != 0) {
    Reply r = Call(c.get(), {"SELECT", core::Cat(endpoint.db)});
    if (r == nullptr || r->type == REDIS_REPLY_ERROR) return Refused(c.get(), r, "SELECT");
  }
  Reply set = Call(c.get(), {"SET", key, SeedHex(proposal), "NX"});
  if (set == nullptr || set->type == REDIS_REPLY_ERROR) return Refused(c.get(), set, "SET");
  Reply get = Call(c.get(), {"GET", key});
  if (get == nullptr || get->type == REDIS_REPLY_ERROR) return Refused(c.get(), get, "GET");
  uint64_t seed = 0;
  if (get->type != REDIS_REPLY_STRING ||
      !ParseSeedHex(std::string_view(get->str, get->len), &seed)) {
    return absl::DataLossError(core::Cat(key, " in Redis is not a 16-digit hex seed"));
  }
  return seed;
}

}  // namespace coastguard::redis
