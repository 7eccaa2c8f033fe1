#include "forms/form_verdict.h"

#include <cstdio>

namespace coastguard::forms {

std::string_view FormActionName(FormAction a) {
  switch (a) {
    case FormAction::kAccept: return "accept";
    case FormAction::kChallenge: return "challenge";
    case FormAction::kHold: return "hold";
    case FormAction::kReject: return "reject";
  }
  return "accept";
}

namespace {

// The two layouts differ only in spacing and the replay line's delay_ms (kept for the shape the
// other decision lines have).
void AppendVerdict(const FormVerdict& verdict, bool replay_line, std::string& out) {
  const char* comma = replay_line ? ", " : ",";
  const char* colon = replay_line ? ": " : ":";
  out += '{';
  out += "\"verdict\"";
  out += colon;
  out += '"';
  out += FormActionName(verdict.action);
  out += '"';
  out += comma;
  if (replay_line) out += "\"delay_ms\": 0, ";
  out += "\"reasons\"";
  out += colon;
  out += '[';
  bool first = true;
  verdict.reasons.ForEach([&](FormReason r) {
    if (!first) out += comma;
    first = false;
    out += '"';
    out += FormReasonName(r);
    out += '"';
  });
  char score[32];
  std::snprintf(score, sizeof(score), "%.1f", verdict.score);
  out += ']';
  out += comma;
  out += "\"score\"";
  out += colon;
  out += score;
  out += '}';
}

}  // namespace

void AppendFormVerdictLine(const FormVerdict& verdict, std::string& out) {
  AppendVerdict(verdict, /*replay_line=*/true, out);
}

std::string FormVerdictJson(const FormVerdict& verdict) {
  std::string out;
  AppendVerdict(verdict, /*replay_line=*/false, out);
  return out;
}

}  // namespace coastguard::forms
