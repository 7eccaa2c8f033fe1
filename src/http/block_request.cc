#include "http/block_request.h"

#include "core/text.h"
#include "http/json_reply.h"

namespace coastguard::http {

absl::StatusOr<BlockTarget> ParseBlockTarget(const nlohmann::json& body,
                                             const policy::Engine& engine,
                                             const TargetFields& fields) {
  const std::string* ip = StringField(body, "ip");
  const std::string* network = StringField(body, fields.network);
  const std::string* login = StringField(body, "login");
  if (ip != nullptr && network != nullptr) {
    return core::InvalidInput(core::Cat("ip and ", fields.network, " are mutually exclusive"));
  }
  if (ip == nullptr && network == nullptr && login == nullptr) {
    return core::InvalidInput(core::Cat("give one of ip, ", fields.network, " or login"));
  }
  const bool has_network = ip != nullptr || network != nullptr;
  if (login != nullptr && has_network && !fields.login_from_ip) {
    return core::InvalidInput(core::Cat("give exactly one of ip, ", fields.network, " or login"));
  }
  BlockTarget target;
  if (has_network) {
    const std::string& text = ip != nullptr ? *ip : *network;
    const auto cidr = core::Cidr::Parse(text);
    if (!cidr || (ip != nullptr && text.find('/') != std::string::npos)) {
      return core::InvalidInput(ip != nullptr ? "bad ip" : core::Cat("bad ", fields.network));
    }
    if (login != nullptr && cidr->bits != cidr->base.family_bits()) {
      return core::InvalidInput(core::Cat("a network cannot be combined with login"));
    }
    target.network = *cidr;
    target.key = policy::NetworkBlockKey(*cidr);
    target.subject =
        cidr->bits == cidr->base.family_bits() ? cidr->base.ToString() : cidr->ToString();
  }
  if (login != nullptr) {
    auto canonical = engine.Canonical(*login);
    if (!canonical.ok()) {
      return core::InvalidInput(core::Cat("bad login: ", core::Message(canonical.status())));
    }
    target.login = std::move(*canonical);
    const uint64_t digest = engine.LoginDigest(target.login);
    if (has_network) {
      target.key = policy::LoginIpBlockKey(digest, target.network.base);
      target.subject = core::Cat(target.login, " from ", target.subject);
    } else {
      target.key = policy::LoginBlockKey(digest);
      target.subject = target.login;
    }
  }
  return target;
}

absl::StatusOr<BlockRequest> ParseBlockRequest(const nlohmann::json& body,
                                               const policy::Engine& engine,
                                               const TargetFields& fields, const char* ttl_field,
                                               core::Duration default_ttl) {
  auto target = ParseBlockTarget(body, engine, fields);
  if (!target.ok()) return target.status();
  BlockRequest request{std::move(*target), default_ttl, ""};
  constexpr int64_t kMaxTtlSeconds = 10LL * 365 * 86400;
  const auto it = body.find(ttl_field);
  if (it != body.end() || default_ttl == 0) {
    if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() <= 0 ||
        it->get<int64_t>() > kMaxTtlSeconds) {
      return core::InvalidInput(core::Cat(ttl_field, " must be a positive integer"));
    }
    request.ttl = it->get<int64_t>() * core::kSecond;
  }
  request.subject = request.target.subject;
  if (const std::string* reason = StringField(body, "reason"); reason && !reason->empty()) {
    request.subject += " (" + *reason + ")";
  }
  return request;
}

}  // namespace coastguard::http
