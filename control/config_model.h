// A configuration as a value, without a dataplane: what the objects Gateway::Apply configures
// hold — the ports' link settings, the tunnels by name, the addresses in order, the RIB, the static
// neighbours — and nothing of the tables. `config reload` (control/config_reload.h) builds one for
// the file by replaying its commands with Apply (the semantics of Gateway::Apply, the same checks
// and messages) and one for the running gateway (FromGateway), and applies the difference between
// them (control/config_diff.h). A second dp::Tables would do the replay for real but doubles the
// memory (the FIB alone is 4 x 64 MiB); this costs a few hundred bytes per object.
//
// The model keeps what decides how a later command behaves, not only what `config show` prints:
// whether a tunnel's MTU was set (`link set NAME mtu`) or derived, which address made a connected
// route, whether a route was given `onlink`. Canonical() is the part two gateways must share to be
// the same configuration.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "control/command.h"
#include "control/net.h"

namespace gw::ctl {

class Gateway;

struct ConfigModel {
  // `line` fields: the line of the file that last set the object (0: none, e.g. the running
  // gateway's objects); reload errors name it. They are not part of the configuration.
  struct Port {
    std::string name;
    uint16_t initial_mtu = 1500;  // the device's MTU when gatewayd started
    uint16_t mtu = 1500;
    bool up = true;
    size_t line = 0;
  };
  struct Tunnel {
    TunnelMode mode = TunnelMode::kIpip;
    IpAddr local;
    IpAddr remote;  // family 0: any
    uint8_t ttl = 0;  // 0: inherit
    int tos = 0;      // -1: inherit
    bool pmtudisc = true;
    std::optional<std::string> dev;  // a port's name
    uint16_t mtu = 1480;
    bool mtu_explicit = false;  // `link set NAME mtu N`; otherwise derived from the underlay
    bool up = false;
    uint64_t order = 0;  // creation order (the gateway's tunnel ids): the order lists follow
    size_t line = 0;       // the last `tunnel add` or `tunnel change` of it
    size_t link_line = 0;  // the last `link set` of it (its MTU and state)
  };
  struct Address {
    IpPrefix local;  // as given, host bits included
    std::optional<IpPrefix> peer;
    std::string dev;
    std::optional<IpPrefix> kernel_route;  // the connected route it made (Addresses::Address)
    size_t line = 0;
  };
  struct Route {
    std::string dev;
    std::optional<IpAddr> via;
    bool onlink = false;  // as given
    bool kernel = false;  // made by `addr add`
    size_t line = 0;
  };
  struct Neigh {
    std::array<uint8_t, 6> lladdr{};
    size_t line = 0;
  };
  using NeighKey = std::pair<std::string, IpAddr>;  // (port name, address)

  std::vector<Port> ports;  // in port order, as the gateway has them
  absl::flat_hash_map<std::string, Tunnel> tunnels;
  std::vector<Address> addresses;  // in the order they were added
  absl::flat_hash_map<IpPrefix, Route> routes;
  absl::flat_hash_map<NeighKey, Neigh> neighbours;
  // The line of the last `route del` of each prefix (it tags the deletion of a connected route
  // that an `addr add` of the difference makes again).
  absl::flat_hash_map<IpPrefix, size_t> route_del_lines;
  // The tunnels' endpoints (local, remote; any as family 0): what no two tunnels may share.
  absl::flat_hash_map<std::pair<IpAddr, IpAddr>, std::string> tunnel_keys;
  uint64_t next_order = 0;

  // A gateway with `gw`'s ports as they were when it started, and nothing configured: what
  // loading a file into a fresh gatewayd starts from.
  static ConfigModel Fresh(const Gateway& gw);
  // The running configuration of `gw`, exactly (its hidden parts included).
  static ConfigModel FromGateway(const Gateway& gw);

  // What Gateway::Apply(c) does, with the same checks and messages; on an error nothing changes.
  // Not predicted: what only the dataplane knows (a full table, a port that refuses an MTU).
  absl::Status Apply(const Command& c, size_t line = 0);

  // The configuration as text, one object per line (ports, tunnels by name, addresses in order,
  // routes and neighbours sorted): two models are the same configuration when their texts are
  // equal. It holds everything `config show` and the dataplane reflect — a tunnel's MTU and
  // whether `config show` pins it with `link set NAME mtu`, which connected route each address
  // made, a route's on-link state as `route show` prints it — and leaves out tunnel ids and
  // next-hop ids, and the file lines.
  std::string Canonical() const;

  // Reads used by Apply, the diff and Canonical.
  // A tunnel's endpoints as tunnel_keys holds them (Tunnel::key()).
  static std::pair<IpAddr, IpAddr> TunnelKey(const Tunnel& t);
  const Port* FindPort(absl::string_view name) const;
  Port* FindPort(absl::string_view name);
  const Tunnel* FindTunnel(absl::string_view name) const;
  // The MTU a tunnel gets when it is added now (or its `dev` changes): its port's MTU - 20.
  uint16_t DefaultTunnelMtu(const Tunnel& t) const;
  // Whether `config show` writes `link set NAME mtu` for the tunnel (set, or no longer the
  // default).
  bool MtuPinned(const Tunnel& t) const;
  bool OnConnectedNetwork(absl::string_view port, const IpAddr& a) const;
  // The route's on-link state as `route show` prints it (Rib::View::onlink).
  bool OnlinkShown(const Route& r) const;
  // The connected route `a` made, if the RIB still holds a route there.
  std::optional<IpPrefix> LiveKernelRoute(const Address& a) const;
  // Tunnels in creation order.
  std::vector<std::pair<const std::string*, const Tunnel*>> SortedTunnels() const;

 private:
  absl::Status LinkSet(const Command& c, size_t line);
  absl::Status TunnelAdd(const Command& c, size_t line);
  absl::Status TunnelChange(const Command& c, size_t line);
  absl::Status TunnelDel(const Command& c);
  absl::Status AddrAdd(const Command& c, size_t line);
  absl::Status AddrDel(const Command& c);
  absl::Status RouteAdd(const Command& c, bool replace, size_t line);
  absl::Status RouteDel(const Command& c, size_t line);
  absl::Status NeighSet(const Command& c, bool replace, size_t line);
  absl::Status NeighDel(const Command& c);
  // Interfaces::Find: whether `name` is a port or a tunnel ("unknown device" otherwise).
  absl::StatusOr<bool> IsPort(absl::string_view name) const;
  absl::Status NeedPort(absl::string_view name, absl::string_view what) const;
  absl::Status ValidateTunnel(const Tunnel& t, const std::string& name) const;
};

}  // namespace gw::ctl
