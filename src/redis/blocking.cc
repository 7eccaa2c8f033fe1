#include "redis/blocking.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include "core/text.h"

namespace coastguard::redis {

void ContextFree::operator()(redisContext* c) const { redisFree(c); }
void ReplyFree::operator()(redisReply* r) const { freeReplyObject(r); }

BlockingReply CallBlocking(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return BlockingReply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

absl::Status RefusedBlocking(const redisContext* c, const BlockingReply& r, std::string_view what) {
  if (r == nullptr) return absl::UnavailableError(core::Cat(what, ": ", c->errstr));
  return absl::UnavailableError(core::Cat(what, " refused: ", std::string_view(r->str, r->len)));
}

absl::StatusOr<BlockingContext> ConnectBlocking(const Endpoint& endpoint, core::Duration timeout) {
  timeval tv{static_cast<time_t>(timeout / core::kSecond),
             static_cast<suseconds_t>(timeout % core::kSecond)};
  BlockingContext c(endpoint.unix_path.empty()
                        ? redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv)
                        : redisConnectUnixWithTimeout(endpoint.unix_path.c_str(), tv));
  if (c == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (c->err != 0) return absl::UnavailableError(core::Cat(endpoint.ToString(), ": ", c->errstr));
  redisSetTimeout(c.get(), tv);
  if (!endpoint.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!endpoint.user.empty()) auth.push_back(endpoint.user);
    auth.push_back(endpoint.password);
    BlockingReply r = CallBlocking(c.get(), auth);
    if (r == nullptr || r->type == REDIS_REPLY_ERROR)
      return RefusedBlocking(c.get(), r, core::Cat(endpoint.ToString(), ": AUTH"));
  }
  if (endpoint.db != 0) {
    BlockingReply r = CallBlocking(c.get(), {"SELECT", core::Cat(endpoint.db)});
    if (r == nullptr || r->type == REDIS_REPLY_ERROR)
      return RefusedBlocking(c.get(), r, core::Cat(endpoint.ToString(), ": SELECT"));
  }
  return c;
}

}  // namespace coastguard::redis
