#include "redis/replies.h"

#include <hiredis/hiredis.h>

#include "core/text.h"

namespace coastguard::redis {
namespace {

// Redis Cluster's CRC16 (XMODEM: polynomial 0x1021, initial 0), as its specification gives it.
// Debian 12 packages no C or C++ Cluster client (hiredis-cluster, redis-plus-plus) to take it
// from; it is eight lines.
uint16_t Crc16(std::string_view bytes) {
  uint16_t crc = 0;
  for (const char c : bytes) {
    crc ^= static_cast<uint16_t>(static_cast<uint8_t>(c) << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::string_view Text(const redisReply* r) {
  if (r == nullptr || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)) return {};
  return {r->str, r->len};
}

// An integer reply, or a decimal string (Sentinel answers ports as strings).
bool Integer(const redisReply* r, int64_t max, int64_t* out) {
  if (r == nullptr) return false;
  if (r->type == REDIS_REPLY_INTEGER) {
    if (r->integer < 0 || r->integer > max) return false;
    *out = r->integer;
    return true;
  }
  return ParseDecimal(Text(r), max, out);
}

// A host and port as Redis hands them over; an empty or unknown host ("", "?") is `fallback`'s.
std::optional<Endpoint> Address(std::string_view host, std::string_view port,
                                const Endpoint& fallback) {
  int64_t p = 0;
  if (!ParseDecimal(port, 65535, &p) || p == 0) return std::nullopt;
  if (host.empty() || host == "?") host = fallback.host;
  if (host.empty() || host.size() > 255 || host.find_first_of(" /@\r\n") != std::string_view::npos)
    return std::nullopt;
  Endpoint e;
  e.host = std::string(host);
  e.port = static_cast<uint16_t>(p);
  return e;
}

}  // namespace

uint16_t KeySlot(std::string_view key) {
  if (const size_t open = key.find('{'); open != std::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1)
      key = key.substr(open + 1, close - open - 1);
  }
  return Crc16(key) & (kClusterSlots - 1);
}

std::optional<Redirect> ParseRedirect(std::string_view error, const Endpoint& asked) {
  Redirect r;
  if (error.starts_with("MOVED ")) {
    error.remove_prefix(6);
  } else if (error.starts_with("ASK ")) {
    error.remove_prefix(4);
    r.ask = true;
  } else {
    return std::nullopt;
  }
  const size_t space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  int64_t slot = 0;
  if (!ParseDecimal(error.substr(0, space), kClusterSlots - 1, &slot)) return std::nullopt;
  r.slot = static_cast<uint16_t>(slot);
  const std::string_view where = error.substr(space + 1);
  const size_t colon = where.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = where.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto target = Address(host, where.substr(colon + 1), asked);
  if (!target) return std::nullopt;
  r.target = std::move(*target);
  return r;
}

absl::StatusOr<SlotMap> ParseClusterSlots(const redisReply* reply, const Endpoint& asked) {
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) {
    return core::InvalidInput(core::Cat("CLUSTER SLOTS: not an array: ",
                                        reply != nullptr && reply->type == REDIS_REPLY_ERROR
                                            ? std::string_view(reply->str, reply->len)
                                            : std::string_view("no answer")));
  }
  SlotMap map;
  map.owner.fill(-1);
  for (size_t i = 0; i < reply->elements; ++i) {
    const redisReply* range = reply->element[i];
    // [start, end, [host, port, id, ...], replicas...]
    if (range == nullptr || range->type != REDIS_REPLY_ARRAY || range->elements < 3)
      return core::InvalidInput("CLUSTER SLOTS: a range is not [start, end, master, ...]");
    int64_t start = 0, end = 0;
    if (!Integer(range->element[0], kClusterSlots - 1, &start) ||
        !Integer(range->element[1], kClusterSlots - 1, &end) || end < start) {
      return core::InvalidInput("CLUSTER SLOTS: a range's slots are not 0-16383, start <= end");
    }
    const redisReply* node = range->element[2];
    if (node == nullptr || node->type != REDIS_REPLY_ARRAY || node->elements < 2)
      return core::InvalidInput("CLUSTER SLOTS: a master is not [host, port, ...]");
    int64_t port = 0;
    if (!Integer(node->element[1], 65535, &port))
      return core::InvalidInput("CLUSTER SLOTS: a master's port is not 1-65535");
    auto master = Address(Text(node->element[0]), core::Cat(port), asked);
    if (!master) return core::InvalidInput("CLUSTER SLOTS: a master's address is not usable");
    int16_t index = -1;
    for (size_t m = 0; m < map.masters.size(); ++m) {
      if (map.masters[m].host == master->host && map.masters[m].port == master->port)
        index = static_cast<int16_t>(m);
    }
    if (index < 0) {
      // More masters than slots cannot be: a reply that claims so is not believed.
      if (map.masters.size() >= 1024) return core::InvalidInput("CLUSTER SLOTS: too many masters");
      index = static_cast<int16_t>(map.masters.size());
      map.masters.push_back(std::move(*master));
    }
    // Ranges do not overlap in a real map; refusing at the first slot owned twice also bounds
    // the work to one pass over the slots.
    for (int64_t s = start; s <= end; ++s) {
      if (map.owner[static_cast<size_t>(s)] >= 0)
        return core::InvalidInput("CLUSTER SLOTS: ranges overlap");
      map.owner[static_cast<size_t>(s)] = index;
      ++map.covered;
    }
  }
  return map;
}

absl::StatusOr<Endpoint> ParseMasterAddress(const redisReply* reply) {
  if (reply == nullptr) return absl::UnavailableError("no answer");
  if (reply->type == REDIS_REPLY_NIL) return absl::NotFoundError("the master name is not known");
  if (reply->type == REDIS_REPLY_ERROR)
    return absl::UnavailableError(std::string(reply->str, reply->len));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
    return core::InvalidInput("not [host, port]");
  int64_t port = 0;
  if (!Integer(reply->element[1], 65535, &port))
    return core::InvalidInput("the port is not a port");
  auto e = Address(Text(reply->element[0]), core::Cat(port), Endpoint{});
  if (!e) return core::InvalidInput("the host is not usable");
  return *e;
}

std::optional<Endpoint> ParseSwitchMaster(std::string_view payload, std::string_view master_name) {
  std::string_view fields[5];
  for (size_t i = 0; i < 5; ++i) {
    const size_t space = payload.find(' ');
    if (i < 4 && space == std::string_view::npos) return std::nullopt;
    fields[i] = payload.substr(0, space);
    payload = space == std::string_view::npos ? std::string_view() : payload.substr(space + 1);
  }
  if (!payload.empty() || fields[0] != master_name) return std::nullopt;
  return Address(fields[3], fields[4], Endpoint{});
}

std::string_view ParseRole(const redisReply* reply) {
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) return {};
  const std::string_view role = Text(reply->element[0]);
  return role == "master" || role == "slave" || role == "sentinel" ? role : std::string_view();
}

}  // namespace coastguard::redis
