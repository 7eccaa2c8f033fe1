#include "http/weakforced.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "http/api.h"

namespace coastguard::http {
namespace {

using nlohmann::json;

const std::string* StringField(const json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

Response Ok() { return Response{200, "{\"status\":\"ok\"}"}; }

// weakforced prints expirations as Boost's simple time string: "2002-Jan-01 10:00:01" (UTC).
std::string Expiration(core::Timestamp t) {
  const std::time_t seconds = static_cast<std::time_t>(t / core::kSecond);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%b-%d %H:%M:%S", &tm);
  return buffer;
}

// The block key named by ip / netmask / login in a weakforced body.
bool KeyFromBody(const json& body, policy::Engine& engine, policy::BlockKey* key,
                 core::Cidr* network, std::string* login, std::string* error) {
  const std::string* ip_text = StringField(body, "ip");
  const std::string* netmask = StringField(body, "netmask");
  const std::string* login_text = StringField(body, "login");
  if (ip_text != nullptr && netmask != nullptr) {
    *error = "ip and netmask are mutually exclusive";
    return false;
  }
  std::optional<core::Cidr> cidr;
  if (ip_text != nullptr || netmask != nullptr) {
    cidr = core::Cidr::Parse(ip_text != nullptr ? *ip_text : *netmask);
    if (!cidr || (ip_text != nullptr && ip_text->find('/') != std::string::npos)) {
      *error = "bad ip or netmask";
      return false;
    }
  }
  uint64_t login_digest = 0;
  if (login_text != nullptr) {
    auto canonical = engine.Canonical(*login_text);
    if (!canonical.ok()) {
      *error = "bad login";
      return false;
    }
    *login = *canonical;
    login_digest = engine.LoginDigest(*canonical);
  }
  if (!cidr && login_digest == 0) {
    *error = "one of ip, netmask or login is required";
    return false;
  }
  if (cidr) *network = *cidr;
  if (cidr && login_digest != 0) {
    if (cidr->bits != cidr->base.family_bits()) {
      *error = "netmask cannot be combined with login";
      return false;
    }
    *key = policy::LoginIpBlockKey(login_digest, cidr->base);
  } else if (cidr) {
    *key = policy::NetworkBlockKey(*cidr);
  } else {
    *key = policy::LoginBlockKey(login_digest);
  }
  return true;
}

Response AddBlock(const json& body, const Request& request, policy::Engine& engine) {
  policy::BlockKey key;
  core::Cidr network;
  std::string login, error;
  if (!KeyFromBody(body, engine, &key, &network, &login, &error)) return FailureReply(400, error);
  const auto it = body.find("expire_secs");
  if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() <= 0 ||
      it->get<int64_t>() > 10LL * 365 * 86400) {
    return FailureReply(400, "expire_secs must be a positive integer");
  }
  const core::Duration ttl = it->get<int64_t>() * core::kSecond;
  const std::string* reason = StringField(body, "reason");
  std::string subject;
  switch (key.kind) {
    case policy::BlockKind::kLogin: subject = login; break;
    case policy::BlockKind::kLoginIp: subject = login + " from " + network.base.ToString(); break;
    default:
      subject =
          network.bits == network.base.family_bits() ? network.base.ToString() : network.ToString();
  }
  if (reason != nullptr && !reason->empty()) subject += " (" + *reason + ")";
  engine.OperatorBlock(key, subject, ttl, request.now);
  return Ok();
}

}  // namespace

Response WeakforcedCommand(std::string_view command, const Request& request, policy::Engine& engine,
                           bool* handled) {
  *handled = true;
  if (command == "ping") return Ok();
  if (command == "getBL" || command == "getWL") {
    json ip = json::array(), login = json::array(), iplogin = json::array();
    if (command == "getBL") {
      engine.blocks().ForEach([&](const policy::BlockKey& key, const policy::Block& block) {
        if (block.expires <= request.now) return;
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
      for (const core::Cidr& cidr : engine.allows().networks()) {
        ip.push_back({{"ip", cidr.ToString()}, {"expiration", "never"}, {"reason", ""}});
      }
      for (const auto& [digest, subject] : engine.allows().logins()) {
        login.push_back({{"login", subject}, {"expiration", "never"}, {"reason", ""}});
      }
    }
    const json reply = {
        {"bl_entries", json::array({{{"ip", ip}}, {{"login", login}}, {{"iplogin", iplogin}}})}};
    // Block subjects hold logins as typed: invalid UTF-8 is replaced, never thrown on.
    std::string body = reply.dump(-1, ' ', false, json::error_handler_t::replace);
    if (command == "getWL") body.replace(2, 10, "wl_entries");
    return Response{200, body};
  }
  if (command != "reset" && command != "addBLEntry" && command != "delBLEntry" &&
      command != "addWLEntry" && command != "delWLEntry") {
    *handled = false;
    return FailureReply(404, "unknown command");
  }
  if (request.method != "POST") return FailureReply(405, "use POST");
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    return FailureReply(400, "body is not a JSON object");

  if (command == "reset") {
    const std::string* ip_text = StringField(body, "ip");
    const std::string* login_text = StringField(body, "login");
    std::optional<core::IpAddress> ip;
    if (ip_text != nullptr) {
      ip = core::IpAddress::Parse(*ip_text);
      if (!ip) return FailureReply(400, "bad ip");
    }
    if (!ip && login_text == nullptr) return FailureReply(400, "ip or login is required");
    engine.Reset(ip ? &*ip : nullptr, login_text != nullptr ? *login_text : "");
    return Ok();
  }
  if (command == "addBLEntry") return AddBlock(body, request, engine);
  policy::BlockKey key;
  core::Cidr network;
  std::string login, error;
  if (!KeyFromBody(body, engine, &key, &network, &login, &error)) return FailureReply(400, error);
  if (command == "delBLEntry") {
    engine.Unblock(key);
    return Ok();
  }
  const bool add = command == "addWLEntry";
  if (key.kind == policy::BlockKind::kLoginIp) {
    return FailureReply(400, "allow lists take ip, netmask or login, not both");
  }
  if (key.kind == policy::BlockKind::kLogin) {
    engine.AllowLogin(login, add);
  } else {
    engine.AllowNetwork(network, add);
  }
  return Ok();
}

}  // namespace coastguard::http
