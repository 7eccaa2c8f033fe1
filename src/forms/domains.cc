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

// Whether a list entry reads as a domain: no blanks, address or path, and a dot inside.
bool DomainLike(std::string_view domain) {
  return !domain.empty() && domain.size() <= 253 &&
         domain.find_first_of(" \t@/") == std::string_view::npos &&
         domain.find('.') != std::string_view::npos;
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

absl::Status DomainList::Parse(std::string_view text, std::string_view path,
                               const PublicSuffixes* suffixes) {
  absl::flat_hash_set<std::string> domains;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
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
      domains.insert(AsciiLower(name->get<std::string>()));
    }
  } else {
    // SpamAssassin's rules file: only its url_shortener lines are the list.
    bool rules = false;
    for (size_t start = 0; start < text.size() && !rules;) {
      const size_t end = std::min(text.find('\n', start), text.size());
      size_t rest;
      rules = ShortenerDirective(FirstWord(text.substr(start, end - start), &rest));
      start = end + 1;
    }
    size_t number = 0;
    for (size_t start = 0; start < text.size();) {
      const size_t end = std::min(text.find('\n', start), text.size());
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      ++number;
      const size_t hash = line.find('#');
      if (hash != std::string_view::npos) line = line.substr(0, hash);
      size_t rest;
      const std::string_view word = FirstWord(line, &rest);
      if (word.empty()) continue;
      if (rules) {
        if (!ShortenerDirective(word)) continue;
        line.remove_prefix(rest);
        bool any = false;
        while (true) {
          line.remove_prefix(std::min(line.find_first_not_of(" \t\r"), line.size()));
          if (line.empty()) break;
          std::string_view domain = line.substr(0, line.find_first_of(" \t\r"));
          line.remove_prefix(domain.size());
          if (domain.front() == '.') domain.remove_prefix(1);  // ".page.link": its subdomains
          if (!DomainLike(domain)) {
            return core::InvalidInput(
                core::Cat(path, ":", number, ": not a domain: '", domain, "'"));
          }
          domains.insert(AsciiLower(domain));
          any = true;
        }
        if (!any) {
          return core::InvalidInput(core::Cat(path, ":", number, ": ", word, " names no domain"));
        }
        continue;
      }
      const size_t begin = line.find_first_not_of(" \t\r");
      const size_t last = line.find_last_not_of(" \t\r");
      const std::string_view domain = line.substr(begin, last - begin + 1);
      if (!DomainLike(domain)) {
        return core::InvalidInput(core::Cat(path, ":", number, ": not a domain: '", domain, "'"));
      }
      domains.insert(AsciiLower(domain));
    }
  }
  if (suffixes != nullptr) {
    absl::flat_hash_set<std::string> registrable;
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
