#include "nft/nftables.h"

#include <nftables/libnftables.h>

#include <algorithm>

#include "core/text.h"

namespace coastguard::nft {
namespace {

std::string Ports(const std::vector<uint16_t>& ports) {
  if (ports.empty()) return "";
  std::string out = "tcp dport { ";
  for (size_t i = 0; i < ports.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(ports[i]);
  }
  return out + " } ";
}

std::string Element(const core::Cidr& network) {
  const int family_bits = network.base.family_bits();
  if (network.bits >= family_bits) return network.base.ToString();
  return network.base.Masked(network.bits).ToString() + "/" + std::to_string(network.bits);
}

}  // namespace

std::string SetupCommands(const NftablesSettings& s) {
  const std::string t = "inet " + s.table;
  const std::string ports = Ports(s.ports);
  return core::Cat(
      "add table ", t, "\n", "add set ", t,
      " blocked4 { type ipv4_addr; flags interval, timeout; }\n", "add set ", t,
      " blocked6 { type ipv6_addr; flags interval, timeout; }\n",
      // Before the usual filter chains (priority 0), so an accept there cannot let them in.
      "add chain ", t, " input { type filter hook input priority -10; policy accept; }\n",
      "flush chain ", t, " input\n", "flush set ", t, " blocked4\n", "flush set ", t, " blocked6\n",
      "add rule ", t, " input ip saddr @blocked4 ", ports, "drop\n", "add rule ", t,
      " input ip6 saddr @blocked6 ", ports, "drop\n");
}

Nftables::~Nftables() {
  if (ctx_ != nullptr) nft_ctx_free(ctx_);
}

absl::Status Nftables::Run(const std::string& commands) {
  if (ctx_ == nullptr) return absl::FailedPreconditionError("nftables is not started");
  if (nft_run_cmd_from_buffer(ctx_, commands.c_str()) == 0) return absl::OkStatus();
  std::string error = nft_ctx_get_error_buffer(ctx_);
  while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
  const size_t newline = error.find('\n');
  return absl::UnavailableError(newline == std::string::npos ? error : error.substr(0, newline));
}

absl::Status Nftables::Start() {
  ctx_ = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx_ == nullptr) return absl::UnavailableError("nftables: cannot create a context");
  nft_ctx_buffer_output(ctx_);
  nft_ctx_buffer_error(ctx_);
  if (absl::Status s = Run(SetupCommands(settings_)); !s.ok()) {
    return absl::UnavailableError(
        core::Cat("nftables: cannot create table inet ", settings_.table, ": ", core::Message(s)));
  }
  return absl::OkStatus();
}

absl::Status Nftables::Apply(const std::vector<firewall::Change>& changes) {
  if (changes.empty()) return absl::OkStatus();
  auto command = [&](const firewall::Change& c) {
    const char* set = c.network.base.is_v4() ? " blocked4 { " : " blocked6 { ";
    if (c.kind == firewall::Change::Kind::kDelete) {
      return core::Cat("delete element inet ", settings_.table, set, Element(c.network), " }\n");
    }
    const int64_t ms = std::max<int64_t>(c.timeout / core::kMillisecond, 1000);
    return core::Cat("add element inet ", settings_.table, set, Element(c.network), " timeout ", ms,
                     "ms }\n");
  };
  std::string batch;
  for (const auto& c : changes) batch += command(c);
  ++batches_;
  if (Run(batch).ok()) return absl::OkStatus();
  // Most likely a delete of an element the kernel already let go (its timeout ran out): the
  // deletes one by one, failures ignored, then the adds in one transaction; one by one only if
  // that fails too, and at most kMaxSingles of them (the rest are counted as errors).
  constexpr size_t kMaxSingles = 256;
  std::string adds;
  size_t singles = 0;
  for (const auto& c : changes) {
    if (c.kind == firewall::Change::Kind::kDelete) {
      if (singles++ < kMaxSingles) (void)Run(command(c));
    } else {
      adds += command(c);
    }
  }
  if (adds.empty() || Run(adds).ok()) return absl::OkStatus();
  absl::Status first = absl::OkStatus();
  for (const auto& c : changes) {
    if (c.kind != firewall::Change::Kind::kAdd) continue;
    absl::Status s = singles++ < kMaxSingles ? Run(command(c))
                                             : absl::ResourceExhaustedError("too many failures");
    if (!s.ok()) {
      ++errors_;
      if (first.ok()) first = s;
    }
  }
  return first;
}

void Nftables::Stop() {
  if (ctx_ == nullptr || !settings_.remove_at_stop) return;
  (void)Run(core::Cat("delete table inet ", settings_.table, "\n"));
}

}  // namespace coastguard::nft
