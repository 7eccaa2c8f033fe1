#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string_view>

namespace coastguard::redis::testing {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using OwnedReply = std::unique_ptr<redisReply, ReplyDeleter>;

// The reply hiredis reads from RESP bytes, as a connection would hand it over (null if the
// bytes are not one whole reply).
inline OwnedReply Resp(std::string_view bytes) {
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, bytes.data(), bytes.size());
  void* reply = nullptr;
  if (redisReaderGetReply(reader, &reply) != REDIS_OK) reply = nullptr;
  redisReaderFree(reader);
  return OwnedReply(static_cast<redisReply*>(reply));
}

}  // namespace coastguard::redis::testing
