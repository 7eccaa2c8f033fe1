// What Redis, a Sentinel or a Cluster node answers about topology (redis/replies.h): slot maps,
// redirects, master addresses, failover messages. Network input, read field by field: the bytes
// are read as RESP by hiredis's reader, as a connection would, and handed to every parser; the
// raw bytes also go to the parsers of error and message texts.
#include <hiredis/hiredis.h>

#include <cstdint>
#include <string_view>

#include "redis/replies.h"

namespace {

// hiredis 0.14's reader allocates whatever element count an aggregate declares (1.0 added a
// limit): "*270016383" alone asks for 2 GB. That is the library and the daemon's own Redis, not
// the parsers under test, so inputs declaring more than this many elements are skipped.
bool DeclaresHugeAggregate(std::string_view bytes) {
  for (size_t at = bytes.find('*'); at != std::string_view::npos; at = bytes.find('*', at + 1)) {
    size_t digits = 0;
    while (at + 1 + digits < bytes.size() && bytes[at + 1 + digits] >= '0' &&
           bytes[at + 1 + digits] <= '9') {
      ++digits;
    }
    if (digits > 5) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace coastguard::redis;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (DeclaresHugeAggregate(bytes)) return -1;  // not kept in the corpus
  Endpoint asked;
  asked.host = "127.0.0.1";
  (void)KeySlot(bytes);
  (void)ParseRedirect(bytes, asked);
  (void)ParseRedirect(bytes, Endpoint{});
  (void)ParseSwitchMaster(bytes, "mymaster");
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, bytes.data(), bytes.size());
  void* reply = nullptr;
  while (redisReaderGetReply(reader, &reply) == REDIS_OK && reply != nullptr) {
    const auto* r = static_cast<const redisReply*>(reply);
    (void)ParseClusterSlots(r, asked);
    (void)ParseMasterAddress(r);
    (void)ParseRole(r);
    freeReplyObject(reply);
    reply = nullptr;
  }
  redisReaderFree(reader);
  return 0;
}
