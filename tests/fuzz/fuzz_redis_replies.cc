// What Redis, a Sentinel or a Cluster node answers about topology (redis/replies.h): slot maps,
// redirects, master addresses, failover messages. Network input, read field by field: the bytes
// are read as RESP by hiredis's reader, as a connection would, and handed to every parser; the
// raw bytes also go to the parsers of error and message texts.
#include <hiredis/hiredis.h>

#include <cstdint>
#include <string_view>

#include "redis/replies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace coastguard::redis;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
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
