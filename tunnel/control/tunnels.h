// The tunnels as configured (`tunnel add|change|del`, `link set` on a tunnel) and what the data
// path gets from them: one immutable record per tunnel id with its outer-header template
// (TunnelTable::Publish), and the peer entry (outer remote, outer local) → id that decap looks up
// (PeerTable). A command is validated whole before a table changes; a failure changes nothing.
//
// A tunnel is keyed by {family, local, remote} (TunnelKey): the outer family is a parameter of
// the key and of the record's template. Family 4: ipip / sit / any (the IPv4 template, PeerTable);
// family 6: ip6tnl's ip6ip6 / ipip6 / any (the record's IPv6 addresses and encapsulation limit,
// PeerTable6). A tunnel keeps its family: `tunnel change` cannot move it to the other underlay
// (Linux cannot either: they are different device types).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "control/command.h"
#include "control/interfaces.h"
#include "control/json.h"
#include "control/net.h"
#include "dataplane/tables/tables.h"

namespace gw::ctl {

class Addresses;

// The outer (underlay) endpoints of a tunnel: what no two tunnels may share (Linux allows one
// device per (local, remote) and mode; here one tunnel carries both inner families: mode any).
struct TunnelKey {
  uint8_t family = 4;  // the outer family
  IpAddr local;
  IpAddr remote;  // family 0: any

  friend bool operator==(const TunnelKey&, const TunnelKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const TunnelKey& k) {
    return H::combine(std::move(h), k.family, k.local, k.remote);
  }
};

struct Tunnel {
  uint32_t id = 0;
  std::string name;
  TunnelMode mode = TunnelMode::kIpip;
  IpAddr local;
  IpAddr remote;  // family 0: any
  uint8_t ttl = 0;   // 0: inherit (IPv6 outer: the hop limit, default 64)
  int tos = 0;       // -1: inherit (IPv6 outer: the traffic class)
  bool pmtudisc = true;
  int encap_limit = 4;  // IPv6 outer: the tunnel encapsulation limit option; -1: none
  std::optional<uint16_t> dev;
  uint16_t mtu = 1480;
  bool mtu_explicit = false;  // `link set NAME mtu N`; otherwise underlay MTU - Overhead()
  bool up = false;
  dp::TunnelCounters base;  // counters of the id's earlier owners, subtracted in stats

  uint8_t family() const { return TunnelModeFamily(mode); }
  // Bytes of outer header: 20 (IPv4), 40 (IPv6), 48 (IPv6 with the encapsulation limit option).
  uint16_t Overhead() const {
    return family() == 4 ? 20 : static_cast<uint16_t>(encap_limit < 0 ? 40 : 48);
  }
  // (A remote of 0.0.0.0 is `remote any`, as in Linux: the same endpoints.)
  TunnelKey key() const {
    const bool any = remote.is_any() || (remote.family == 4 && remote.v4_be() == 0);
    return TunnelKey{family(), local, any ? IpAddr{} : remote};
  }
};

class Tunnels {
 public:
  Tunnels(dp::Tables& t, const Interfaces& ifs, Addresses& addrs) : t_(t), ifs_(ifs), addrs_(addrs) {}

  absl::Status Add(const Command& c);
  absl::Status Change(const Command& c);
  // `tunnel del`: `gone` first takes the routes and addresses of the tunnel out of the FIB (as
  // Linux does when a device goes away; Gateway::InterfaceGone), then the peer and the record go.
  absl::Status Del(const Command& c, const std::function<absl::Status(const IfRef&)>& gone);
  absl::Status LinkSet(const std::string& name, const Command& c);  // link set TUNNEL ...
  // The tunnel's addresses changed: its record (ICMP source addresses) follows.
  void AddressesChanged(uint32_t id);

  const Tunnel* Find(absl::string_view name) const;
  const Tunnel* FindId(uint32_t id) const;
  const absl::flat_hash_map<std::string, Tunnel>& all() const { return tunnels_; }
  std::vector<const Tunnel*> Sorted() const;  // by id

  // Where per-tunnel counters come from (the workers), so that a reused tunnel id starts at 0.
  void SetCounterSource(std::function<dp::TunnelCounters(uint32_t)> fn) {
    counters_ = std::move(fn);
  }
  dp::TunnelCounters CountersOf(const Tunnel& t) const;

  // `tunnel add` (and `link set`) lines that rebuild every tunnel.
  void AppendConfig(std::string* out) const;
  // `tunnel show [NAME]`: text as `ip tunnel show` prints it, and JSON; NotFound for an unknown
  // NAME.
  absl::Status Show(absl::string_view name, std::string* text, Json* json) const;

 private:
  std::unique_ptr<dp::TunnelRec> BuildRec(const Tunnel& t) const;
  absl::Status Validate(const Tunnel& t, const std::string* replacing) const;
  static dp::PeerKey PeerKeyOf(const Tunnel& t);
  static dp::PeerKey6 PeerKey6Of(const Tunnel& t);
  // The peer entry of `t` in its family's table: set, deleted.
  absl::Status SetPeer(const Tunnel& t);
  void DeletePeer(const Tunnel& t);
  // The MTU a tunnel gets from its underlay (Linux: the device's MTU less the outer header; an
  // IPv6 underlay never below 1280).
  uint16_t DefaultMtu(const Tunnel& t) const;
  // Publishes `t`'s record (new or replacing) and frees retired ones no worker can hold.
  void Publish(const Tunnel& t);

  dp::Tables& t_;
  const Interfaces& ifs_;
  Addresses& addrs_;
  absl::flat_hash_map<std::string, Tunnel> tunnels_;
  absl::flat_hash_map<uint32_t, std::string> names_;      // id -> name
  absl::flat_hash_map<TunnelKey, std::string> by_key_;    // endpoints -> name
  std::function<dp::TunnelCounters(uint32_t)> counters_;
  std::vector<uint32_t> free_ids_;
  uint32_t next_id_ = 0;
};

}  // namespace gw::ctl
