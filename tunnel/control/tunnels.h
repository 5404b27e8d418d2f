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

#include <chrono>
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
#include "dataplane/counters.h"
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

using Clock = std::chrono::steady_clock;

// A path MTU learned from ICMP fragmentation needed (tunnel/control/pmtu.cc): the largest outer
// packet toward one remote, until `expires`. Linux keeps it in the route's next-hop exception
// (fnhe) of the remote, for net.ipv4.route.mtu_expires.
struct PathMtu {
  uint16_t mtu = 0;
  bool locked = false;  // reported below --tunnel_pmtu_min, raised to it: outer DF clear
  Clock::time_point expires;
};

struct PathMtuOptions {
  uint32_t expires_s = 600;  // Linux: net.ipv4.route.mtu_expires
  uint16_t min = 552;        // Linux: net.ipv4.route.min_pmtu
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
  // Path MTUs learned, by remote (IPv4, network order): a fixed remote's own, or each remote of
  // a `remote any` tunnel that reported one (also in TunnelTable::PathMtu for the walk).
  absl::flat_hash_map<uint32_t, PathMtu> pmtu;

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

  // Path MTU learning (tunnel/control/pmtu.cc), on the control thread.
  void SetPathMtuOptions(const PathMtuOptions& o) { pmtu_opts_ = o; }
  const PathMtuOptions& path_mtu_options() const { return pmtu_opts_; }
  void SetClock(std::function<Clock::time_point()> now) { now_ = std::move(now); }
  // An ICMP fragmentation needed that a worker found to be about one of our outer packets (punt
  // kPmtu): `ip` at its IPv4 header, `len` bytes of it; `port_mtu`: the MTU of the port it came
  // in by. Learns the path MTU it reports for the tunnel and remote it quotes (event
  // pmtu_learned, log pmtu_learned), or ignores it as Linux does (drop icmp_handled), in `c`.
  void PathMtuMessage(const uint8_t* ip, uint32_t len, uint16_t port_mtu, dp::LcoreCounters& c);
  // The same, from its parts: whether it was learned.
  bool LearnPathMtu(const std::string& name, uint32_t remote_be, uint16_t reported,
                    uint16_t port_mtu);
  // Forgets the path MTUs whose time has come (event and log pmtu_expired). Cheap when none is
  // due.
  void ExpirePathMtus(dp::LcoreCounters& c);

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
  // The record's path MTU fields from t.pmtu (pmtu.cc).
  void PathMtuFields(const Tunnel& t, dp::TunnelRec* r) const;
  // Forgets every path MTU of `t` (its endpoints changed, or it goes): the walk's entries too.
  void ForgetPathMtus(Tunnel& t);
  // `tunnel show`'s path MTU: JSON "pmtu" (a list), text on the tunnel's line (fixed remote) or
  // one line per remote after it (remote any).
  void ShowPathMtu(const Tunnel& t, std::string* inline_text, std::string* lines,
                   Json* json) const;

  dp::Tables& t_;
  const Interfaces& ifs_;
  Addresses& addrs_;
  absl::flat_hash_map<std::string, Tunnel> tunnels_;
  absl::flat_hash_map<uint32_t, std::string> names_;      // id -> name
  absl::flat_hash_map<TunnelKey, std::string> by_key_;    // endpoints -> name
  std::function<dp::TunnelCounters(uint32_t)> counters_;
  std::vector<uint32_t> free_ids_;
  uint32_t next_id_ = 0;
  PathMtuOptions pmtu_opts_;
  std::function<Clock::time_point()> now_ = [] { return Clock::now(); };
  Clock::time_point next_expiry_ = Clock::time_point::max();  // of any path MTU
};

}  // namespace gw::ctl
