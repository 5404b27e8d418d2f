// The running configuration and the one code path that changes it. Apply() dispatches a command
// to the object it configures, which validates it in full, pushes the change into the dataplane
// tables (all of it or none of it), and only then records it: a command that fails changes
// nothing.
//
//   links      control/links.h        link set on a port
//   addresses  control/addresses.h    addr add|del: host prefixes, connected routes, sources
//   rib        control/rib.h          route add|replace|del; the FIB derived from the RIB and
//                                     the addresses; next-hop ids with reference counts
//   neighbours control/neighbours.h   neigh add|replace|del (static entries)
//   tunnels    tunnel/control/        tunnel add|change|del, link set on a tunnel
// They find interfaces by name through `interfaces` (control/interfaces.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "control/addresses.h"
#include "control/command.h"
#include "control/interfaces.h"
#include "control/links.h"
#include "control/neighbours.h"
#include "control/net.h"
#include "control/rib.h"
#include "dataplane/tables/tables.h"
#include "tunnel/control/tunnels.h"

namespace gw::ctl {

class Gateway {
 public:
  using SetMtuFn = ctl::Links::SetMtuFn;
  using Tunnel = ctl::Tunnel;
  using LinkView = ctl::Links::View;
  using AddressView = ctl::Addresses::View;
  using RouteView = ctl::Rib::View;
  using NeighView = ctl::Neighbours::View;

  Gateway(dp::Tables& tables, std::vector<PortRef> ports, SetMtuFn set_mtu);

  absl::Status Apply(const Command& c);

  // Read side, for stats and show.
  const Tunnels& tunnel_config() const { return tunnels_; }
  // What the control thread learns about the tunnels besides their config (path MTUs).
  Tunnels& mutable_tunnel_config() { return tunnels_; }
  const absl::flat_hash_map<std::string, Tunnel>& tunnels() const { return tunnels_.all(); }
  std::vector<const Tunnel*> SortedTunnels() const { return tunnels_.Sorted(); }
  size_t route_count() const { return rib_.size(); }
  // Where per-tunnel counters come from (the workers), so that a reused tunnel id starts at 0.
  void SetTunnelCounterSource(std::function<dp::TunnelCounters(uint32_t)> fn) {
    tunnels_.SetCounterSource(std::move(fn));
  }
  dp::TunnelCounters TunnelCountersOf(const Tunnel& t) const { return tunnels_.CountersOf(t); }

  std::vector<LinkView> Links() const;  // ports, then tunnels
  const std::vector<PortRef>& Ports() const { return interfaces_.ports(); }
  std::vector<AddressView> Addresses() const { return addresses_.Views(); }
  std::vector<RouteView> Routes() const { return rib_.Views(); }  // IPv4 first, then by prefix
  std::vector<NeighView> Neighbours() const { return neighbours_.Views(); }

  // For ARP / ND resolution (control/resolver.h).
  std::optional<IpAddr> SourceFor(uint16_t port, const IpAddr& target) const {
    return addresses_.SourceFor(port, target);
  }
  bool IsStaticNeighbour(uint16_t port, const IpAddr& a) const {
    return neighbours_.IsStatic(port, a);
  }
  void SetStaticNeighbourHook(std::function<void(uint16_t, const IpAddr&, uint64_t mac)> fn) {
    neighbours_.SetStaticHook(std::move(fn));
  }
  void SetLearnedNeighbourDelete(std::function<bool(uint16_t, const IpAddr&)> fn) {
    neighbours_.SetLearnedDelete(std::move(fn));
  }
  // The running configuration in the command language: loading it into a fresh gatewayd with
  // the same ports gives the same state.
  std::string ConfigText() const;

 private:
  absl::Status LinkSet(const Command& c);
  // An interface goes away (tunnel del): as Linux, its routes and addresses go with it. Returns
  // once no worker can route through it any more; on failure nothing changed.
  absl::Status InterfaceGone(const IfRef& dev);

  dp::Tables& t_;
  // (Each object keeps references to the ones it works with: declared in construction order.)
  ctl::Tunnels tunnels_;
  Interfaces interfaces_;
  ctl::Links links_;
  ctl::Addresses addresses_;
  ctl::Rib rib_;
  ctl::Neighbours neighbours_;
};

}  // namespace gw::ctl
