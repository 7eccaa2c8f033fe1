#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "firewall/drop_set.h"

struct nft_ctx;

namespace coastguard::nft {

struct NftablesSettings {
  std::string table = "coastguard";  // an inet table of its own
  std::vector<uint16_t> ports;       // TCP ports to drop on; empty: all traffic
  bool remove_at_stop = true;
};

// The nft commands that create the table, its two interval sets and the drop rules
// (`coastguard config nftables` prints them).
std::string SetupCommands(const NftablesSettings& settings);

// Keeps a DropSet's installed networks in nftables sets through libnftables: the blocked4 and
// blocked6 sets of `inet <table>`, with per-element timeouts. Calls are netlink round trips on
// the caller's thread (well under a millisecond each); Apply takes the changes in one batch.
class Nftables {
 public:
  explicit Nftables(NftablesSettings settings) : settings_(std::move(settings)) {}
  ~Nftables();
  Nftables(const Nftables&) = delete;
  Nftables& operator=(const Nftables&) = delete;

  // Creates the table, sets and rules (emptying sets left by an earlier run: the engine's
  // blocks are put back by the caller). An error says why (no CAP_NET_ADMIN, no nf_tables).
  absl::Status Start();
  // Applies changes in one transaction; if the kernel refuses it (an element that expired
  // on its own meanwhile cannot be deleted), applies them one by one and ignores failed deletes.
  absl::Status Apply(const std::vector<firewall::Change>& changes);
  // Removes the table if so configured.
  void Stop();

  uint64_t batches() const { return batches_; }
  uint64_t errors() const { return errors_; }

 private:
  absl::Status Run(const std::string& commands);

  NftablesSettings settings_;
  nft_ctx* ctx_ = nullptr;
  uint64_t batches_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace coastguard::nft
