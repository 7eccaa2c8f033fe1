#include "http/breach_api.h"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "breach/store.h"
#include "core/crypto.h"
#include "core/metrics_text.h"
#include "core/text.h"
#include "http/json_reply.h"

namespace coastguard::http {
namespace {

using breach::HashKind;
using nlohmann::json;

bool IsTrue(std::string_view value) {
  return value.size() == 4 && (value[0] | 0x20) == 't' && (value[1] | 0x20) == 'r' &&
         (value[2] | 0x20) == 'u' && (value[3] | 0x20) == 'e';
}

std::optional<std::array<uint8_t, 20>> ParseSha1(std::string_view hex) {
  breach::HashEntry entry;
  if (breach::ParseHashLine(hex, std::nullopt, HashKind::kSha1, &entry) !=
          breach::LineProblem::kNone ||
      hex.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  return entry.bytes;
}

}  // namespace

BreachApi::BreachApi(const policy::Engine& engine, const breach::Database& database,
                     const breach::PasswordChecker& checker, breach::BreachedLogins& logins,
                     BreachApiSettings settings)
    : engine_(engine),
      database_(database),
      checker_(checker),
      logins_(logins),
      settings_(settings),
      padding_random_(core::RandomU64()) {}

Response BreachApi::Range(const Request& request, std::string_view prefix_hex) {
  if (request.method != "GET") return JsonError(405, "use GET");
  ++range_requests_;
  const std::optional<uint32_t> prefix = breach::ParsePrefix(prefix_hex);
  if (!prefix) {
    // HIBP's own answer to a malformed prefix.
    return Response{400, "The hash prefix was not in a valid format", "text/plain"};
  }
  const std::string_view mode = request.query("mode");
  if (!mode.empty() && mode != "ntlm" && mode != "sha1") {
    return JsonError(400, "mode is sha1 (the default) or ntlm");
  }
  const HashKind kind = mode == "ntlm" ? HashKind::kNtlm : HashKind::kSha1;
  if (!database_.has_range(kind)) {
    return JsonError(503, core::Cat("no ", breach::HashKindName(kind),
                                    " corpus with its exact part is imported; see docs/breach.md"));
  }
  std::vector<breach::RangeEntry> entries;
  entries.reserve(1000);
  database_.Range(kind, *prefix, &entries);
  const size_t nibbles = 2 * breach::HashBytes(kind);
  if (IsTrue(request.header("Add-Padding"))) {
    // As HIBP: 800-1,000 lines, the made-up ones with count 0, so that the answer's size does
    // not tell which prefix was asked for. Sorted in with the real ones.
    const size_t target = 800 + padding_random_() % 201;
    const size_t real = entries.size();
    while (entries.size() < target) {
      breach::RangeEntry fake;
      for (size_t b = 0; b < fake.bytes.size(); b += 8) {
        const uint64_t random = padding_random_();
        std::memcpy(fake.bytes.data() + b, &random, std::min<size_t>(8, fake.bytes.size() - b));
      }
      entries.push_back(fake);
    }
    if (entries.size() > real) {
      // Only the nibbles after the prefix are written: order by the 44 bits that follow it
      // (the fakes' first 20 bits are random but never printed), then by the rest.
      const size_t bytes = breach::HashBytes(kind);
      constexpr uint64_t kLow44 = (uint64_t{1} << 44) - 1;
      for (breach::RangeEntry& entry : entries) {
        entry.order = breach::KeyOf(entry.bytes.data()) & kLow44;
      }
      std::sort(entries.begin(), entries.end(),
                [bytes](const breach::RangeEntry& a, const breach::RangeEntry& b) {
                  if (a.order != b.order) return a.order < b.order;
                  return std::memcmp(a.bytes.data() + 8, b.bytes.data() + 8, bytes - 8) < 0;
                });
    }
  }
  std::string body;
  body.reserve(entries.size() * (nibbles - 5 + 13));
  for (const breach::RangeEntry& entry : entries) {
    if (!body.empty()) body += "\r\n";  // HIBP ends without a final line break
    breach::AppendHexNibbles(entry.bytes.data(), 5, nibbles, body);
    body.push_back(':');
    body += std::to_string(entry.count);
  }
  return Response{200, std::move(body), "text/plain"};
}

Response BreachApi::Check(const Request& request) {
  if (request.method != "POST") return JsonError(405, "use POST");
  json body = json::parse(request.body, nullptr, false);
  Response response = CheckBody(body);
  // The parsed tree holds a copy of the password: overwrite it before it is freed. (The
  // request's own buffer belongs to the HTTP server, which reuses it for the next request.)
  if (body.is_object() && body.contains("password") && body["password"].is_string()) {
    core::Wipe(body["password"].get_ref<std::string&>());
  }
  return response;
}

Response BreachApi::CheckBody(const json& body) {
  if (!body.is_object()) return JsonError(400, "the body must be a JSON object");
  const std::string* password = StringField(body, "password");
  const std::string* sha1_hex = StringField(body, "sha1");
  if ((password == nullptr) == (sha1_hex == nullptr)) {
    return JsonError(400, "give either \"password\" or \"sha1\" (40 hex digits)");
  }
  breach::PasswordCheckRequest check;
  if (password != nullptr) {
    if (password->size() > 4096) return JsonError(400, "password longer than 4096 bytes");
    check.password = *password;
  } else {
    check.sha1 = ParseSha1(*sha1_hex);
    if (!check.sha1) return JsonError(400, "sha1 must be 40 hex digits");
  }
  if (body.contains("login")) {
    const std::string* login = StringField(body, "login");
    if (login == nullptr) return JsonError(400, "login must be a string");
    check.login = *login;
  }
  if (body.contains("context")) {
    const json& context = body["context"];
    if (!context.is_array() || context.size() > 64) {
      return JsonError(400, "context must be an array of at most 64 strings");
    }
    for (const json& word : context) {
      if (!word.is_string()) return JsonError(400, "context must be an array of strings");
      check.context.push_back(word.get_ref<const std::string&>());
    }
  }
  const breach::PasswordCheckResult result = checker_.Check(check);
  json reasons = json::array();
  json messages = json::array();
  for (const breach::Weakness weakness : result.weaknesses) {
    reasons.push_back(breach::WeaknessCode(weakness));
    messages.push_back(
        breach::WeaknessMessage(weakness, result.breach_count, checker_.min_length()));
  }
  json out = {{"ok", result.ok},
              {"breach_count", result.breach_count},
              {"reasons", reasons},
              {"messages", messages},
              {"breach_checked", database_.available(HashKind::kSha1)}};
  if (!result.breach_exact) out["breach_exact"] = false;
  return JsonReply(200, out);
}

Response BreachApi::Report(const Request& request) {
  if (request.method != "POST") return JsonError(405, "use POST");
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return JsonError(400, "the body must be a JSON object");
  const std::string* login = StringField(body, "login");
  const std::string* sha1_hex = StringField(body, "sha1");
  if (login == nullptr || sha1_hex == nullptr) {
    return JsonError(400, "give \"login\" and \"sha1\" (40 hex digits)");
  }
  const auto sha1 = ParseSha1(*sha1_hex);
  if (!sha1) return JsonError(400, "sha1 must be 40 hex digits");
  auto canonical = engine_.Canonical(*login);
  if (!canonical.ok()) return JsonError(400, "bad login");
  const std::string* ip = StringField(body, "ip");
  const std::string* service = StringField(body, "service");
  if (!database_.available(HashKind::kSha1)) {
    return JsonReply(200, {{"breached", false}, {"breach_checked", false}, {"action", "allow"}});
  }
  const breach::Lookup lookup = database_.Find(HashKind::kSha1, sha1->data());
  // Only the exact part's word marks, mails or refuses: a filter-only store's "maybe" is wrong
  // for 0.39 % of unique passwords, and those people must not be told off or locked out.
  const bool breached = lookup.found && lookup.exact;
  const breach::BreachedLogins::Seen seen = logins_.Report(
      *canonical, ip ? *ip : "", service ? *service : "", breached, lookup.count, request.now);
  if (seen.entry != nullptr && on_breached_) on_breached_(*seen.entry, seen.first);
  const bool refuse = breached && settings_.refuse_on_login;
  json out = {{"breached", breached},
              {"breach_count", lookup.count},
              {"breach_checked", true},
              {"action", refuse ? "refuse" : "allow"}};
  if (lookup.found && !lookup.exact) out["maybe_breached"] = true;
  // The Lua script reads the status: 403 refuses the login, anything else lets it go on.
  return JsonReply(refuse ? 403 : 200, out);
}

std::string BreachedLoginJson(const breach::BreachedLogin& login) {
  return json{
      {"event", "breached_password"}, {"ts", static_cast<double>(login.last_seen) / core::kSecond},
      {"login", login.login},         {"breach_count", login.breach_count},
      {"ip", login.last_ip},          {"service", login.last_service}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

void AppendBreachMetrics(std::string& out, const BreachApi& api, const breach::Database& db,
                         const NotificationCounts& notifications) {
  core::MetricHeader(out, "coastguard_breach_hashes", "gauge",
                     "Hashes in the breach corpus (the delta of an --update included).");
  for (const HashKind kind : {HashKind::kSha1, HashKind::kNtlm}) {
    core::MetricSample(out, "coastguard_breach_hashes",
                       core::Cat("kind=\"", breach::HashKindName(kind), "\""),
                       static_cast<double>(db.entries(kind)));
  }
  const breach::BreachedLoginsStats& stats = api.logins().stats();
  core::MetricHeader(out, "coastguard_breach_password_reports_total", "counter",
                     "Successful logins whose password was checked against the corpus.");
  core::MetricSample(out, "coastguard_breach_password_reports_total", "result=\"breached\"",
                     static_cast<double>(stats.breached));
  core::MetricSample(out, "coastguard_breach_password_reports_total", "result=\"clean\"",
                     static_cast<double>(stats.reports - stats.breached));
  core::MetricFamily(out, "coastguard_breach_accounts_marked_total", "counter",
                     "Accounts first seen logging in with a breached password.",
                     static_cast<double>(stats.newly_marked));
  core::MetricFamily(out, "coastguard_breach_accounts_cleared_total", "counter",
                     "Marked accounts that logged in with a password not in the corpus.",
                     static_cast<double>(stats.cleared));
  core::MetricFamily(out, "coastguard_breach_accounts_marked", "gauge",
                     "Accounts marked now (a password from the corpus at their last login).",
                     static_cast<double>(api.logins().size()));
  core::MetricFamily(out, "coastguard_breach_range_requests_total", "counter",
                     "Requests to the HIBP-compatible range API.",
                     static_cast<double>(api.range_requests()));
  core::MetricHeader(out, "coastguard_breach_notifications_total", "counter",
                     "Notification mails: handed to the command, skipped (no mail address), "
                     "and the command's failures.");
  core::MetricSample(out, "coastguard_breach_notifications_total", "result=\"sent\"",
                     static_cast<double>(notifications.sent));
  core::MetricSample(out, "coastguard_breach_notifications_total", "result=\"skipped\"",
                     static_cast<double>(notifications.skipped));
  core::MetricSample(
      out, "coastguard_breach_notifications_total", "result=\"failed\"",
      static_cast<double>(notifications.command.failed + notifications.command.dropped));
}

}  // namespace coastguard::http
