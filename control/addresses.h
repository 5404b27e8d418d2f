// The gateway's addresses (`addr add|del`), each on one interface, and what follows from them:
// the host prefix of each routes to the gateway itself (kNhLocal), an address with a prefix
// length or a peer makes a connected route (a "kernel" route, as Linux's proto kernel) unless one
// is there already, and the workers' source addresses for what the gateway originates (ICMP
// errors, ARP, ND) are republished after every change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "control/command.h"
#include "control/interfaces.h"
#include "control/net.h"
#include "dataplane/tables/tables.h"

namespace gw::ctl {

class Rib;
class Tunnels;

class Addresses {
 public:
  struct View {
    IpPrefix local;
    std::optional<IpPrefix> peer;
    std::string dev;
    // The connected route this address made, as long as no `route del` removed it (a `route
    // replace` keeps it): what a later `addr del` removes, and what makes a gateway "connected".
    std::optional<IpPrefix> kernel_route;
  };

  Addresses(dp::Tables& t, const Interfaces& ifs, Rib& rib, Tunnels& tunnels)
      : t_(t), ifs_(ifs), rib_(rib), tunnels_(tunnels) {}

  absl::Status Add(const Command& c);  // addr add
  absl::Status Del(const Command& c);  // addr del

  // Whether `a` lies in a connected network (an address's own route) of `port`.
  bool OnConnectedNetwork(uint16_t port, const IpAddr& a) const;
  // The first port with a connected network holding `a` (a route's gateway without `dev`).
  std::optional<IfRef> ConnectedPortFor(const IpAddr& a) const;
  // The connected route at `p` was deleted (`route del`): no address owns it any more.
  void ForgetKernelRoute(const IpPrefix& p);
  // The first address of `family` on `dev` (tunnel records carry it as their ICMP source).
  std::optional<IpAddr> FirstOn(const IfRef& dev, uint8_t family) const;
  // The source address for ARP / ND about `target` on `port`: the port's address whose network
  // holds the target, else the port's first of that family, else the gateway's first.
  std::optional<IpAddr> SourceFor(uint16_t port, const IpAddr& target) const;

  // `dev` is going away (tunnel del): the host prefixes of its addresses (one per address), and,
  // once the FIB no longer has them, its addresses forgotten (Gateway::InterfaceGone).
  std::vector<IpPrefix> HostsOn(const IfRef& dev) const;
  void ForgetDevice(const IfRef& dev);
  // Republishes the workers' source addresses (dp::SourceAddrs).
  void PublishSources();

  std::vector<View> Views() const;
  // `addr add` lines (with a `route del` after an address whose connected route the user
  // deleted); *connected gets the prefixes those lines will route, which the routes' own lines
  // must then `replace`.
  void AppendConfig(std::string* out, absl::flat_hash_map<IpPrefix, bool>* connected) const;

 private:
  struct Address {
    IpPrefix local;
    std::optional<IpPrefix> peer;
    IfRef dev;
    std::optional<IpPrefix> kernel_route;  // the route this address added, if it did
  };
  // After an address change on `dev`: the workers' source addresses (and, for a tunnel, its
  // record) follow.
  void Changed(const IfRef& dev);

  dp::Tables& t_;
  const Interfaces& ifs_;
  Rib& rib_;
  Tunnels& tunnels_;
  std::vector<Address> addrs_;
};

}  // namespace gw::ctl
