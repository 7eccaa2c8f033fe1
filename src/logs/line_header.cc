#include "logs/line_header.h"

#include <ctime>

#include "logs/scan.h"

namespace coastguard::logs {
namespace {

// "Jan".."Dec" -> 1..12, 0 if not a month.
int MonthNumber(std::string_view t) {
  if (t.size() < 3) return 0;
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (int i = 0; i < 12; ++i) {
    if (t[0] == kMonths[i * 3] && t[1] == kMonths[i * 3 + 1] && t[2] == kMonths[i * 3 + 2]) {
      return i + 1;
    }
  }
  return 0;
}

bool Digits(std::string_view t, size_t at, size_t n, int* out) {
  if (at + n > t.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!IsDigit(t[i])) return false;
    v = v * 10 + (t[i] - '0');
  }
  *out = v;
  return true;
}

bool ValidCivil(int month, int day, int hour, int minute, int second) {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 &&
         second <= 60;
}

// ".123456" -> microseconds; advances `at`.
int64_t Fraction(std::string_view t, size_t& at) {
  if (at >= t.size() || (t[at] != '.' && t[at] != ',')) return 0;
  ++at;
  int64_t micros = 0;
  int digits = 0;
  while (at < t.size() && IsDigit(t[at])) {
    if (digits < 6) micros = micros * 10 + (t[at] - '0');
    ++digits;
    ++at;
  }
  for (; digits < 6; ++digits) micros *= 10;
  return micros;
}

// "Z", "+00:00", "+0000", "-05:00"; returns false if none (local time).
bool ZoneOffset(std::string_view t, size_t& at, int64_t* offset_s) {
  if (at < t.size() && t[at] == 'Z') {
    ++at;
    *offset_s = 0;
    return true;
  }
  if (at >= t.size() || (t[at] != '+' && t[at] != '-')) return false;
  const int sign = t[at] == '-' ? -1 : 1;
  int hh = 0;
  int mm = 0;
  if (!Digits(t, at + 1, 2, &hh)) return false;
  size_t p = at + 3;
  if (p < t.size() && t[p] == ':') ++p;
  if (!Digits(t, p, 2, &mm)) return false;
  at = p + 2;
  *offset_s = sign * (hh * 3600 + mm * 60);
  return true;
}

void SkipSpaces(std::string_view& t) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
}

// daemontools' "@4000000068a1b2c30a1b2c3d": a TAI64 label, then nanoseconds. daemontools'
// tai64nlocal maps label 2^62 + 10 to the Unix epoch (TAI-UTC in 1972) and ignores later leap
// seconds; so do we, to agree with the tools operators read these files with.
bool ReadTai64n(std::string_view& t, core::Timestamp* ts) {
  if (t.size() < 25 || t[0] != '@') return false;
  uint64_t secs = 0;
  uint64_t nanos = 0;
  for (size_t i = 1; i < 25; ++i) {
    const int h = HexValue(t[i]);
    if (h < 0) return false;
    if (i <= 16) {
      secs = secs << 4 | static_cast<uint64_t>(h);
    } else {
      nanos = nanos << 4 | static_cast<uint64_t>(h);
    }
  }
  constexpr uint64_t kBase = uint64_t{1} << 62;
  if (secs < kBase + 10 || secs - kBase > (uint64_t{1} << 40) || nanos >= 1'000'000'000) {
    return false;
  }
  *ts = static_cast<core::Timestamp>(secs - kBase - 10) * core::kSecond +
        static_cast<core::Timestamp>(nanos / 1000);
  t.remove_prefix(25);
  return true;
}

}  // namespace

int64_t UtcSeconds(int year, int month, int day, int hour, int minute, int second) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (month + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

core::Timestamp Clock::FromLocal(int year, int month, int day, int hour, int minute, int second) {
  const int64_t as_utc = UtcSeconds(year, month, day, hour, 0, 0);
  const int64_t key = as_utc / 3600;
  if (key != cached_hour_key_) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_isdst = -1;
    const std::time_t local = std::mktime(&tm);
    cached_offset_s_ = local == static_cast<std::time_t>(-1) ? 0 : as_utc - local;
    cached_hour_key_ = key;
  }
  return (as_utc + minute * 60 + second - cached_offset_s_) * core::kSecond;
}

int Clock::YearFor(int month, int day) {
  if (year_ != 0) return year_;
  const std::time_t ref = static_cast<std::time_t>(reference_ / core::kSecond);
  std::tm tm{};
  localtime_r(&ref, &tm);
  const int ref_year = tm.tm_year + 1900;
  // A date more than a day after the reference is from the year before.
  if (UtcSeconds(ref_year, month, day, 0, 0, 0) >
      UtcSeconds(ref_year, tm.tm_mon + 1, tm.tm_mday, 0, 0, 0) + 86400) {
    return ref_year - 1;
  }
  return ref_year;
}

// ctime: "Sat Dec 28 19:04:03 2026" (OpenWebMail), "Tue Mar 26 07:59:08.123456 2026" (Apache's
// error log, inside brackets).
bool ReadTimestampOnce(std::string_view& text, Clock& clock, core::Timestamp* ts,
                       bool ctime_allowed);

bool ReadCtime(std::string_view& text, Clock& clock, core::Timestamp* ts) {
  std::string_view t = text;
  static constexpr std::string_view kDays = "MonTueWedThuFriSatSun";
  if (t.size() < 24 || t[3] != ' ') return false;
  const size_t d = kDays.find(t.substr(0, 3));
  if (d == std::string_view::npos || d % 3 != 0) return false;
  std::string_view rest = t.substr(4);
  // The "Mmm dd hh:mm:ss[.frac] yyyy" that follows reads as a syslog date with a year (and
  // never as a second ctime: "Mon Mon Mon ..." must not recurse).
  if (!ReadTimestampOnce(rest, clock, ts, /*ctime_allowed=*/false)) return false;
  text = rest;
  return true;
}

bool ReadTimestampOnce(std::string_view& text, Clock& clock, core::Timestamp* ts,
                       bool ctime_allowed) {
  std::string_view t = text;
  if (!t.empty() && t[0] >= 'A' && t[0] <= 'Z' && t.size() > 3 && t[3] == ' ' &&
      MonthNumber(t) == 0) {
    return ctime_allowed && ReadCtime(text, clock, ts);
  }
  if (ctime_allowed && t.size() > 20 && t[0] == '[' &&
      (IsDigit(t[1]) ? IsDigit(t[3]) : t[4] == ' ')) {
    // "[2026-01-06 10:59:38]", "[Tue Mar 26 07:59:08.123456 2026]"
    const size_t close = t.find(']');
    if (close != std::string_view::npos && close < 40) {
      std::string_view inner = t.substr(1, close - 1);
      core::Timestamp when = 0;
      if (ReadTimestampOnce(inner, clock, &when, /*ctime_allowed=*/true) && inner.empty()) {
        *ts = when;
        t.remove_prefix(close + 1);
        SkipSpaces(t);
        text = t;
        return true;
      }
    }
  }
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (ReadTai64n(t, ts)) {
    SkipSpaces(t);
    text = t;
    return true;
  }
  if (t.size() >= 19 && IsDigit(t[0])) {
    // 2026-11-27T09:17:44[.088317][+00:00]   2026-11-27 09:17:44
    if (!Digits(t, 0, 4, &year) || t[4] != '-' || !Digits(t, 5, 2, &month) || t[7] != '-' ||
        !Digits(t, 8, 2, &day) || (t[10] != 'T' && t[10] != ' ') || !Digits(t, 11, 2, &hour) ||
        t[13] != ':' || !Digits(t, 14, 2, &minute) || t[16] != ':' || !Digits(t, 17, 2, &second) ||
        !ValidCivil(month, day, hour, minute, second)) {
      return false;
    }
    size_t at = 19;
    const int64_t micros = Fraction(t, at);
    int64_t offset = 0;
    const bool zoned = ZoneOffset(t, at, &offset);
    if (!zoned && at < t.size() && t[at] == ' ') {
      // "2026-11-27 09:17:44 +0000" (Exim with a zone in its log_timezone)
      size_t z = at + 1;
      if (ZoneOffset(t, z, &offset) && (z == t.size() || t[z] == ' ')) {
        at = z;
        *ts =
            (UtcSeconds(year, month, day, hour, minute, second) - offset) * core::kSecond + micros;
        t.remove_prefix(at);
        SkipSpaces(t);
        text = t;
        return true;
      }
    }
    if (at < t.size() && t[at] != ' ') return false;
    *ts = zoned ? (UtcSeconds(year, month, day, hour, minute, second) - offset) * core::kSecond
                : clock.FromLocal(year, month, day, hour, minute, second);
    *ts += micros;
    t.remove_prefix(at);
    SkipSpaces(t);
    text = t;
    return true;
  }
  if (t.size() >= 15 && (month = MonthNumber(t)) != 0 && t[3] == ' ') {
    // "Nov 27 09:17:44", "Nov  7 09:17:44", optionally followed by " 2026"
    size_t at = 4;
    if (t[at] == ' ') ++at;
    if (at < t.size() && IsDigit(t[at])) {
      day = t[at] - '0';
      ++at;
      if (at < t.size() && IsDigit(t[at])) day = day * 10 + (t[at++] - '0');
    }
    if (at + 9 > t.size() || t[at] != ' ' || !Digits(t, at + 1, 2, &hour) || t[at + 3] != ':' ||
        !Digits(t, at + 4, 2, &minute) || t[at + 6] != ':' || !Digits(t, at + 7, 2, &second) ||
        !ValidCivil(month, day, hour, minute, second)) {
      return false;
    }
    at += 9;
    const int64_t micros = Fraction(t, at);
    if (at < t.size() && t[at] != ' ') return false;
    int explicit_year = 0;
    if (at + 5 <= t.size() && Digits(t, at + 1, 4, &explicit_year) &&
        (at + 5 == t.size() || t[at + 5] == ' ')) {
      at += 5;
      year = explicit_year;
    } else {
      year = clock.YearFor(month, day);
    }
    *ts = clock.FromLocal(year, month, day, hour, minute, second) + micros;
    t.remove_prefix(at);
    SkipSpaces(t);
    text = t;
    return true;
  }
  if (t.size() >= 22 && t[0] == '[' && IsDigit(t[1])) {
    // "[27-Nov-2026 09:17:44 +0000]" (Roundcube, PHP), "[27/Nov/2026:09:17:44 +0000]"
    size_t at = 1;
    if (!Digits(t, at, 2, &day)) return false;
    const char sep = t[3];
    if (sep != '-' && sep != '/') return false;
    month = MonthNumber(t.substr(4));
    if (month == 0 || t[7] != sep || !Digits(t, 8, 4, &year)) return false;
    if ((t[12] != ' ' && t[12] != ':') || !Digits(t, 13, 2, &hour) || t[15] != ':' ||
        !Digits(t, 16, 2, &minute) || t[18] != ':' || !Digits(t, 19, 2, &second) ||
        !ValidCivil(month, day, hour, minute, second)) {
      return false;
    }
    at = 21;
    int64_t offset = 0;
    bool zoned = false;
    if (at < t.size() && t[at] == ' ') {
      size_t z = at + 1;
      if (ZoneOffset(t, z, &offset)) {
        zoned = true;
        at = z;
      } else {
        // "[27-Nov-2026 09:17:44 Europe/Berlin]": a zone name; read as local time
        while (z < t.size() && t[z] != ']') ++z;
        at = z;
      }
    }
    if (at >= t.size() || t[at] != ']') return false;
    *ts = zoned ? (UtcSeconds(year, month, day, hour, minute, second) - offset) * core::kSecond
                : clock.FromLocal(year, month, day, hour, minute, second);
    t.remove_prefix(at + 1);
    if (!t.empty() && t.front() == ':') t.remove_prefix(1);
    SkipSpaces(t);
    text = t;
    return true;
  }
  return false;
}

bool ReadTimestamp(std::string_view& text, Clock& clock, core::Timestamp* ts) {
  return ReadTimestampOnce(text, clock, ts, /*ctime_allowed=*/true);
}

LineHeader SplitHeader(std::string_view line, Clock& clock) {
  LineHeader h;
  h.line_start = line;
  std::string_view t = line;
  h.has_ts = ReadTimestamp(t, clock, &h.ts);
  h.rest = t;
  h.message = t;
  // "host program[pid]: msg" or "program[pid]: msg" (a server's own file), where the program
  // tag has no spaces and ends with ':'. "program [pid]:" (SOGo) is accepted too.
  auto tag_end = [](std::string_view s) -> size_t {
    for (size_t i = 0; i < s.size() && i < 96; ++i) {
      if (s[i] == ' ') {
        // "sogod [1234]: "
        if (i + 2 < s.size() && s[i + 1] == '[') {
          size_t j = i + 2;
          while (j < s.size() && IsDigit(s[j])) ++j;
          if (j > i + 2 && j + 1 < s.size() && s[j] == ']' && s[j + 1] == ':') return j + 1;
        }
        return std::string_view::npos;
      }
      if (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ') && i > 0) return i;
    }
    return std::string_view::npos;
  };
  auto program_of = [](std::string_view tag) {
    const size_t bracket = tag.find('[');
    if (bracket != std::string_view::npos) tag = tag.substr(0, bracket);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    return tag;
  };
  size_t end = tag_end(t);
  if (end != std::string_view::npos) {
    h.program = program_of(t.substr(0, end));
    h.message = t.substr(std::min(t.size(), end + 2));
    return h;
  }
  const size_t space = t.find(' ');
  if (space == std::string_view::npos || space == 0) return h;
  std::string_view after_host = t.substr(space + 1);
  end = tag_end(after_host);
  if (end != std::string_view::npos) {
    h.host = t.substr(0, space);
    h.program = program_of(after_host.substr(0, end));
    h.message = after_host.substr(std::min(after_host.size(), end + 2));
  }
  return h;
}

}  // namespace coastguard::logs
