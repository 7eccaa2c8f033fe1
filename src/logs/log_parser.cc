#include "logs/log_parser.h"

#include <exception>

#include "logs/scan.h"

namespace coastguard::logs {

bool LogParser::ParseAs(LogFormat format, const LineHeader& h, LogEvent* out) {
  using namespace parsers;  // NOLINT(google-build-using-namespace): one call per format
  switch (format) {
    case LogFormat::kAuto: return ParseAuto(h, out);
    case LogFormat::kDovecot: return Dovecot(h, state_, out);
    case LogFormat::kPostfix: return Postfix(h, state_, out);
    case LogFormat::kExim: return Exim(h, state_, out);
    case LogFormat::kCourier: return Courier(h, state_, out);
    case LogFormat::kCyrus: return Cyrus(h, state_, out);
    case LogFormat::kSendmail: return Sendmail(h, state_, out);
    case LogFormat::kUwImap: return UwImap(h, state_, out);
    case LogFormat::kSolidPop3d: return SolidPop3d(h, state_, out);
    case LogFormat::kPerdition: return Perdition(h, state_, out);
    case LogFormat::kDomino: return Domino(h, state_, out);
    case LogFormat::kKerio: return Kerio(h, state_, out);
    case LogFormat::kOracleMessaging: return OracleMessaging(h, state_, out);
    case LogFormat::kAssp: return Assp(h, state_, out);
    case LogFormat::kRoundcube: return Roundcube(h, state_, out);
    case LogFormat::kHorde: return Horde(h, state_, out);
    case LogFormat::kSquirrelMail: return SquirrelMail(h, state_, out);
    case LogFormat::kSogo: return Sogo(h, state_, out);
    case LogFormat::kOpenWebMail: return OpenWebMail(h, state_, out);
    case LogFormat::kTine20: return Tine20(h, state_, out);
    case LogFormat::kGroupOffice: return GroupOffice(h, state_, out);
  }
  return false;
}

bool LogParser::ParseAuto(const LineHeader& h, LogEvent* out) {
  // Most lines of a mail.log come from a program whose tag names the server: one parser, no
  // guessing. The rest (a server's own file, ambiguous tags such as "imapd") try each parser
  // that could have written them; each rejects a foreign line on its first comparisons.
  const std::string_view p = h.program;
  auto as = [&](LogFormat f) {
    if (!ParseAs(f, h, out)) return false;
    out->source = f;
    return true;
  };
  if (!p.empty()) {
    if (p == "dovecot" || Ends(p, "-login") || p == "auth" || Starts(p, "auth-worker") ||
        Starts(p, "auth(") || Starts(p, "dovecot/")) {
      return as(LogFormat::kDovecot);
    }
    if (Starts(p, "postfix")) return as(LogFormat::kPostfix);
  }
  for (int i = static_cast<int>(LogFormat::kExim); i < kFormatCount; ++i) {
    if (as(static_cast<LogFormat>(i))) return true;
  }
  return false;
}

bool LogParser::Parse(std::string_view line, LogEvent* out) {
  try {
    return ParseLine(line, out);
  } catch (const std::exception&) {
    // A scanner's slip (std::string_view::substr past the end) on a line nobody foresaw: the
    // line is dropped and counted, and the daemon goes on. The fuzz targets hunt for these.
    ++failed_;
    return false;
  }
}

bool LogParser::ParseLine(std::string_view line, LogEvent* out) {
  ++lines_;
  const LineHeader h = SplitHeader(line, clock_);
  *out = LogEvent{};
  if (format_ == LogFormat::kAuto) {
    if (!ParseAuto(h, out)) return false;
  } else {
    if (!ParseAs(format_, h, out)) return false;
    out->source = format_;
  }
  if (out->login.empty()) {
    if (out->outcome == core::Outcome::kSuccess) return false;
    out->login = kUnnamedLogin;
  }
  if (h.has_ts) {
    out->ts = h.ts;
  } else if (out->ts == 0 && !stamped_by_caller_) {
    // An attempt without a time cannot be decided as "when it happened"; it is counted, not
    // guessed.
    ++undated_;
    return false;
  }
  ++recognised_[static_cast<size_t>(out->source)];
  return true;
}

}  // namespace coastguard::logs
