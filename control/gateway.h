// The running configuration and the one code path that changes it. Apply() validates a command
// in full, pushes the change into the dataplane tables (all of it or none of it), and only then
// records it: a command that fails changes nothing.
//
// The RIB (every route, as configured) and the address list live here; the dataplane holds the
// FIB derived from them: a prefix that is one of the gateway's addresses routes to kNhLocal
// (Linux's local table wins), otherwise to the RIB's next hop.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "control/command.h"
#include "control/net.h"
#include "dataplane/counters.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {
template <typename H>
H AbslHashValue(H h, const NextHop& n) {
  return H::combine(std::move(h), n.kind, n.gw_family, n.port, n.tunnel, n.gw4_be, n.gw6);
}
}  // namespace gw::dp

namespace gw::ctl {

struct PortRef {
  uint16_t id;
  std::string name;
};

class Gateway {
 public:
  using SetMtuFn = std::function<absl::Status(uint16_t port, uint16_t mtu)>;

  Gateway(dp::Tables& tables, std::vector<PortRef> ports, SetMtuFn set_mtu);

  absl::Status Apply(const Command& c);

  // Read side, for stats and show.
  struct Tunnel {
    uint32_t id = 0;
    std::string name;
    TunnelMode mode = TunnelMode::kIpip;
    IpAddr local;
    IpAddr remote;  // family 0: any
    uint8_t ttl = 0;   // 0: inherit
    int tos = 0;       // -1: inherit
    bool pmtudisc = true;
    std::optional<uint16_t> dev;
    uint16_t mtu = 1480;
    bool mtu_explicit = false;  // `link set NAME mtu N`; otherwise underlay MTU - 20
    bool up = false;
    dp::TunnelCounters base;  // counters of the id's earlier owners, subtracted in stats
  };
  const absl::flat_hash_map<std::string, Tunnel>& tunnels() const { return tunnels_; }
  size_t route_count() const { return rib_.size(); }

  // Where per-tunnel counters come from (the workers), so that a reused tunnel id starts at 0.
  void SetTunnelCounterSource(std::function<dp::TunnelCounters(uint32_t)> fn) {
    tunnel_counters_ = std::move(fn);
  }
  dp::TunnelCounters TunnelCountersOf(const Tunnel& t) const;

  struct LinkView {
    std::string name;
    bool is_tunnel;
    std::string mac;  // empty for tunnels
    uint16_t mtu;
    bool up;
  };
  struct AddressView {
    IpPrefix local;
    std::optional<IpPrefix> peer;
    std::string dev;
  };
  struct RouteView {
    IpPrefix prefix;
    std::string dev;
    std::optional<IpAddr> via;
    bool kernel;  // made by `addr add`
    // Given `onlink`, or its gateway is on no connected network of the port any more (the
    // address or its route went away after the route was added): either way an on-link route.
    bool onlink;
  };
  struct NeighView {
    IpAddr addr;
    std::array<uint8_t, 6> lladdr;
    std::string dev;
  };
  std::vector<LinkView> Links() const;
  std::vector<AddressView> Addresses() const;
  std::vector<RouteView> Routes() const;  // IPv4 first, then by prefix
  std::vector<NeighView> Neighbours() const;
  std::vector<const Tunnel*> SortedTunnels() const;

  // For the slow path (slowpath.h).
  // The source address for ARP / ND about `target` on `port`: the port's address whose network
  // holds the target, else the port's first of that family, else the gateway's first.
  std::optional<IpAddr> SourceFor(uint16_t port, const IpAddr& target) const;
  bool IsStaticNeighbour(uint16_t port, const IpAddr& a) const {
    return neigh_.contains(std::make_pair(port, a));
  }
  // Called after `neigh add/replace` installed a static entry (it replaces a learned one).
  void SetStaticNeighbourHook(std::function<void(uint16_t, const IpAddr&, uint64_t mac)> fn) {
    on_static_neigh_ = std::move(fn);
  }
  // `neigh del` of an address with no static entry: forget a learned one; false if none.
  void SetLearnedNeighbourDelete(std::function<bool(uint16_t, const IpAddr&)> fn) {
    del_learned_neigh_ = std::move(fn);
  }
  // The running configuration in the command language: loading it into a fresh gatewayd with
  // the same ports gives the same state.
  std::string ConfigText() const;

 private:
  enum class IfKind { kPort, kTunnel };
  struct IfRef {
    IfKind kind;
    uint32_t id;  // port id or tunnel id
  };
  struct Route {
    dp::NextHop nh;
    uint32_t nh_id;
    bool kernel;  // made by `addr add` (a connected or peer route)
    bool onlink = false;
  };
  struct Address {
    IpPrefix local;
    std::optional<IpPrefix> peer;
    IfRef dev;
    std::optional<IpPrefix> kernel_route;  // the route this address added, if it did
  };
  // One FIB change, family-tagged; see ApplyFib.
  struct FibOp {
    IpPrefix prefix;
    uint32_t nh;
    uint32_t prev;
  };

  absl::Status LinkSet(const Command& c);
  absl::Status AddrAdd(const Command& c);
  absl::Status AddrDel(const Command& c);
  absl::Status TunnelAdd(const Command& c);
  absl::Status TunnelChange(const Command& c);
  absl::Status TunnelDel(const Command& c);
  absl::Status RouteAdd(const Command& c, bool replace);
  absl::Status RouteDel(const Command& c);
  absl::Status NeighSet(const Command& c, bool replace);
  absl::Status NeighDel(const Command& c);

  absl::StatusOr<IfRef> FindIf(absl::string_view name) const;
  std::string IfName(const IfRef& r) const;
  absl::StatusOr<uint16_t> FindPort(absl::string_view name, absl::string_view what) const;
  // Whether `a` lies in a connected network (an address's own route) of `port`.
  bool OnConnectedNetwork(uint16_t port, const IpAddr& a) const;

  // What the FIB should hold for `p` given the RIB and the local addresses.
  uint32_t Desired(const IpPrefix& p) const;
  bool IsLocalHost(const IpPrefix& p) const { return local_hosts_.contains(p); }
  // All-or-nothing push of FIB changes (of any family mix) into the dataplane.
  absl::Status ApplyFib(const std::vector<FibOp>& ops);

  absl::StatusOr<uint32_t> AcquireNh(const dp::NextHop& nh);
  void ReleaseNh(uint32_t id);

  static uint64_t PeerKeyOf(const Tunnel& t);
  static dp::PeerKey DpPeerKey(const Tunnel& t);
  std::unique_ptr<dp::TunnelRec> BuildRec(const Tunnel& t) const;
  // After an address change on `dev`: the dataplane's source addresses (and, for a tunnel, its
  // record) follow.
  void AddressesChanged(const IfRef& dev);
  absl::Status ValidateTunnel(const Tunnel& t, const std::string* replacing) const;

  dp::Tables& t_;
  std::vector<PortRef> ports_;
  SetMtuFn set_mtu_;

  absl::flat_hash_map<std::string, Tunnel> tunnels_;
  absl::flat_hash_map<uint32_t, std::string> tunnel_names_;  // id -> name
  std::function<dp::TunnelCounters(uint32_t)> tunnel_counters_;
  absl::flat_hash_map<uint16_t, uint16_t> initial_port_mtu_;
  absl::flat_hash_map<uint64_t, std::string> tunnel_by_peer_;  // PeerKeyOf() -> name
  std::vector<uint32_t> free_tunnel_ids_;
  uint32_t next_tunnel_id_ = 0;

  absl::flat_hash_map<IpPrefix, Route> rib_;
  absl::flat_hash_map<IpPrefix, uint32_t> local_hosts_;  // host prefix -> number of addresses
  std::vector<Address> addrs_;

  struct NhEntry {
    uint32_t id;
    uint32_t refs;
  };
  absl::flat_hash_map<dp::NextHop, NhEntry> nh_ids_;
  struct FreeNh {
    uint32_t id;
    uint64_t token;  // reusable once every worker has passed this (rcu.Passed)
  };
  std::deque<FreeNh> free_nh_ids_;  // oldest first
  uint32_t next_nh_id_ = dp::kNhLocal + 1;

  absl::flat_hash_map<std::pair<uint16_t, IpAddr>, std::array<uint8_t, 6>> neigh_;
  std::function<void(uint16_t, const IpAddr&, uint64_t)> on_static_neigh_;
  std::function<bool(uint16_t, const IpAddr&)> del_learned_neigh_;
};

}  // namespace gw::ctl
