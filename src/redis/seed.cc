#include "redis/seed.h"

#include <hiredis/hiredis.h>

#include "core/text.h"
#include "redis/blocking.h"

namespace coastguard::redis {

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
  auto c = ConnectBlocking(endpoint, timeout);
  if (!c.ok()) return c.status();
  BlockingReply set = CallBlocking(c->get(), {"SET", key, SeedHex(proposal), "NX"});
  if (set == nullptr || set->type == REDIS_REPLY_ERROR)
    return RefusedBlocking(c->get(), set, "SET");
  BlockingReply get = CallBlocking(c->get(), {"GET", key});
  if (get == nullptr || get->type == REDIS_REPLY_ERROR)
    return RefusedBlocking(c->get(), get, "GET");
  uint64_t seed = 0;
  if (get->type != REDIS_REPLY_STRING ||
      !ParseSeedHex(std::string_view(get->str, get->len), &seed)) {
    return absl::DataLossError(core::Cat(key, " in Redis is not a 16-digit hex seed"));
  }
  return seed;
}

}  // namespace coastguard::redis
