#include "ctl/ctl.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace coastguard::ctl {
namespace {

using nlohmann::json;

struct Answer {
  int code = kOk;
  json body;
};

// Calls the API; maps transport and HTTP errors to exit codes, printing why.
Answer Ask(const AdminClient& client, std::FILE* err, const std::string& method,
           const std::string& path, const json& body = nullptr) {
  Answer a;
  const auto response = client.Call(method, path, body.is_null() ? "" : body.dump());
  if (!response.ok()) {
    std::fprintf(err, "coastguard ctl: %s\n", core::Message(response.status()).c_str());
    a.code = kUnreachable;
    return a;
  }
  a.body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (response->status == 401 || response->status == 403) {
    std::fprintf(err, "coastguard ctl: the admin token was refused (HTTP %ld)\n", response->status);
    a.code = kRefused;
  } else if (response->status < 200 || response->status >= 300) {
    const std::string reason = a.body.is_object() && a.body.contains("error")
                                   ? a.body["error"].dump()
                                   : response->body.substr(0, 200);
    std::fprintf(err, "coastguard ctl: HTTP %ld: %s\n", response->status, reason.c_str());
    a.code = kFailed;
  } else if (a.body.is_discarded()) {
    std::fprintf(err, "coastguard ctl: the daemon's answer is not JSON\n");
    a.code = kFailed;
  }
  return a;
}

std::string When(const json& seconds) {
  if (!seconds.is_number()) return "-";
  const std::time_t t = static_cast<std::time_t>(seconds.get<double>());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
  return text;
}

std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}

std::string Joined(const json& list) {
  std::string out;
  if (!list.is_array()) return "-";
  for (const auto& item : list) out += (out.empty() ? "" : ",") + Text(item);
  return out.empty() ? "-" : out;
}

void PrintBlocks(std::FILE* out, const json& blocks) {
  std::fprintf(out, "%-40s %-8s %-22s %-10s %8s %10s\n", "subject", "kind", "reason", "scope",
               "offenses", "remaining");
  for (const auto& b : blocks) {
    std::fprintf(out, "%-40s %-8s %-22s %-10s %8s %9.0fs\n",
                 Text(b.value("subject", json())).c_str(), Text(b.value("kind", json())).c_str(),
                 Text(b.value("reason", json())).c_str(), Text(b.value("scope", json())).c_str(),
                 Text(b.value("offenses", json())).c_str(), b.value("remaining_seconds", 0.0));
  }
}

// "ip 203.0.113.9", "network 203.0.113.0/24", "login alice@example.com" -> the API's body.
bool Target(const std::vector<std::string>& args, size_t at, json* body, std::FILE* err) {
  if (args.size() < at + 2 || (args[at] != "ip" && args[at] != "network" && args[at] != "login")) {
    std::fprintf(err, "coastguard ctl: expected ip|network|login VALUE\n");
    return false;
  }
  (*body)[args[at]] = args[at + 1];
  return true;
}

// "90s", "15m", "2h", "7d" or seconds.
bool Seconds(const std::string& text, long* out) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || v <= 0) return false;
  const std::string unit(end);
  const long scale = unit.empty() || unit == "s" ? 1
                     : unit == "m"               ? 60
                     : unit == "h"               ? 3600
                     : unit == "d"               ? 86400
                                                 : 0;
  if (scale == 0) return false;
  *out = static_cast<long>(v * static_cast<double>(scale));
  return true;
}

// Takes "--name value" out of `args`.
std::string Option(std::vector<std::string>& args, const std::string& name) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) {
      std::string v = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return v;
    }
  }
  return "";
}

void PrintJson(std::FILE* out, const json& body) { std::fprintf(out, "%s\n", body.dump().c_str()); }

}  // namespace

int Run(const std::vector<std::string>& given, const AdminClient& client, bool as_json,
        std::FILE* out, std::FILE* err) {
  std::vector<std::string> args = given;
  if (args.empty()) {
    std::fprintf(err,
                 "coastguard ctl: a subcommand is needed (status, explain, block, unblock, "
                 "allow, suspects, release, top)\n");
    return kUsage;
  }
  const std::string what = args[0];
  if (what == "status") {
    const Answer service = Ask(client, err, "GET", "/v1/service");
    if (service.code != kOk) return service.code;
    // Only blocks in force are listed, and `total` counts them: one is enough to ask for.
    const Answer blocks = Ask(client, err, "GET", "/v1/blocks?limit=1");
    if (blocks.code != kOk) return blocks.code;
    const Answer suspects = Ask(client, err, "GET", "/v1/suspects");
    if (suspects.code != kOk) return suspects.code;
    const size_t active = blocks.body.value("total", size_t{0});
    const size_t held = suspects.body.value("suspects", json::array()).size();
    if (as_json) {
      PrintJson(out, {{"service", service.body}, {"blocks_in_force", active}, {"suspects", held}});
      return kOk;
    }
    const bool attack = service.body.value("under_attack", false);
    std::fprintf(out, "under attack:     %s\n", attack ? "YES" : "no");
    std::fprintf(out, "attacks started:  %s\n",
                 Text(service.body.value("attacks_started", json())).c_str());
    std::fprintf(out, "blocks in force:  %zu\n", active);
    std::fprintf(out, "held accounts:    %zu\n", held);
    return kOk;
  }
  if (what == "explain") {
    if (args.size() != 3 || (args[1] != "login" && args[1] != "ip")) {
      std::fprintf(err, "coastguard ctl: explain login|ip VALUE\n");
      return kUsage;
    }
    const Answer a =
        Ask(client, err, "GET", "/v1/entities/" + args[1] + "/" + AdminClient::Escape(args[2]));
    if (a.code != kOk) return a.code;
    if (as_json) {
      PrintJson(out, a.body);
      return kOk;
    }
    std::fprintf(out, "%s %s\n", args[1].c_str(), args[2].c_str());
    for (const auto& [key, value] : a.body.items()) {
      if (key == "blocks" || key == "recent_verdicts" || value.is_array() || value.is_object()) {
        continue;
      }
      std::fprintf(out, "  %-28s %s\n", key.c_str(), Text(value).c_str());
    }
    const json& blocks = a.body.value("blocks", json::array());
    if (!blocks.empty()) {
      std::fprintf(out, "blocks:\n");
      PrintBlocks(out, blocks);
    }
    const json& verdicts = a.body.value("recent_verdicts", json::array());
    if (!verdicts.empty()) {
      std::fprintf(out, "recent verdicts:\n");
      for (const auto& v : verdicts) {
        std::fprintf(out, "  %s  %-7s %s\n", When(v.value("ts", json())).c_str(),
                     Text(v.value("verdict", json())).c_str(),
                     Joined(v.value("reasons", json::array())).c_str());
      }
    }
    return kOk;
  }
  if (what == "block") {
    const std::string ttl = Option(args, "--ttl");
    const std::string reason = Option(args, "--reason");
    json body = json::object();
    if (!Target(args, 1, &body, err) || args.size() != 3) return kUsage;
    long seconds = 3600;
    if (!ttl.empty() && !Seconds(ttl, &seconds)) {
      std::fprintf(err, "coastguard ctl: --ttl takes 90s, 15m, 2h, 7d or seconds\n");
      return kUsage;
    }
    body["ttl_seconds"] = seconds;
    if (!reason.empty()) body["reason"] = reason;
    const Answer a = Ask(client, err, "POST", "/v1/blocks", body);
    if (a.code != kOk) return a.code;
    if (as_json) {
      PrintJson(out, a.body);
    } else {
      std::fprintf(out, "blocked %s %s for %lds\n", args[1].c_str(), args[2].c_str(), seconds);
    }
    return kOk;
  }
  if (what == "unblock" || (what == "allow" && args.size() > 1 && args[1] == "--remove")) {
    const bool allow = what == "allow";
    if (allow) args.erase(args.begin() + 1);
    json body = json::object();
    if (!Target(args, 1, &body, err) || args.size() != 3) return kUsage;
    const Answer a = Ask(client, err, "DELETE", allow ? "/v1/allow" : "/v1/blocks", body);
    if (a.code != kOk) return a.code;
    // The allow list's DELETE does not say whether the entry was there: done is done.
    const bool removed = a.body.value("removed", allow);
    if (as_json) {
      PrintJson(out, a.body);
    } else {
      std::fprintf(out, "%s %s %s\n", removed ? "removed" : "not found:", args[1].c_str(),
                   args[2].c_str());
    }
    return removed ? kOk : kNothing;
  }
  if (what == "allow" && args.size() == 1) {
    const Answer a = Ask(client, err, "GET", "/v1/allow");
    if (a.code != kOk) return a.code;
    if (as_json) {
      PrintJson(out, a.body);
      return kOk;
    }
    for (const auto& n : a.body.value("networks", json::array())) {
      std::fprintf(out, "network %s\n", Text(n).c_str());
    }
    for (const auto& l : a.body.value("logins", json::array())) {
      std::fprintf(out, "login   %s\n", Text(l).c_str());
    }
    return kOk;
  }
  if (what == "allow") {
    json body = json::object();
    if (!Target(args, 1, &body, err) || args.size() != 3) return kUsage;
    const Answer a = Ask(client, err, "POST", "/v1/allow", body);
    if (a.code != kOk) return a.code;
    if (as_json) {
      PrintJson(out, a.body);
    } else {
      std::fprintf(out, "allowed %s %s\n", args[1].c_str(), args[2].c_str());
    }
    return kOk;
  }
  if (what == "suspects") {
    const Answer a = Ask(client, err, "GET", "/v1/suspects");
    if (a.code != kOk) return a.code;
    if (as_json) {
      PrintJson(out, a.body);
      return kOk;
    }
    const json& list = a.body.value("suspects", json::array());
    std::fprintf(out, "%-36s %-22s %-40s %s\n", "login", "since", "ip", "evidence");
    for (const auto& s : list) {
      std::fprintf(out, "%-36s %-22s %-40s %s\n", Text(s.value("login", json())).c_str(),
                   When(s.value("since", json())).c_str(), Text(s.value("ip", json())).c_str(),
                   Joined(s.value("evidence", json::array())).c_str());
    }
    return kOk;
  }
  if (what == "release") {
    if (args.size() != 2) {
      std::fprintf(err, "coastguard ctl: release LOGIN\n");
      return kUsage;
    }
    const Answer a = Ask(client, err, "POST", "/v1/suspects/clear", json{{"login", args[1]}});
    if (a.code != kOk) return a.code;
    const bool cleared = a.body.value("cleared", false);
    if (as_json) {
      PrintJson(out, a.body);
    } else if (cleared) {
      std::fprintf(out,
                   "released %s: its held mail can go (postsuper -H ALL deferred, or per "
                   "queue id)\n",
                   args[1].c_str());
    } else {
      std::fprintf(out, "not a suspect: %s\n", args[1].c_str());
    }
    return cleared ? kOk : kNothing;
  }
  if (what == "top") {
    long n = 10;
    if (args.size() == 2) n = std::strtol(args[1].c_str(), nullptr, 10);
    if (args.size() > 2 || n <= 0) {
      std::fprintf(err, "coastguard ctl: top [N]\n");
      return kUsage;
    }
    const Answer a = Ask(client, err, "GET", "/v1/blocks");
    if (a.code != kOk) return a.code;
    json list = json::array();
    for (const auto& b : a.body.value("blocks", json::array())) {
      if (b.value("active", false)) list.push_back(b);
    }
    // The most persistent first: repeat offences, then the longest time left.
    std::sort(list.begin(), list.end(), [](const json& x, const json& y) {
      const auto ox = x.value("offenses", 0);
      const auto oy = y.value("offenses", 0);
      if (ox != oy) return ox > oy;
      return x.value("remaining_seconds", 0.0) > y.value("remaining_seconds", 0.0);
    });
    if (list.size() > static_cast<size_t>(n)) list.erase(list.begin() + n, list.end());
    if (as_json) {
      PrintJson(out, {{"blocks", list}});
    } else {
      PrintBlocks(out, list);
    }
    return kOk;
  }
  std::fprintf(err, "coastguard ctl: unknown subcommand '%s'\n", what.c_str());
  return kUsage;
}

}  // namespace coastguard::ctl
