#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"

struct psl_ctx_st;

namespace coastguard::forms {

// The Public Suffix List, from Debian's publicsuffix package through libpsl: which part of a
// host name is the registrable domain ("news.example.co.uk" -> "example.co.uk").
class PublicSuffixes {
 public:
  // Loads the system list once (/usr/share/publicsuffix), else libpsl's built-in copy.
  static const PublicSuffixes& Get();

  // The registrable domain of a lower-case host, or "" when the host is itself a public suffix
  // or ends in a label that is no known top-level domain ("J.R.R", "node.js" stay names).
  std::string Registrable(std::string_view host) const;

 private:
  PublicSuffixes();
  const psl_ctx_st* psl_;
};

// A list of domains from a data file: a JSON array of names (npm disposable-email-domains'
// index.json) or of objects with "rootDomain" or "domain"; SpamAssassin's URL shortener rules
// (`url_shortener bit.ly tinyurl.com` lines, also `url_shortener_get`, a leading dot for "any
// subdomain"; its other lines are rules and skipped); or one domain per line with # comments.
// The throwaway-mail domains, the link shorteners: signals, not verdicts.
class DomainList {
 public:
  // Replaces the list; errors name the file and line. With `suffixes`, entries are reduced to
  // their registrable domain ("docs.google.com" -> "google.com").
  absl::Status Load(const std::string& path, const PublicSuffixes* suffixes = nullptr);
  // The same from the file's text; errors call it `path`. Replaces nothing on error.
  absl::Status Parse(std::string_view text, std::string_view path,
                     const PublicSuffixes* suffixes = nullptr);
  void Add(std::string_view domain) { domains_.insert(std::string(domain)); }
  // True for a listed domain or any subdomain of one.
  bool Contains(std::string_view domain) const;
  size_t size() const { return domains_.size(); }

 private:
  absl::flat_hash_set<std::string> domains_;
};

// ASCII lower-case copy (domains and schemes; IDN labels pass through unchanged).
std::string AsciiLower(std::string_view text);

}  // namespace coastguard::forms
