#include "forms/domains.h"

#include <libpsl.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace coastguard::forms {

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

PublicSuffixes::PublicSuffixes() {
  const psl_ctx_t* latest = psl_latest(nullptr);
  psl_ = latest != nullptr ? latest : psl_builtin();
}

const PublicSuffixes& PublicSuffixes::Get() {
  static const PublicSuffixes* instance = new PublicSuffixes();  // never freed: shared by all
  return *instance;
}

std::string PublicSuffixes::Registrable(std::string_view host) const {
  if (psl_ == nullptr || host.empty() || host.size() > 253) return "";
  std::string name(host);
  while (!name.empty() && name.back() == '.') name.pop_back();
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  // Only a listed top-level domain makes a domain; libpsl's "*" rule would accept any label.
  if (!psl_is_public_suffix2(psl_, name.c_str() + dot + 1, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE)) {
    return "";
  }
  const char* registrable = psl_registrable_domain(psl_, name.c_str());
  return registrable == nullptr ? "" : std::string(registrable);
}

namespace {

// Whether a list entry reads as a domain: labels of letters, digits, hyphens or underscores
// (or UTF-8, for IDNs) joined by single dots, at least two of them.
bool DomainLike(std::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string_view::npos || domain.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(domain.begin(), domain.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
           u == '_' || u == '.' || u >= 0x80;
  });
}

// The first word of a line (blanks before it skipped) and where the rest starts.
std::string_view FirstWord(std::string_view line, size_t* rest) {
  const size_t begin = std::min(line.find_first_not_of(" \t\r"), line.size());
  const size_t end = std::min(line.find_first_of(" \t\r", begin), line.size());
  *rest = end;
  return line.substr(begin, end - begin);
}

bool ShortenerDirective(std::string_view word) {
  return word == "url_shortener" || word == "url_shortener_get";
}

}  // namespace

absl::Status DomainList::Load(const std::string& path, const PublicSuffixes* suffixes) {
  std::ifstream in(path);
  if (!in) return core::InvalidInput(core::Cat(path, ": cannot open"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path, suffixes);
}

namespace {

using Domains = absl::flat_hash_set<std::string>;

absl::Status NotADomain(std::string_view path, size_t line, std::string_view entry) {
  return core::InvalidInput(line == 0
                                ? core::Cat(path, ": not a domain: '", entry, "'")
                                : core::Cat(path, ":", line, ": not a domain: '", entry, "'"));
}

// One entry: ".page.link" (SpamAssassin's "any subdomain") is page.link, whose subdomains
// Contains finds anyway.
absl::Status AddDomain(std::string_view entry, std::string_view path, size_t line, Domains& out) {
  if (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
  if (!DomainLike(entry)) return NotADomain(path, line, entry);
  out.insert(AsciiLower(entry));
  return absl::OkStatus();
}

absl::Status ParseJsonArray(std::string_view text, std::string_view path, Domains& out) {
  const nlohmann::json list = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (list.is_discarded() || !list.is_array()) {
    return core::InvalidInput(core::Cat(path, ": not a JSON array of domains"));
  }
  for (const auto& item : list) {
    const nlohmann::json* name = &item;
    if (item.is_object()) {
      const auto it = item.contains("rootDomain") ? item.find("rootDomain") : item.find("domain");
      if (it != item.end()) name = &*it;
    }
    if (!name->is_string()) {
      return core::InvalidInput(
          core::Cat(path, ": every entry must be a domain, or an object with rootDomain"));
    }
    if (absl::Status s = AddDomain(name->get<std::string>(), path, 0, out); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Calls `line_fn(number, line)` for each line, # comments cut off; stops at an error.
template <typename Fn>
absl::Status ForEachLine(std::string_view text, Fn line_fn) {
  size_t number = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    line = line.substr(0, line.find('#'));
    if (absl::Status s = line_fn(number, line); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// SpamAssassin's rules file: only its url_shortener lines are the list, each naming one or
// more domains; the other lines are rules.
absl::Status ParseShortenerRules(std::string_view text, std::string_view path, Domains& out) {
  return ForEachLine(text, [&](size_t number, std::string_view line) {
    size_t rest;
    const std::string_view directive = FirstWord(line, &rest);
    if (!ShortenerDirective(directive)) return absl::OkStatus();
    line.remove_prefix(rest);
    bool any = false;
    while (true) {
      line.remove_prefix(std::min(line.find_first_not_of(" \t\r"), line.size()));
      if (line.empty()) break;
      const std::string_view entry = line.substr(0, line.find_first_of(" \t\r"));
      line.remove_prefix(entry.size());
      if (absl::Status s = AddDomain(entry, path, number, out); !s.ok()) return s;
      any = true;
    }
    if (!any) {
      return core::InvalidInput(core::Cat(path, ":", number, ": ", directive, " names no domain"));
    }
    return absl::OkStatus();
  });
}

absl::Status ParseLines(std::string_view text, std::string_view path, Domains& out) {
  return ForEachLine(text, [&](size_t number, std::string_view line) {
    const size_t begin = line.find_first_not_of(" \t\r");
    if (begin == std::string_view::npos) return absl::OkStatus();
    const size_t last = line.find_last_not_of(" \t\r");
    return AddDomain(line.substr(begin, last - begin + 1), path, number, out);
  });
}

bool ShortenerRules(std::string_view text) {
  bool found = false;
  (void)ForEachLine(text, [&](size_t, std::string_view line) {
    size_t rest;
    found = found || ShortenerDirective(FirstWord(line, &rest));
    return absl::OkStatus();
  });
  return found;
}

}  // namespace

absl::Status DomainList::Parse(std::string_view text, std::string_view path,
                               const PublicSuffixes* suffixes) {
  Domains domains;
  const size_t first = text.find_first_not_of(" \t\r\n");
  absl::Status status = first != std::string_view::npos && text[first] == '['
                            ? ParseJsonArray(text, path, domains)
                        : ShortenerRules(text) ? ParseShortenerRules(text, path, domains)
                                               : ParseLines(text, path, domains);
  if (!status.ok()) return status;
  if (suffixes != nullptr) {
    Domains registrable;
    for (const std::string& d : domains) {
      const std::string r = suffixes->Registrable(d);
      registrable.insert(r.empty() ? d : r);
    }
    domains = std::move(registrable);
  }
  domains_ = std::move(domains);
  return absl::OkStatus();
}

bool DomainList::Contains(std::string_view domain) const {
  if (domains_.empty()) return false;
  std::string name = AsciiLower(domain);
  std::string_view rest = name;
  // The domain and each parent (a listed domain's subdomains are as throwaway as it is).
  while (true) {
    if (domains_.contains(std::string(rest))) return true;
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return false;
    rest.remove_prefix(dot + 1);
  }
}

}  // namespace coastguard::forms
