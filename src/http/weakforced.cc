#include "http/weakforced.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "http/block_request.h"
#include "http/json_reply.h"

namespace coastguard::http {
namespace {

using nlohmann::json;

constexpr TargetFields kFields{"netmask", /*login_from_ip=*/true};

// weakforced prints expirations as Boost's simple time string: "2002-Jan-01 10:00:01" (UTC).
std::string Expiration(core::Timestamp t) {
  const std::time_t seconds = static_cast<std::time_t>(t / core::kSecond);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%b-%d %H:%M:%S", &tm);
  return buffer;
}

}  // namespace

Response Weakforced::List(bool blocks, core::Timestamp now) const {
  json ip = json::array(), login = json::array(), iplogin = json::array();
  if (blocks) {
    engine_.blocks().ForEach([&](const policy::BlockKey& key, const policy::Block& block) {
      if (block.expires <= now) return;
      const std::string reason(core::ReasonName(block.reason));
      json entry = {{"expiration", Expiration(block.expires)}, {"reason", reason}};
      switch (key.kind) {
        case policy::BlockKind::kIp:
        case policy::BlockKind::kPrefix:
          entry["ip"] = block.subject;
          ip.push_back(entry);
          break;
        case policy::BlockKind::kLogin:
          entry["login"] = block.subject;
          login.push_back(entry);
          break;
        case policy::BlockKind::kLoginIp:
          entry["iplogin"] = block.subject;
          iplogin.push_back(entry);
          break;
      }
    });
  } else {
    for (const core::Cidr& cidr : engine_.allows().networks()) {
      ip.push_back({{"ip", cidr.ToString()}, {"expiration", "never"}, {"reason", ""}});
    }
    for (const auto& [digest, subject] : engine_.allows().logins()) {
      login.push_back({{"login", subject}, {"expiration", "never"}, {"reason", ""}});
    }
  }
  const json entries = json::array({{{"ip", ip}}, {{"login", login}}, {{"iplogin", iplogin}}});
  return JsonReply(200, {{blocks ? "bl_entries" : "wl_entries", entries}});
}

Response Weakforced::Command(std::string_view command, const Request& request) {
  if (command == "ping") return OkReply();
  if (command == "getBL" || command == "getWL") return List(command == "getBL", request.now);
  if (command != "reset" && command != "addBLEntry" && command != "delBLEntry" &&
      command != "addWLEntry" && command != "delWLEntry") {
    return FailureReply(404, "unknown command");
  }
  if (request.method != "POST") return FailureReply(405, "use POST");
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return FailureReply(400, "body is not a JSON object");
  }

  if (command == "reset") {
    const std::string* ip_text = StringField(body, "ip");
    const std::string* login_text = StringField(body, "login");
    std::optional<core::IpAddress> ip;
    if (ip_text != nullptr) {
      ip = core::IpAddress::Parse(*ip_text);
      if (!ip) return FailureReply(400, "bad ip");
    }
    if (!ip && login_text == nullptr) return FailureReply(400, "ip or login is required");
    engine_.Reset(ip ? &*ip : nullptr, login_text != nullptr ? *login_text : "");
    return OkReply();
  }
  if (command == "addBLEntry") {
    auto block = ParseBlockRequest(body, engine_, kFields, "expire_secs", /*default_ttl=*/0);
    if (!block.ok()) return FailureReply(400, core::Message(block.status()));
    if (!engine_.OperatorBlock(block->target.key, std::move(block->subject), block->ttl,
                               request.now)) {
      return FailureReply(507, kBlockListFull);
    }
    return OkReply();
  }
  auto target = ParseBlockTarget(body, engine_, kFields);
  if (!target.ok()) return FailureReply(400, core::Message(target.status()));
  if (command == "delBLEntry") {
    engine_.Unblock(target->key);
    return OkReply();
  }
  const bool add = command == "addWLEntry";
  if (target->key.kind == policy::BlockKind::kLoginIp) {
    return FailureReply(400, "allow lists take ip, netmask or login, not both");
  }
  if (target->key.kind == policy::BlockKind::kLogin) {
    engine_.AllowLogin(target->login, add);
  } else {
    engine_.AllowNetwork(target->network, add);
  }
  return OkReply();
}

}  // namespace coastguard::http
